"""The course's maths, in numpy only (no matplotlib, no ipywidgets: a test checks it), one concept a file.

==============  ==========================================================================
activations     f, f', and the gains of linear, tanh, relu, sigmoid, selu, LeCun's tanh
gaussian        the Gaussian expectation E[f(z)], by quadrature
init            initialisation schemes (std of a layer's weights), the rng helper
frameworks      what PyTorch, Keras and Flax do by default, as named rules
forward         the layer loops (``simulate``, ``propagate``) and their per-layer statistics
theory          the closed forms the figures draw next to a measurement
meanfield       mean-field theory of deep tanh networks: order, chaos, the edge between
isometry        orthogonal weights, Jacobian spectra, LSUV, residual streams
==============  ==========================================================================
"""
