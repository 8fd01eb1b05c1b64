# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
REPLICAS ?= 1
HAPROXY := /usr/sbin/haproxy
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: run serve test lint bench screenshot clean

# Bad REPLICAS or PORT: one line saying what is allowed, before anything runs.
ifneq ($(filter serve loadtest faulttest,$(MAKECMDGOALS)),)
ifneq ($(filter $(REPLICAS),1 2 3 4 5 6 7 8),$(REPLICAS))
$(error REPLICAS=$(REPLICAS) is not allowed: a whole number from 1 to 8)
endif
ifneq ($(shell [ "$(PORT)" -ge 1 ] 2>/dev/null && [ "$(PORT)" -le 65535 ] && echo ok),ok)
$(error PORT=$(PORT) is not allowed: a whole number from 1 to 65535)
endif
endif
PIN ?= 0
ifneq ($(filter loadtest,$(MAKECMDGOALS)),)
ifneq ($(filter $(PIN),0 1),$(PIN))
$(error PIN=$(PIN) is not allowed: 0 (the server shares every core) or 1 (the server on a core of its own))
endif
endif

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

# HAProxy, Debian's package, balances the replicas of `make serve REPLICAS=N`.
$(HAPROXY):
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq haproxy

run: $(VENV)/.runtime
	$(BIN)/python -m ui.serve --server.port $(PORT) --server.headless true

# N replicas behind HAProxy on PORT (deploy/cluster.py); REPLICAS=1 is `make run`.
serve: $(VENV)/.runtime $(HAPROXY)
	$(BIN)/python -m deploy.cluster --replicas $(REPLICAS) --port $(PORT)

test: $(VENV)/.dev /usr/bin/chromium $(HAPROXY)
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

# Thirty classroom sessions at once against one real server (REPLICAS=N: N
# servers behind HAProxy), two of them in Chromium; prints errors, p50/p95 per
# interaction, each server's memory and its slowest health answer, and the CPU
# Chromium took. PIN=1: the server on CPU 0, the sessions and Chromium on the
# others (as if the browsers were the students' machines).
.PHONY: loadtest faulttest
loadtest: $(VENV)/.dev /usr/bin/chromium $(HAPROXY)
	$(BIN)/python -m scripts.loadtest --sessions 30 --interactions 5 --browsers 2 \
	  --replicas $(REPLICAS) $(if $(filter 1,$(PIN)),--pin)

# Thirty sessions through HAProxy to two replicas; one replica is killed midway.
faulttest: $(VENV)/.dev /usr/bin/chromium $(HAPROXY)
	$(BIN)/python -m scripts.faulttest --sessions 30 --interactions 6

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
