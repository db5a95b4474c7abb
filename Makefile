# AIGVA: `make run` starts everything, `make test` runs the whole suite (SPEC R-1).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= --durations=25  # the slowest tests, so the suite's time can be watched in CI's output

.PHONY: run test topology install lint bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# PyTorch first, pinned to the build these machines carry; the project itself accepts torch>=2.4.
	$(BIN)/pip install torch==2.14.1 torchvision==0.29.1
	$(BIN)/pip install -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m aigva.launcher

test: install
	bash scripts/test-services.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

# The production topology by hand (PostgreSQL, Redis, S3, gunicorn, two workers), walked through the API.
topology: install
	bash scripts/topology-test.sh

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/predict.py
	bash scripts/test-services.sh $(BIN)/python bench/labels.py
	bash scripts/test-services.sh $(BIN)/python bench/loop.py
	bash scripts/test-services.sh $(BIN)/python bench/review.py
	$(BIN)/python bench/ingest.py
	bash scripts/test-services.sh $(BIN)/python bench/long.py
	bash scripts/test-services.sh $(BIN)/python bench/export.py
