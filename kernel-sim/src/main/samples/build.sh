#!/usr/bin/env bash
# Rebuilds the bundled sample modules with the host gcc (x86_64 and, with -m32, i386) and
# writes a readelf -a dump beside each. The objects are committed; run this only to change them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../resources/org/modload/kernel/samples"
mkdir -p "$out/x86_64" "$out/i386"
common=(-c -O2 -fno-pic -fno-common -ffreestanding -fno-stack-protector -fno-asynchronous-unwind-tables
        -fno-unwind-tables -fno-builtin -Wall -Werror)
for src in hello demo_core demo_user demo_leaf; do
  name=(-DKBUILD_MODNAME="\"$src\"")
  gcc "${common[@]}" "${name[@]}" -mcmodel=kernel -mno-red-zone -mno-sse "$here/$src.c" -o "$out/x86_64/$src.ko"
  gcc "${common[@]}" "${name[@]}" -m32 "$here/$src.c" -o "$out/i386/$src.ko"
  for a in x86_64 i386; do readelf -a -W "$out/$a/$src.ko" > "$out/$a/$src.ko.readelf"; done
done
