# Every target installs what it needs into .venv first, so each works alone on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench chaos soak contracts clean pictures lock

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/opsheets demo

lint: $(STAMP)
	$(BIN)/ruff check .

# Prefect's temporary servers get a generous start-up ceiling: a busy 2-core machine needs about a minute.
test: $(STAMP)
	$(BIN)/ruff check .
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

# Benchmark against the sandbox (stand-ins with 50 ms latency): make bench [SIZE=S|M|L]
SIZE ?= M
bench: $(STAMP)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python -m bench --size $(SIZE)

# Pictures of the demo's sheets as LibreOffice draws them (docs/sheets/*.png). A development step:
# needs libreoffice-calc and poppler-utils (apt); nothing else in the build depends on it.
pictures: $(STAMP)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python docs/render_sheets.py

# requirements.lock (what the Docker image installs) from pyproject.toml's dependencies, pinned.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-find-links --no-emit-index-url --no-header \
		--output-file requirements.lock.new pyproject.toml
	{ sed -n '/^#/!q;p' requirements.lock; cat requirements.lock.new; } > requirements.lock.tmp
	rm requirements.lock.new && mv requirements.lock.tmp requirements.lock
