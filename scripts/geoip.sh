#!/usr/bin/env bash
# Installs free address databases for pcapq's --geoip / --asn (`make geoip`):
#   country.mmdb           @ip-location-db/geo-whois-asn-country-mmdb (CC0), IPv4 + IPv6
#   asn-ipv4.csv, asn-ipv6.csv  @ip-location-db/asn (CC BY 4.0: RouteViews, DB-IP, NRO)
# Usage: bash scripts/geoip.sh DIR VERSION   (both packages are published with the same version)
set -euo pipefail
dir="${1:?usage: geoip.sh DIR VERSION}"
version="${2:?usage: geoip.sh DIR VERSION}"
command -v npm >/dev/null || { echo "geoip: npm is needed to fetch the databases (apt-get install npm)" >&2; exit 2; }
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for pkg in geo-whois-asn-country-mmdb asn; do
  echo "geoip: fetching @ip-location-db/$pkg@$version" >&2
  (cd "$work" && npm pack --silent "@ip-location-db/$pkg@$version" >/dev/null)
done
for tgz in "$work"/*.tgz; do
  tar -xzf "$tgz" -C "$work"
  mv "$work/package" "$work/$(basename "$tgz" .tgz)"
done
cp "$work"/*geo-whois-asn-country-mmdb*/geo-whois-asn-country.mmdb "$dir/country.mmdb"
cp "$work"/*-asn-"$version"/asn-ipv4.csv "$dir/asn-ipv4.csv"
cp "$work"/*-asn-"$version"/asn-ipv6.csv "$dir/asn-ipv6.csv"
cat > "$dir/SOURCES.txt" <<TXT
country.mmdb: @ip-location-db/geo-whois-asn-country-mmdb@$version (CC0-1.0)
asn-ipv4.csv, asn-ipv6.csv: @ip-location-db/asn@$version (CC BY 4.0; data from RouteViews,
DB-IP and the NRO, compiled by ip-location-db: https://github.com/sapics/ip-location-db)
TXT
echo "geoip: installed in $dir" >&2
echo "export PCAPQ_GEOIP=$dir/country.mmdb"
echo "export PCAPQ_ASN=$dir/asn-ipv4.csv:$dir/asn-ipv6.csv"
