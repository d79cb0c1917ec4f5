#!/usr/bin/env bash
# Regenerates the toy architecture's fixtures from their sources with GNU as (binutils;
# `as --64`) and writes a `readelf -a -W` dump beside each object. Deterministic: running it
# twice gives the same bytes.
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.o ./*.o.readelf
for f in toy-kernel toy-permissive; do
  as --64 -o "$f.o" "$f.s"
  readelf -a -W "$f.o" > "$f.o.readelf" 2>&1
done
