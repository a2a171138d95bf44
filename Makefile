# pcapq — the commands that matter. CARGO_TARGET_DIR may point at a shared cache.
CARGO ?= cargo
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
PCAPQ := $(TARGET_DIR)/release/pcapq
DEMO_DS := $(TARGET_DIR)/demo/ds

.PHONY: all build demo test lint fmt bench bench-queries bench-big docs clean

all: build

build:
	$(CARGO) build --release

## demo: build, convert the bundled example capture, answer a few questions about it
demo: build
	$(PCAPQ) info examples/example.pcap
	$(PCAPQ) convert examples/example.pcap -o $(DEMO_DS) --force
	@echo
	@echo "== pcapq query -d $(DEMO_DS) summary"
	@$(PCAPQ) query -d $(DEMO_DS) summary
	@echo "== pcapq query -d $(DEMO_DS) top-hosts-by-bytes --param n=5"
	@$(PCAPQ) query -d $(DEMO_DS) top-hosts-by-bytes --param n=5
	@echo "== pcapq query -d $(DEMO_DS) tcp-general"
	@$(PCAPQ) query -d $(DEMO_DS) tcp-general
	@echo "== pcapq query -d $(DEMO_DS) failed-connections"
	@$(PCAPQ) query -d $(DEMO_DS) failed-connections
	@echo
	@echo "Dataset: $(DEMO_DS) (packets.parquet, flows.parquet, captures.parquet)."
	@echo "More: $(PCAPQ) query --list; $(PCAPQ) tcp-summary examples/example.pcap"

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

bench-queries: build
	PCAPQ=$(PCAPQ) bash bench/queries.sh

bench-big: build
	PCAPQ=$(PCAPQ) bash bench/run.sh big

clean:
	$(CARGO) clean
