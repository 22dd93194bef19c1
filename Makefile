# The developer interface: `make help` lists every target. CI runs `make lint` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV   ?= .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
RUN    := $(UV) run --locked --no-sync
HOST   ?= 127.0.0.1
PORT   ?= 8000
SITE   ?= site
export NO_MKDOCS_2_WARNING := 1
PYTEST_ARGS ?=

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make <target>\n\n"} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-13s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(UV):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv>=0.5"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked
	@touch $@

.PHONY: install
install: $(VENV)/.synced ## Create .venv and install the locked dependencies (uv sync --locked)

.PHONY: serve
serve: install ## Serve the site with live reload on 127.0.0.1:8000 (an edit rebuilds only what it touches)
	$(RUN) mkdocs serve --dirty --config-file mkdocs.serve.yml --watch mkdocs.yml --dev-addr $(HOST):$(PORT)

.PHONY: build
build: install ## Build the site strictly into site/
	$(RUN) mkdocs build --strict --site-dir $(SITE)

.PHONY: build-zensical
build-zensical: install ## Build the same site with Zensical (the successor engine) into site-zensical/
	$(RUN) zensical build --strict --config-file zensical.yml

.PHONY: check
check: install ## Validate pages, data, TODOs and the activity log (kb check)
	$(RUN) kb check

.PHONY: test
test: install ## Run the whole test suite (what CI runs), then make verify
	$(RUN) kb check
	$(RUN) pytest $(PYTEST_ARGS)
	$(MAKE) verify

.PHONY: verify
verify: install ## Run every command block and every alert drill against a local stack on 127.0.0.1
	$(RUN) kb verify --quiet --check
	$(RUN) kb drill --all --dry-run

.PHONY: lint
lint: install ## Lint Python, YAML, Markdown and spelling
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) yamllint --strict .
	$(RUN) pymarkdown --config .pymarkdown.json scan --recurse docs README.md
	$(RUN) codespell

.PHONY: format
format: install ## Apply ruff's fixes and formatting
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

.PHONY: security
security: install ## Run every offline security scanner and log a summary
	$(RUN) python scripts/security_scan.py

.PHONY: bench
bench: install ## Run the benchmarks and print medians and ratios
	@for script in benchmarks/*.py; do echo "== $$script"; $(RUN) python $$script; done

.PHONY: bundle
bundle: install ## Write the offline incident bundle (runbooks, incident response) to dist/
	$(RUN) kb bundle --output dist/plasma-incident-bundle.zip

.PHONY: doctor
doctor: ## Check Python, uv, chromium, promtool, amtool, terraform and EXA_API_KEY; print fixes
	python3 scripts/devx/doctor.py

.PHONY: deps-system
deps-system: ## Install chromium, promtool, amtool, blackbox_exporter, redis, PostgreSQL 15, shellcheck (apt-get, as root)
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends \
	    chromium prometheus prometheus-alertmanager prometheus-blackbox-exporter \
	    redis-server redis-tools postgresql-15 postgresql-client-15 shellcheck curl util-linux; \
	else \
	  echo "Install these, then re-run make test:"; \
	  echo "  Debian/Ubuntu: sudo apt-get install chromium prometheus prometheus-alertmanager prometheus-blackbox-exporter redis-server redis-tools postgresql-15 postgresql-client-15 shellcheck"; \
	  echo "  macOS:         brew install --cask chromium && brew install prometheus alertmanager"; \
	  echo "  Or point CHROMIUM at any Chromium/Chrome binary (tests read \$$CHROMIUM)."; \
	fi

.PHONY: clean
clean: ## Remove the built site and caches
	rm -rf $(SITE) site-zensical dist .cache .pytest_cache .ruff_cache test-artifacts
