# Two commands on a fresh machine with Python 3.11+: `make run` (install and start) and `make test` (install and test).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

$(VENV)/.runtime: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

.PHONY: run test lint bench
run: $(VENV)/.runtime
	$(PY) -m lab warm
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

test: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q -n 2 --dist loadgroup --durations=25

bench: $(VENV)/.dev
	$(PY) benchmarks/basin_speed.py
	$(PY) benchmarks/figure_size.py
	$(PY) benchmarks/slider_latency.py
	$(PY) benchmarks/lr_sweep.py
	$(PY) benchmarks/basin_map.py
	$(PY) benchmarks/network_train.py
	$(PY) benchmarks/landscape_slice.py
	$(PY) benchmarks/export_speed.py
	$(PY) benchmarks/browser_latency.py
	$(PY) -m lab warm
	$(PY) benchmarks/first_use.py
	$(PY) benchmarks/formula_memory.py --formulas 50
	$(PY) benchmarks/class_load.py --students 100
	$(PY) benchmarks/class_round.py
	$(PY) benchmarks/class_load.py --round --students 300 --stagger 5
