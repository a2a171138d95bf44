# pcapq — the commands that matter. CARGO_TARGET_DIR may point at a shared cache.
CARGO ?= cargo
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
PCAPQ := $(TARGET_DIR)/release/pcapq
DEMO_DS := $(TARGET_DIR)/demo/ds
# The Python checks' own environment (DuckDB, pandas, Playwright), made by tests/setup.sh.
VENV := $(TARGET_DIR)/venv

.PHONY: all build demo test lint fmt bench bench-queries bench-big fuzz docs clean

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
	@$(PCAPQ) report -d $(DEMO_DS) -o $(TARGET_DIR)/demo/report.html --title "pcapq demo: examples/example.pcap"
	@echo
	@echo "Dataset: $(DEMO_DS) (packets, flows, dns, http and captures .parquet)."
	@echo "Report:  $(TARGET_DIR)/demo/report.html (open it in a browser)"
	@echo "More: $(PCAPQ) query --list; $(PCAPQ) tcp-summary examples/example.pcap"

$(VENV)/.installed: tests/python/requirements.txt tests/setup.sh
	bash tests/setup.sh $(VENV)

## test: every test: Rust unit + integration (against tshark, Zeek, capinfos, tcptrace on
## tests/pcaps), then the DuckDB/pandas/browser checks in their own virtual environment
test: build $(VENV)/.installed
	rm -rf $(TARGET_DIR)/tmp/compared
	$(CARGO) test --release
	@echo "== compared with independent tools on tests/pcaps:"
	@cat $(TARGET_DIR)/tmp/compared/*.txt
	PCAPQ=$(PCAPQ) $(VENV)/bin/python tests/python/run_checks.py

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

## fuzz: run every cargo-fuzz target (capture reader, dissector, TLS, QUIC, DNS, HTTP, the
## whole application stage) for FUZZ_SECONDS each (default 60); nightly Rust, installs
## cargo-fuzz when missing; builds without the query engine, into its own target directory
FUZZ_SECONDS ?= 60
fuzz:
	bash fuzz/run.sh $(FUZZ_SECONDS)

## docs: regenerate docs/schema.md and the README's charts from the bundled capture
docs: build
	$(PCAPQ) schema --format md > docs/schema.md
	$(PCAPQ) convert examples/example.pcap -o $(DEMO_DS) --force --quiet
	$(PCAPQ) plot -d $(DEMO_DS) rate-over-time -o docs/img/rate-over-time.png
	$(PCAPQ) plot -d $(DEMO_DS) packet-size-cdf -o docs/img/packet-size-cdf.png
	$(PCAPQ) plot -d $(DEMO_DS) top-hosts-by-bytes -o docs/img/top-hosts-by-bytes.png

clean:
	$(CARGO) clean
