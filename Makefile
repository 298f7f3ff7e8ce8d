.PHONY: help install demo test lint format messages bench

help:  ## List the targets.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

.venv/bin/trygg: pyproject.toml
	python3.11 -m venv .venv
	.venv/bin/pip install -q -e '.[test]'
	@touch $@

install: .venv/bin/trygg  ## Create .venv with Trygg and its test tools.

demo: install  ## Run the Älvsjö demo at http://127.0.0.1:8000.
	.venv/bin/trygg demo

test: install  ## Run the whole suite on SQLite, then on PostgreSQL.
	scripts/test

lint: install  ## ruff check and format check; mypy --strict on analytics.
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/mypy --strict src/trygg/analytics

format: install  ## Apply ruff's fixes and formatting.
	.venv/bin/ruff check --fix src tests
	.venv/bin/ruff format src tests

messages: install  ## Update and compile the Swedish catalogue.
	cd src/trygg && TRYGG_DATA_DIR=$$(mktemp -d) ../../.venv/bin/trygg manage makemessages -l sv --no-location --ignore=static
	cd src/trygg && TRYGG_DATA_DIR=$$(mktemp -d) ../../.venv/bin/trygg manage compilemessages -l sv

bench: install  ## Run every benchmark in bench/ (SQLite; set TRYGG_DATABASE_URL for PostgreSQL).
	@for b in bench/*.py; do echo "== $$b"; .venv/bin/python "$$b" || exit 1; done
