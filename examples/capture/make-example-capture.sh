#!/usr/bin/env bash
# make-example-capture.sh - record pcapq's bundled example capture from real,
# purely local traffic between two network namespaces.
#
#   sudo examples/capture/make-example-capture.sh [OUTPUT.pcap]
#
# Topology (all addresses are local to the namespaces this script creates):
#
#   pcapq-client  pq-cli 02:77:00:00:00:02  10.77.0.2/24  fd77::2/64
#        |  veth pair
#   pcapq-server  pq-srv 02:77:00:00:00:01  10.77.0.1/24  fd77::1/64
#                 HTTP/1.1 server on :80 (IPv4+IPv6), dnsmasq DNS on :53
#
# tcpdump runs on the client side and records everything on the wire: ARP,
# NDP, DNS (UDP+TCP), HTTP over IPv4/IPv6 (keep-alive and one-shot), a slow
# rate-limited download (zero windows / window updates), a refused TCP
# connection (RST), UDP to a closed port (ICMP/ICMPv6 unreachable) and pings.
# Names, addresses and MACs are fixed; timings and ports vary between runs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(realpath -m "${1:-$HERE/../example.pcap}")"
MAX_BYTES=$((2 * 1024 * 1024))
CLI=pcapq-client SRV=pcapq-server
V4_SRV=10.77.0.1 V4_CLI=10.77.0.2 V6_SRV=fd77::1 V6_CLI=fd77::2

[[ $EUID -eq 0 ]] || { echo "must run as root (network namespaces)" >&2; exit 1; }

# --- 1. tools ---------------------------------------------------------------
declare -A PKG=([tcpdump]=tcpdump [ip]=iproute2 [ss]=iproute2 [dnsmasq]=dnsmasq-base
  [curl]=curl [dig]=bind9-dnsutils [ping]=iputils-ping [ethtool]=ethtool [python3]=python3)
missing=()
for cmd in "${!PKG[@]}"; do command -v "$cmd" >/dev/null || missing+=("${PKG[$cmd]}"); done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- 2. teardown, armed before anything is created ---------------------------
WORK="$(mktemp -d /tmp/pcapq-capture.XXXXXX)"
chmod 755 "$WORK"   # dnsmasq/http server may drop privileges
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$CLI" 2>/dev/null || true   # also removes the veth pair
  ip netns del "$SRV" 2>/dev/null || true
  rm -rf "/etc/netns/$CLI" "$WORK"; rmdir /etc/netns 2>/dev/null || true
}
trap cleanup EXIT
cin() { ip netns exec "$CLI" "$@"; }   # run a command in the client namespace
wait_for() { for _ in $(seq 100); do "$@" && return 0; sleep 0.1; done; echo "timeout: $*" >&2; return 1; }

# --- 3. namespaces and veth pair ---------------------------------------------
ip netns del "$CLI" 2>/dev/null || true; ip netns del "$SRV" 2>/dev/null || true
ip netns add "$CLI"; ip netns add "$SRV"
ip link add pq-cli address 02:77:00:00:00:02 netns "$CLI" type veth \
  peer name pq-srv address 02:77:00:00:00:01 netns "$SRV"
setup_side() {  # ns dev v4 v6
  local ns=$1 dev=$2
  ip -n "$ns" link set lo up
  # No router solicitations: keeps the capture free of timing-dependent noise.
  ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.accept_ra=0"
  # No offloads: frames on the wire are MTU-sized with real checksums
  # (otherwise tcpdump sees 64 KB GSO "super packets" with partial checksums).
  ip netns exec "$ns" ethtool -K "$dev" tx off rx off tso off gso off gro off >/dev/null 2>&1 ||
    echo "warning: could not disable offloads on $dev" >&2
  ip -n "$ns" addr add "$3/24" dev "$dev"
  ip -n "$ns" addr add "$4/64" dev "$dev" nodad
  ip -n "$ns" link set "$dev" up
}
setup_side "$CLI" pq-cli "$V4_CLI" "$V6_CLI"
setup_side "$SRV" pq-srv "$V4_SRV" "$V6_SRV"
# The client resolves names through the server's dnsmasq (ip netns exec
# bind-mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf).
mkdir -p "/etc/netns/$CLI"
printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$V4_SRV" >"/etc/netns/$CLI/resolv.conf"

# --- 4. content and servers ---------------------------------------------------
mkdir "$WORK/www"
python3 - "$WORK/www" <<'PY'
import random, sys, json, os
d = sys.argv[1]; rnd = random.Random(77)   # fixed seed: same files every run
open(os.path.join(d, "index.html"), "w").write(
    "<!doctype html><title>pcapq example</title>\n<h1>pcapq example server</h1>\n"
    "<ul><li><a href=notes.txt>notes.txt</a><li><a href=data.json>data.json</a>"
    "<li><a href=photo.bin>photo.bin</a><li><a href=big.bin>big.bin</a></ul>\n")
open(os.path.join(d, "notes.txt"), "w").write(
    "".join(f"line {i}: the quick brown fox jumps over the lazy dog\n" for i in range(60)))
json.dump([{"id": i, "name": f"item-{i}", "value": rnd.random()} for i in range(400)],
          open(os.path.join(d, "data.json"), "w"))
open(os.path.join(d, "photo.bin"), "wb").write(rnd.randbytes(64 * 1024))
open(os.path.join(d, "big.bin"), "wb").write(rnd.randbytes(300 * 1024))
PY
# Background jobs are started with a plain `ip netns exec` (no shell function)
# so that $! is the server process itself and kill reaches it.
# HTTP/1.1 (so keep-alive works), dual-stack on [::]:80, quiet logs.
ip netns exec "$SRV" python3 - "$WORK/www" >"$WORK/http.log" 2>&1 <<'PY' &
import functools, socket, sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
class DualStack(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()
DualStack(("::", 80), functools.partial(Handler, directory=sys.argv[1])).serve_forever()
PY
PIDS+=($!)
# Authoritative-only DNS for example.test: known names answer, others NXDOMAIN.
ip netns exec "$SRV" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
  --user=nobody --group=nogroup --bind-interfaces \
  --listen-address="$V4_SRV" --listen-address="$V6_SRV" --local=/example.test/ \
  --host-record="www.example.test,$V4_SRV,$V6_SRV" \
  --host-record="files.example.test,$V4_SRV,$V6_SRV" \
  --cname=cdn.example.test,www.example.test \
  --txt-record=example.test,"pcapq example capture" \
  --pid-file="$WORK/dnsmasq.pid" --log-facility="$WORK/dnsmasq.log" &
PIDS+=($!)
wait_for sh -c "ip netns exec $SRV ss -Hltn 'sport = :80' | grep -q ."
wait_for sh -c "ip netns exec $SRV ss -Hlun 'sport = :53' | grep -q ."
sleep 2   # let link-up MLD reports pass before recording starts

# --- 5. capture ---------------------------------------------------------------
# Full snaplen, packet-buffered output, and immediate mode so that nothing is
# still sitting in the kernel ring buffer when SIGINT arrives.
ip netns exec "$CLI" tcpdump -i pq-cli -n -s 0 -U --immediate-mode -Z root \
  -w "$WORK/capture.pcap" 2>"$WORK/tcpdump.log" &
TCPDUMP=$!; PIDS+=("$TCPDUMP")
wait_for grep -qs "listening on" "$WORK/tcpdump.log"
sleep 0.5

C=(curl -sS -o /dev/null --max-time 30)
# ICMP echo v4 + v6 (the first packets also trigger ARP and neighbour discovery)
cin ping -4 -c 3 -i 0.2 -q "$V4_SRV" >/dev/null
cin ping -6 -c 3 -i 0.2 -q "$V6_SRV" >/dev/null
# DNS over UDP: A, AAAA, CNAME, TXT, an NXDOMAIN; and one query over TCP
cin dig +tries=1 +time=2 @"$V4_SRV" www.example.test A >/dev/null
cin dig +tries=1 +time=2 @"$V4_SRV" www.example.test AAAA >/dev/null
cin dig +tries=1 +time=2 @"$V6_SRV" cdn.example.test A >/dev/null
cin dig +tries=1 +time=2 @"$V4_SRV" example.test TXT >/dev/null
cin dig +tries=1 +time=2 @"$V4_SRV" missing.example.test A >/dev/null
cin dig +tries=1 +time=2 +tcp @"$V4_SRV" files.example.test AAAA >/dev/null
sleep 0.3
# HTTP, one connection per request, by name (system resolver -> DNS) and by address
cin "${C[@]}" -4 http://www.example.test/index.html
cin "${C[@]}" -6 http://www.example.test/notes.txt
cin "${C[@]}" "http://$V4_SRV/does-not-exist"        # 404
# HTTP keep-alive: several requests on one connection, v4 and v6
cin "${C[@]}" "http://$V4_SRV/index.html" -o /dev/null "http://$V4_SRV/notes.txt" \
  -o /dev/null "http://$V4_SRV/data.json"
cin "${C[@]}" "http://[$V6_SRV]/data.json" -o /dev/null "http://[$V6_SRV]/photo.bin"
sleep 0.3
# TCP to a closed port -> RST; UDP to a closed port -> ICMP(v6) port unreachable
cin "${C[@]}" --max-time 3 "http://$V4_SRV:8081/" 2>/dev/null || true
cin "${C[@]}" --max-time 3 "http://[$V6_SRV]:8081/" 2>/dev/null || true
cin bash -c "echo 'hello?' >/dev/udp/$V4_SRV/9; echo 'hello?' >/dev/udp/$V6_SRV/9"
sleep 0.3
# Larger download at full speed (window growth), then a rate-limited one over
# IPv6 whose full receive buffer forces zero-window / window-update segments.
# curl averages its rate over seconds and lets the first burst through, so
# 5k/s gives a ~3-4 s transfer of 300 KB rather than the nominal 60 s.
cin "${C[@]}" "http://$V4_SRV/big.bin"
cin "${C[@]}" --limit-rate 5k "http://[$V6_SRV]/big.bin"
sleep 1

kill -INT "$TCPDUMP"; wait "$TCPDUMP" || true
cat "$WORK/tcpdump.log" >&2

# --- 6. check and publish -----------------------------------------------------
size=$(stat -c %s "$WORK/capture.pcap")
if ((size > MAX_BYTES)); then echo "capture is $size bytes, over $MAX_BYTES" >&2; exit 1; fi
# Every kind of traffic promised above must be in the file.
checks=("arp" "icmp6 and ip6[40] == 135" "tcp[tcpflags] & tcp-syn != 0"
  "tcp[tcpflags] & tcp-fin != 0" "tcp[tcpflags] & tcp-rst != 0" "udp port 53"
  "tcp port 53" "ip6 and tcp port 80" "icmp[icmptype] == icmp-echoreply"
  "icmp6 and ip6[40] == 129" "icmp[icmptype] == icmp-unreach" "icmp6 and ip6[40] == 1")
for f in "${checks[@]}"; do
  n=$(tcpdump -nr "$WORK/capture.pcap" "$f" 2>/dev/null | wc -l)
  ((n > 0)) || { echo "capture has no packets matching: $f" >&2; exit 1; }
done
mkdir -p "$(dirname "$OUT")"
install -m 0644 "$WORK/capture.pcap" "$OUT"
echo "wrote $OUT ($size bytes, $(tcpdump -nr "$OUT" 2>/dev/null | wc -l) packets)"
