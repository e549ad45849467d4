# Switchboard: `make run` serves the portal, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := run

SWIFT ?= swift
BUILD_FLAGS ?=
BIN_DIR = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)

.PHONY: run build release test test-core test-sqlite test-postgres test-browser test-pbx deps deps-test format lint clean

deps:
	@scripts/install-deps.sh run

deps-test:
	@scripts/install-deps.sh test

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

## The release an operator installs (README, "Running it for real") and the benchmarks measure.
release: deps
	$(SWIFT) build -c release --product switchboard

## Serve on http://127.0.0.1:8080 (HOST, PORT, DATABASE_URL… see README) with ./data/switchboard.sqlite.
run: build
	$(BIN_DIR)/switchboard serve

## Every test: Swift tests on SQLite, again on PostgreSQL, then the browser and telephony (Kamailio + SIPp) tests.
test: deps-test
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(MAKE) --no-print-directory test-sqlite test-postgres test-browser

test-sqlite:
	@echo "== Swift tests (SwitchboardCore + App on in-memory SQLite)"
	scripts/summarize-tests.sh $(SWIFT) test --skip-build $(BUILD_FLAGS)

test-postgres:
	@echo "== App tests on PostgreSQL"
	scripts/with-postgres.sh scripts/summarize-tests.sh $(SWIFT) test --skip-build --no-parallel --filter AppTests $(BUILD_FLAGS)

test-browser:
	@echo "== Browser tests (headless Chromium)"
	SWITCHBOARD_BIN=$(BIN_DIR)/switchboard .venv/bin/python -m pytest -q e2e

## The telephony tests alone (Kamailio + SIPp + Chromium); `test-browser` runs them with the others.
test-pbx:
	@echo "== Telephony tests (Kamailio, SIPp phones)"
	SWITCHBOARD_BIN=$(BIN_DIR)/switchboard .venv/bin/python -m pytest -q e2e/test_pbx.py

format:
	$(SWIFT) format format --in-place --recursive --configuration .swift-format Package.swift Sources Tests

lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests

clean:
	rm -rf .build .venv
