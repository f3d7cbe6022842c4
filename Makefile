# The course's commands. `make lab` and `make test` create the virtual environment
# (.venv) and install requirements.txt into it first when that is needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# make test-floors: a second environment with every direct dependency at its lower bound
FLOORS_VENV  := .venv-floors
FLOORS_BIN   := $(FLOORS_VENV)/bin
FLOORS_STAMP := $(FLOORS_VENV)/.installed
# The course's matrices are small: on one BLAS thread per process they run steadily, while
# several threads fighting over busy cores can be ten times slower (the tests run two processes).
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
# JupyterLab refuses to start as root (as in many containers) unless told it is fine
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help setup lab test test-floors test-unit test-notebooks test-browser test-frameworks notebooks bench html clean

help:
	@echo "make lab        set up (first time) and open the course in JupyterLab"
	@echo "make test       set up (first time) and run the unit tests and every notebook"
	@echo "make test-floors  the same tests with every requirement at its lower bound (.venv-floors)"
	@echo "make notebooks  re-execute every notebook in place (after you change one)"
	@echo "make bench      measure how fast the simulation and the live figures are"
	@echo "make test-browser  open every notebook in headless Chromium and move every slider"
	@echo "make html       build the static handout site in build/site (works offline)"
	@echo "make test-frameworks  check the course's framework claims against real PyTorch, Keras and Flax (own venv)"

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml labextension/pyproject.toml $(wildcard labextension/winit-rise-widgets/*.json labextension/winit-rise-widgets/static/*.js)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ip=127.0.0.1 $(ROOT_FLAG) notebooks/00_start_here.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The constraints are generated from requirements.txt (and checked against pyproject.toml) on every
# install, so the floors tested are the floors declared. Same Python as `make test`.
$(FLOORS_STAMP): requirements.txt pyproject.toml tools/floors.py labextension/pyproject.toml $(wildcard labextension/winit-rise-widgets/*.json labextension/winit-rise-widgets/static/*.js)
	@test -x $(FLOORS_BIN)/python || $(PYTHON) -m venv $(FLOORS_VENV)
	$(FLOORS_BIN)/python tools/floors.py requirements.txt --pyproject pyproject.toml -o $(FLOORS_VENV)/constraints.txt
	$(FLOORS_BIN)/python -m pip install --quiet --upgrade pip
	$(FLOORS_BIN)/python -m pip install --quiet -r requirements.txt -c $(FLOORS_VENV)/constraints.txt
	@touch $(FLOORS_STAMP)

# The tests marked `drawing` (what matplotlib draws, pixel by pixel: collisions, fast frames) are left out here:
# they depend on matplotlib alone, whose floor is the same minor release as the version `make test` installs.
test-floors: $(FLOORS_STAMP)
	$(FLOORS_BIN)/python -m pytest -n 2 --dist loadfile -m "not drawing"

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile notebooks

notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

test-browser: $(STAMP)
	$(BIN)/python -m pytest -p no:nbval -o addopts="" tests/browser

# The real frameworks live in an environment of their own (.venv-frameworks): the course's .venv never needs them.
FW_VENV  := .venv-frameworks
FW_STAMP := $(FW_VENV)/.installed

$(FW_STAMP): requirements-frameworks.txt pyproject.toml
	@test -x $(FW_VENV)/bin/python || $(PYTHON) -m venv $(FW_VENV)
	@echo '*' > $(FW_VENV)/.gitignore
	$(FW_VENV)/bin/python -m pip install --quiet -r requirements-frameworks.txt
	@touch $(FW_STAMP)

test-frameworks: $(FW_STAMP)
	KERAS_BACKEND=numpy JAX_PLATFORMS=cpu $(FW_VENV)/bin/python -m pytest -p no:nbval -o addopts="" -p no:cacheprovider -v tests/frameworks

html: $(STAMP)
	$(BIN)/python tools/build_site.py

clean:
	rm -rf $(VENV) $(FLOORS_VENV) .pytest_cache
