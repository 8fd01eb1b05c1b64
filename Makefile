# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: run test lint bench screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the requirement files change.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Debian's Chromium, for the browser tests (Playwright never downloads a browser here).
/usr/bin/chromium:
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core

run: $(VENV)/.runtime
	$(BIN)/python -m ui.serve --server.port $(PORT) --server.headless true

test: $(VENV)/.dev /usr/bin/chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.runtime
	$(BIN)/python -m landscape bench

# The README's images, from the real app in headless Chromium.
screenshot: $(VENV)/.dev /usr/bin/chromium
	$(BIN)/python scripts/screenshot.py

# Thirty classroom sessions at once against one real server, two of them in
# Chromium; prints errors, p50/p95 per interaction and the server's memory.
.PHONY: loadtest
loadtest: $(VENV)/.dev /usr/bin/chromium
	$(BIN)/python -m scripts.loadtest --sessions 30 --interactions 5 --browsers 2

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
