"""The course's maths, in numpy only (no matplotlib, no ipywidgets: a test checks it), one concept a file.

==============  ==========================================================================
activations     f, f', and the gains of linear, tanh, relu, sigmoid, selu, LeCun's tanh
gaussian        the Gaussian expectation E[f(z)], by quadrature
init            initialisation schemes (std of a layer's weights), the one rng helper ``make_rng``
streams         one seed's standard-normal numbers kept, for runs of every width to read again
frameworks      what PyTorch, Keras and Flax do by default, as named rules
forward         the layer loops (``simulate``, ``propagate``) and their per-layer statistics
theory          every closed form a figure draws next to a measurement (variance laws, residual growth, ...)
meanfield       mean-field theory of deep tanh networks: order, chaos, the edge between
isometry        orthogonal weights, Jacobian spectra, LSUV, residual streams
attention       softmax over a row of q.k scores at any d_k, its entropy and Jacobian (notebook 10)
normalisation   LayerNorm and BatchNorm with their backward pass, normalised stacks (notebook 10)
residual_stream the pre-norm stream x + a f(LayerNorm(x)) and its branch scalings (notebook 10)
width_scaling   a toy task trained under the standard parametrisation and under muP (notebook 10)
==============  ==========================================================================

Names used throughout: a layer's weights ``W`` have shape (fan_in, fan_out) and the layer computes
``h @ W`` (the products and Jacobians of :mod:`.isometry` are the one exception; it says why); the *gain* is the weight std times sqrt(fan_in) (``sigma_w`` in :mod:`.meanfield`, after
the papers); ``scale`` is an absolute weight std (:func:`.forward.simulate`), a ``multiplier``
scales a scheme's std (the networks of :mod:`winit_helpers.training` still call their multiplier
``scale``).  Every function that draws random numbers takes ``seed=`` (a whole number,
or a numpy Generator to share a stream), turned into a Generator by :func:`.init.make_rng`.
"""
