# pcapq — the commands that matter. CARGO_TARGET_DIR may point at a shared cache.
CARGO ?= cargo
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
PCAPQ := $(TARGET_DIR)/release/pcapq
DEMO_DS := $(TARGET_DIR)/demo/ds
# The Python checks' own environment (DuckDB, pandas, Playwright), made by tests/setup.sh.
VENV := $(TARGET_DIR)/venv

.PHONY: all build demo test lint fmt bench bench-queries bench-big bench-python fuzz geoip docs clean

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
## tests/pcaps), then the DuckDB/pandas/browser checks in their own virtual environment,
## then the Python package: `pip install .` into a new one, tested with pandas and Polars
test: build $(VENV)/.installed $(TARGET_DIR)/geoip/.installed
	rm -rf $(TARGET_DIR)/tmp/compared
	PCAPQ_TEST_GEOIP_DIR=$(TARGET_DIR)/geoip $(CARGO) test --release
	@echo "== compared with independent tools on tests/pcaps:"
	@cat $(TARGET_DIR)/tmp/compared/*.txt
	PCAPQ=$(PCAPQ) $(VENV)/bin/python tests/python/run_checks.py
	PCAPQ=$(abspath $(PCAPQ)) bash tests/spark.sh $(TARGET_DIR)/spark-venv
	CARGO_TARGET_DIR=$(abspath $(TARGET_DIR)) PCAPQ=$(abspath $(PCAPQ)) \
	  PCAPQ_TEST_GEOIP_DIR=$(abspath $(TARGET_DIR))/geoip bash tests/package.sh $(TARGET_DIR)/package-venv

# The free address databases for the real-database test (skipped, with a message, without npm).
$(TARGET_DIR)/geoip/.installed:
	@if ! command -v npm >/dev/null; then echo "npm not found: the real GeoIP/ASN database test will be skipped"; \
	 elif $(MAKE) --no-print-directory geoip GEOIP_DIR=$(TARGET_DIR)/geoip >/dev/null; then touch $@; \
	 else echo "make geoip failed: the real GeoIP/ASN database test will be skipped"; fi

## lint: formatting, clippy, and the fuzz targets still compiling against the library
## (they live outside the workspace; checked into FUZZ_TARGET_DIR, make fuzz's own)
FUZZ_TARGET_DIR ?= $(HOME)/.cache/pcapq-fuzz-target
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings
	CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR) $(CARGO) check --release --manifest-path fuzz/Cargo.toml --bins

fmt:
	$(CARGO) fmt --all

bench: build
	PCAPQ=$(PCAPQ) bash bench/run.sh

bench-queries: build
	PCAPQ=$(PCAPQ) bash bench/queries.sh

bench-big: build
	PCAPQ=$(PCAPQ) bash bench/run.sh big

## bench-python: time to a pandas DataFrame: pcapq's Python package vs scapy, NFStream, tshark
bench-python:
	CARGO_TARGET_DIR=$(abspath $(TARGET_DIR)) bash bench/python.sh

## fuzz: run every cargo-fuzz target (capture reader, dissector, TLS, QUIC, DNS, HTTP, the
## whole application stage) for FUZZ_SECONDS each (default 60); nightly Rust, installs
## cargo-fuzz when missing; builds without the query engine, into its own target directory
FUZZ_SECONDS ?= 60
fuzz:
	bash fuzz/run.sh $(FUZZ_SECONDS)

## geoip: install free address databases from npm (pinned) into $(GEOIP_DIR): the CC0
## ip-location-db country .mmdb and the CC BY 4.0 ip-location-db ASN CSVs; then use
## PCAPQ_GEOIP=$(GEOIP_DIR)/country.mmdb PCAPQ_ASN=$(GEOIP_DIR)/asn-ipv4.csv:$(GEOIP_DIR)/asn-ipv6.csv
GEOIP_DIR ?= $(HOME)/.local/share/pcapq
GEOIP_VERSION ?= 2.3.2026061719
geoip:
	bash scripts/geoip.sh "$(GEOIP_DIR)" "$(GEOIP_VERSION)"

## docs: regenerate docs/schema.md and the README's charts from the bundled capture
docs: build
	$(PCAPQ) schema --format md > docs/schema.md
	$(PCAPQ) convert examples/example.pcap -o $(DEMO_DS) --force --quiet
	$(PCAPQ) plot -d $(DEMO_DS) rate-over-time -o docs/img/rate-over-time.png
	$(PCAPQ) plot -d $(DEMO_DS) packet-size-cdf -o docs/img/packet-size-cdf.png
	$(PCAPQ) plot -d $(DEMO_DS) top-hosts-by-bytes -o docs/img/top-hosts-by-bytes.png

clean:
	$(CARGO) clean
