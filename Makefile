# pcapq — the commands that matter. CARGO_TARGET_DIR may point at a shared cache.
CARGO ?= cargo
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
PCAPQ := $(TARGET_DIR)/release/pcapq
DEMO_DS := $(TARGET_DIR)/demo/ds

.PHONY: all build demo test lint fmt bench bench-big docs clean

all: build

build:
	$(CARGO) build --release

## demo: build, convert the bundled example capture, show what it holds
demo: build
	$(PCAPQ) info examples/example.pcap
	$(PCAPQ) convert examples/example.pcap -o $(DEMO_DS) --force
	@echo
	@echo "Dataset written to $(DEMO_DS) (packets.parquet, flows.parquet, captures.parquet)."

## test: every test (Rust unit + integration, shared captures when ../shared exists, Python DuckDB/pandas checks)
test: build
	$(CARGO) test --release
	PCAPQ=$(PCAPQ) python3 tests/python/run_checks.py

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

bench: build
	PCAPQ=$(PCAPQ) bash bench/run.sh

bench-big: build
	PCAPQ=$(PCAPQ) bash bench/run.sh big

clean:
	$(CARGO) clean
