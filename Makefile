# Groeipad: `make run` starts every service with demo data; `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
export GROEIPAD_DATA_DIR ?= var
export PLAN_PORT ?= 8001
export RECOMMENDER_PORT ?= 8002
export PORTAL_PORT ?= 8000
export NOTIFIER_PORT ?= 8004
export NOTIFIER_SINK_PORT ?= 2525
export GROEIPAD_DEMO ?= 1

.PHONY: install run test test-unit test-api lint bench fuzz clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(BIN)/groeipad migrate
	@if [ "$(GROEIPAD_DEMO)" != "0" ]; then $(BIN)/groeipad seed-demo; fi
	@echo "Portal:          http://127.0.0.1:$(PORTAL_PORT)  (demo sign-in: sophie / groeipad-demo; also karim, marieke, petra, hanna, daan, admin)"
	@echo "Plan API:        http://127.0.0.1:$(PLAN_PORT)/api/v1/docs"
	@echo "Recommender API: http://127.0.0.1:$(RECOMMENDER_PORT)/api/v1/docs"
	@echo "Notifier API:    http://127.0.0.1:$(NOTIFIER_PORT)/api/v1/docs  (mails land in $(GROEIPAD_DATA_DIR)/mail/, also under Sent mail for admin)"
	@echo "A token:         $(BIN)/groeipad token --subject karim --role employee"
	@mkdir -p $(GROEIPAD_DATA_DIR)
	@# The xAPI sync runs only with a learning record store configured (README, "xAPI").
	@if [ -n "$$XAPI_LRS_URL" ]; then cat deploy/Procfile deploy/Procfile.xapi; else cat deploy/Procfile; fi \
		> $(GROEIPAD_DATA_DIR)/Procfile.run
	PATH="$(abspath $(BIN)):$$PATH" GROEIPAD_CREATE_TABLES=0 $(BIN)/honcho -f $(GROEIPAD_DATA_DIR)/Procfile.run -d . start

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q

test-unit: install
	$(BIN)/pytest -q tests/unit

test-api: install
	$(BIN)/pytest -q tests/api

fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} $(BIN)/pytest -q tests/fuzz

bench: install
	$(BIN)/python bench/run.py $(BENCH)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
