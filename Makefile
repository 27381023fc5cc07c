# The two commands of the README, and the benchmarks.
.PHONY: run test bench

run:  ## set up and run the app on SQLite with demo data at http://127.0.0.1:8000
	bash scripts/run

test:  ## set up and run every test against PostgreSQL, Redis, a Celery worker and Chromium
	bash scripts/test $(ARGS)

bench:  ## print the benchmarks' figures
	bash scripts/bench
