# Shell helpers the test setup scripts share (sourced by tests/setup.sh and tests/spark.sh).

# apt-get install PACKAGES quietly, when running as root on a Debian-like system; fails
# otherwise (the caller says what is skipped).
apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; }
}

# Makes the virtual environment VENV unless it already has a Python.
make_venv() {
  local venv="$1"
  [ -x "$venv/bin/python" ] && return 0
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # Debian's python3 keeps ensurepip in a separate package.
    rm -rf "$venv"
    apt_install python3-venv || { echo "error: python3 -m venv failed and python3-venv cannot be installed" >&2; return 1; }
    python3 -m venv "$venv"
  fi
}
