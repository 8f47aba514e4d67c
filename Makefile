# KGC-TS: `make start` runs the embedded suite, `make test` runs every test.
SHELL := /bin/bash
export npm_config_nodedir := /usr
PNPM := pnpm

.PHONY: start test bench install build typecheck lint format clean

## start: install what is missing, build, run every service in one process (SQLite under ./data)
start: build
	node services/all-in-one/dist/main.js

## test: typecheck, lint, then every test (needs MariaDB, NATS and slapd; .ci/run provides them)
test: build
	$(PNPM) exec tsc -p tsconfig.json
	$(PNPM) exec biome check .
	$(PNPM) exec vitest run

## bench: the benchmarks under test/bench (MariaDB); ONLY="dagent dovecot" runs those sections
bench: build
	$(PNPM) exec tsx test/bench/run.ts $(ONLY)

install: node_modules/.modules.yaml

node_modules/.modules.yaml: package.json pnpm-lock.yaml pnpm-workspace.yaml $(wildcard libs/*/package.json services/*/package.json test/package.json)
	@command -v $(PNPM) >/dev/null || npm install -g pnpm@12
	$(PNPM) install --frozen-lockfile
	@touch $@

build: install
	$(PNPM) exec tsc -b tsconfig.build.json

typecheck: install
	$(PNPM) exec tsc -b tsconfig.build.json && $(PNPM) exec tsc -p tsconfig.json

lint: install
	$(PNPM) exec biome check .

format: install
	$(PNPM) exec biome check --write .

clean:
	rm -rf libs/*/dist services/*/dist
