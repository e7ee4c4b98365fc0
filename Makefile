# The two README commands (`make demo`, `make test`) and the usual dev targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck pytest bench bench-quick gold gold-heldout venv clean run image-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/liveblog-alerts demo

lint: $(STAMP)
	$(BIN)/ruff check bot handlers storage tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# Most tests wait on sockets, not the CPU: they run in parallel. No test bounds wall-clock
# time: loop stalls and answer times are bounded in CPU time of the loop's thread against
# a calibration of the same run (tests/calibration.py), so the suite holds on a busy
# machine, beside another `make test`. Speed targets live in benchmarks/.
PYTEST_WORKERS ?= 4

pytest: $(STAMP)
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS)

test: lint typecheck pytest

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/bench_match.py --quick
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_fanout.py --quick
	$(BIN)/python benchmarks/bench_digest.py --quick

# Matching quality: the shared seed gold set (when the shared eval folder is beside the
# checkout) and the repo's own dev gold set, with per-domain figures.
SHARED_EVAL ?= $(firstword $(wildcard ../shared/eval ../../shared/eval))
GOLD := $(BIN)/python tests/matching/score_gold.py
REAL := $(BIN)/python tests/matching/score_real.py

gold: $(STAMP)
	@if [ -n "$(SHARED_EVAL)" ] && [ -f "$(SHARED_EVAL)/seed_gold.jsonl" ]; then \
		echo "== seed gold ($(SHARED_EVAL))"; \
		$(GOLD) $(SHARED_EVAL)/seed_gold.jsonl $(SHARED_EVAL)/seed_queries.json --batch | tail -n 1; \
	else echo "== seed gold: no shared eval folder, skipped"; fi
	@echo "== dev gold (tests/matching/dev_gold.jsonl)"
	@$(GOLD) tests/matching/dev_gold.jsonl tests/matching/dev_queries.json --batch \
		| grep -E '^(  |precision=)'
	@echo "== real newsroom paragraphs, DEV half (tests/matching/real/dev.jsonl)"
	@$(REAL) tests/matching/real/dev.jsonl
	@echo "== real DEV half, whole-word baseline"
	@$(REAL) tests/matching/real/dev.jsonl --baseline | tail -n 1

# The held-out half of the real corpus: for reporting only, never for tuning.
gold-heldout: $(STAMP)
	@echo "== real newsroom paragraphs, HELD-OUT half (report only, do not tune on it)"
	@$(REAL) tests/matching/real/heldout.jsonl
	@echo "== real HELD-OUT half, whole-word baseline"
	@$(REAL) tests/matching/real/heldout.jsonl --baseline | tail -n 1

# The real image (podman + runc; the base made with debootstrap from Debian's packages when
# no registry is reachable): build it, run each role against the stand-in and PostgreSQL
# (LIVEBLOG_TEST_PG), check /healthz and the HEALTHCHECK, drive subscribe -> alert. Slow
# (a first build debootstraps and pip-installs): not part of `make test`.
image-test: $(STAMP)
	bash scripts/image/build.sh
	$(BIN)/python scripts/image/drive.py

run: $(STAMP)
	$(BIN)/liveblog-alerts run

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
