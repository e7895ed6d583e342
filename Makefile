.PHONY: run test bench
# Serve the dashboard (creates the demo database under data/ if missing).
run:
	bash scripts/run.sh
# Install everything the tests need and run every test.
test:
	bash scripts/test.sh
bench:
	bash scripts/setup.sh && .venv/bin/python benchmarks/run.py
