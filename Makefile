# The two commands of the README, the static checks alone, and the benchmarks.
.PHONY: run test lint bench

run:  ## set up and run the app on SQLite with demo data at http://127.0.0.1:8000
	bash scripts/run

test:  ## set up and run every test against PostgreSQL, Redis, a Celery worker and Chromium
	bash scripts/test $(ARGS)

lint:  ## the static checks the test command runs first: ruff check, ruff format --check, lint-imports, mypy
	bash scripts/lint

bench:  ## print the benchmarks' figures
	bash scripts/bench
