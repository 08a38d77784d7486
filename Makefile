# Every target installs what it needs into .venv first, so each works alone on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench chaos soak contracts clean pictures lock

# Everything installs from the hashed lock (pip refuses a file whose hash is not in it); the project
# itself goes on top with --no-deps, so it adds nothing unpinned.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/opsheets demo

lint: $(STAMP)
	$(BIN)/ruff check .

# Prefect's temporary servers get a generous start-up ceiling: a busy 2-core machine needs about a minute.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=600 \
		$(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf $(VENV) out .pytest_cache

# Property-based conformance of every stand-in to the published API contracts (make test runs 2 examples
# per operation): EXAMPLES generated requests per operation, each answer checked against the contract.
EXAMPLES ?= 50
contracts: $(STAMP)
	OPSHEETS_CONTRACT_EXAMPLES=$(EXAMPLES) $(BIN)/python -m pytest -q -m contracts tests/test_contract_fuzz.py

# The long human-edit soak alone (both backends, seeded; a few minutes): prints each run's figures.
soak: $(STAMP)
	$(BIN)/python -m pytest -q -s -m soak tests/reliability/test_soak.py

# The long reliability suite (full fault matrix, crash loop, soak) plus the fast subset; prints the figures.
chaos: $(STAMP) contracts
	rm -f out/reliability/figures.jsonl
	PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=120 \
		OPSHEETS_RELIABILITY_FIGURES=out/reliability/figures.jsonl \
		$(BIN)/python -m pytest -q -m "chaos or not slow" tests/reliability
	$(BIN)/python -m tests.reliability.figures out/reliability/figures.jsonl | tee out/reliability/figures.md

# Benchmark against the sandbox (stand-ins with 50 ms latency): make bench [SIZE=S|M|L]. Its peer
# libraries (the `bench` extra: pandas, gspread-dataframe, jira) are in requirements-dev.lock.
SIZE ?= M
bench: $(STAMP)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python -m bench --size $(SIZE)

# Pictures of the demo's sheets as LibreOffice draws them (docs/sheets/*.png). A development step:
# needs libreoffice-calc and poppler-utils (apt); nothing else in the build depends on it.
pictures: $(STAMP)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python docs/render_sheets.py

# The locks, from pyproject.toml: requirements.lock (the runtime dependencies: what the Docker image
# installs) and requirements-dev.lock (plus the dev and bench extras: what make installs), every file
# hashed. The second is constrained by the first, so the two pin each shared package alike.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-find-links --no-emit-index-url
lock: $(STAMP)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile $(LOCK_FLAGS) --output-file requirements.lock pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile $(LOCK_FLAGS) --extra dev --extra bench --constraint requirements.lock \
		--output-file requirements-dev.lock pyproject.toml
