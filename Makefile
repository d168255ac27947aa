# Viewtron LPR for Home Assistant: developer commands (see README.md).
VENV := .venv
PY := $(VENV)/bin/python
LIB := custom_components/viewtron_lpr/lpr

.PHONY: demo setup test test-latest lint format ci clean bench

demo: setup
	@$(PY) -m tools.demo

setup:
	@bash scripts/setup-native.sh

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

test: lint
	$(PY) -m pytest

test-latest:
	@bash scripts/test-latest.sh

ci: test test-latest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache htmlcov .coverage

bench: setup
	$(PY) -m benchmarks.bench_parser
	$(PY) -m benchmarks.bench_quality
	$(PY) -m pytest benchmarks/bench_webhook.py benchmarks/bench_cloud.py \
		-o python_files="bench_*.py" -o addopts="" \
		-p no:sugar -p no:logging -p no:cacheprovider -q -s --timeout 1800
