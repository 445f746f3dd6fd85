# qgen: `make demo` runs the main job on the embedded defaults; `make test` runs the suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
# The Supabase CLI, pinned by .tools/supabase/package-lock.json (npm `supabase`); tests/test_supabase_cli.py runs it.
SUPABASE_DIR := .tools/supabase
SUPABASE_STAMP := $(SUPABASE_DIR)/node_modules/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test test-slow lint typecheck bench bench-quick sync-supabase clean

$(STAMP): pyproject.toml sim/pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU PyTorch first, pinned, so that nothing below resolves a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# The loopback simulators: a distribution of their own (sim/), for the demo, the tests and the benchmarks.
	$(BIN)/python -m pip install --quiet -e ./sim
	touch $(STAMP)

# Without npm this is a note, not a failure (the CLI tests then skip and say why); a failing `npm ci` fails.
# --ignore-scripts: the binary ships inside the platform package, nothing has to run at install time.
$(SUPABASE_STAMP): $(SUPABASE_DIR)/package.json $(SUPABASE_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		echo "npm ci in $(SUPABASE_DIR) (Supabase CLI)"; \
		cd $(SUPABASE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "note: npm not found; the Supabase CLI is not installed and tests/test_supabase_cli.py will skip"; \
	fi

install: $(STAMP) $(SUPABASE_STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

# The suite without the tests marked slow (chaos, soak and whole-corpus runs); `make test-slow` runs those.
# CI (.ci/run) runs both.
test: $(STAMP) $(SUPABASE_STAMP)
	$(BIN)/python -m pytest -q -ra -m "not slow" --durations=20

test-slow: $(STAMP) $(SUPABASE_STAMP)
	$(BIN)/python -m pytest -q -ra -m slow --durations=10

# ruff, mypy, and the import contracts of pyproject.toml ([tool.importlinter]): service never imports the
# simulators, and the core modules never import the worker loop or the CLI.
lint: $(STAMP)
	$(BIN)/ruff check service sim tests scripts
	$(BIN)/mypy service sim/simulators
	$(BIN)/lint-imports

# The bench extra of pyproject.toml (xgrammar as vLLM pins it) without its dependencies: xgrammar
# requires triton (GPU kernels, about 0.5 GB, never imported on CPU); the rest comes with $(STAMP).
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['bench'])" \
		| xargs $(BIN)/python -m pip install --quiet --no-deps
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python scripts/bench.py

bench-quick: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python scripts/bench.py --quick

sync-supabase: $(STAMP)
	$(BIN)/python scripts/sync_supabase.py

clean:
	rm -rf .qgen .pytest_cache .mypy_cache .ruff_cache
