#!/usr/bin/env bash
# Regenerates the cross-architecture fixtures of issue 19 with Debian's cross binutils
# (binutils-aarch64-linux-gnu, -arm-linux-gnueabihf, -mips-linux-gnu, -mips64el-linux-gnuabi64,
# -powerpc64le-linux-gnu, -riscv64-linux-gnu, -s390x-linux-gnu, -sparc64-linux-gnu): one
# relocatable object per source and an executable linked from it, each with a `readelf -a -W` dump.
# mips64.s is assembled twice: n64 big-endian (mips-linux-gnu-as -mabi=64) and little-endian.
set -euo pipefail
cd "$(dirname "$0")"
build() { # NAME AS-COMMAND... -- LD-COMMAND...
  local name=$1; shift
  local as=() ld=()
  while [ "$1" != "--" ]; do as+=("$1"); shift; done; shift
  ld=("$@")
  "${as[@]}" -o "$name.o"
  "${ld[@]}" -e f --defsym ext_func=f --defsym ext_var=data_obj --build-id=sha1 -o "$name.exe" "$name.o"
}
build aarch64 aarch64-linux-gnu-as aarch64.s -- aarch64-linux-gnu-ld
build arm arm-linux-gnueabihf-as arm.s -- arm-linux-gnueabihf-ld
build mips mips-linux-gnu-as mips.s -- mips-linux-gnu-ld
build mips64 mips-linux-gnu-as -KPIC -mabi=64 -march=mips64r2 mips64.s -- mips-linux-gnu-ld -m elf64btsmip
build mips64el mips64el-linux-gnuabi64-as -KPIC mips64.s -- mips64el-linux-gnuabi64-ld
build ppc64le powerpc64le-linux-gnu-as ppc64le.s -- powerpc64le-linux-gnu-ld
build riscv64 riscv64-linux-gnu-as riscv64.s -- riscv64-linux-gnu-ld
build s390x s390x-linux-gnu-as s390x.s -- s390x-linux-gnu-ld
build sparc64 sparc64-linux-gnu-as -64 sparc64.s -- sparc64-linux-gnu-ld
for f in *.o *.exe; do
  readelf -a -W "$f" > "$f.readelf" 2>&1 || true
done
