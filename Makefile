.PHONY: run test lint setup

# Set up and run web + worker on the embedded default (SQLite, files, filesystem broker) with demo data.
run:
	scripts/run.sh

# Set up and run the whole test suite.
test:
	scripts/test.sh

setup:
	scripts/setup.sh test

lint:
	.venv/bin/ruff check .
