#!/usr/bin/env bash
# The Spark check: pcapq's catalog answers equal those PySpark computes from the same
# partitioned dataset (tests/python/spark_check.py, which runs examples/spark/answer.py).
#   1. finds Java 17 or later (Spark 4 needs it); when there is none and this runs as root
#      with apt-get, installs Debian's default-jre-headless; without Java it prints
#      "skipped: ..." and exits 0;
#   2. makes the virtual environment given as first argument, with the pinned pyspark
#      (kept when it already has that version);
#   3. runs the check with PCAPQ naming the binary (default target/release/pcapq).
#
#   PCAPQ=$PWD/target/release/pcapq bash tests/spark.sh target/spark-venv
set -euo pipefail
venv="${1:?usage: tests/spark.sh VENV}"
cd "$(dirname "$0")/.."

# pyspark bundles Spark itself (about 500 MB installed); 4.3.0 runs on Java 17 and 21.
PYSPARK_VERSION=4.3.0
MIN_JAVA=17

. tests/common.sh

# Major version of a java binary (8 for "1.8.0_392", 17 for "17.0.15"), empty if it fails.
java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

# Sets JAVA_HOME to the first Java >= MIN_JAVA: JAVA_HOME's, the one on PATH, then
# Debian's /usr/lib/jvm/*.
find_java() {
  local bin major
  for bin in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$bin" ] || continue
    major="$(java_major "$bin")"
    if [ -n "$major" ] && [ "$major" -ge "$MIN_JAVA" ] 2>/dev/null; then
      JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$bin")")")"
      export JAVA_HOME
      return 0
    fi
  done
  return 1
}

if ! find_java; then
  echo "no Java $MIN_JAVA or later found: trying to install default-jre-headless"
  if ! apt_install default-jre-headless || ! find_java; then
    echo "skipped: the Spark check needs Java $MIN_JAVA or later (java -version), and none could be installed"
    exit 0
  fi
fi
echo "Java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1) ($JAVA_HOME)"

if ! "$venv/bin/python" -c "import sys, pyspark; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
  make_venv "$venv"
  started=$(date +%s)
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pyspark==$PYSPARK_VERSION"
  echo "installed pyspark $PYSPARK_VERSION into $venv in $(( $(date +%s) - started )) s"
fi

PCAPQ="${PCAPQ:-target/release/pcapq}" "$venv/bin/python" tests/python/spark_check.py
