#!/usr/bin/env bash
# Regenerates the core-file fixtures (issue 19b) and writes a `readelf -a -W` dump beside each:
#   x86_64.core      the Linux kernel's core of crash-x86_64.s (no section headers; one PT_NOTE
#                    with NT_PRSTATUS, NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE, NT_FPREGSET...)
#   i386.core        the same for crash-i386.s: an ELFCLASS32 core
#   x86_64-gdb.core  gdb's gcore of crash-x86_64.s stopped at its fault (BFD writes section
#                    headers: note0, load...; and NT_GDB_TDESC)
# The programs are built with GNU as and ld, the cores made with `ulimit -c` (kernel.core_pattern
# must be a plain file name such as "core", not a pipe) and with gdb. Their contents depend on the
# kernel and the gdb that made them (addresses, registers, which notes), so they are committed,
# not made at test time. coredump_filter 0x2 keeps them small: shared anonymous memory and the
# pages the kernel always dumps (vDSO, vsyscall).
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
case "$(cat /proc/sys/kernel/core_pattern)" in
  \|*) echo "kernel.core_pattern is a pipe; the kernel cores need a plain file name" >&2; exit 1 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
as --64 -o "$tmp/crash-x86_64.o" crash-x86_64.s
ld -static -nostdlib -o "$tmp/crash-x86_64" "$tmp/crash-x86_64.o"
as --32 -o "$tmp/crash-i386.o" crash-i386.s
ld -m elf_i386 -static -nostdlib -o "$tmp/crash-i386" "$tmp/crash-i386.o"
kernel_core() { # program output
  rm -rf "$tmp/run" && mkdir "$tmp/run"
  (cd "$tmp/run" && ulimit -c unlimited && echo 0x2 > /proc/self/coredump_filter && exec "$1") || true
  local cores=("$tmp"/run/core*)
  [ -f "${cores[0]}" ] || { echo "no core from $1" >&2; exit 1; }
  mv "${cores[0]}" "$here/$2"
}
kernel_core "$tmp/crash-x86_64" x86_64.core
kernel_core "$tmp/crash-i386" i386.core
(echo 0x2 > /proc/self/coredump_filter
 gdb -q -nx -batch -ex run -ex "gcore $tmp/gdb.core" "$tmp/crash-x86_64" > /dev/null)
mv "$tmp/gdb.core" x86_64-gdb.core
chmod 644 x86_64.core i386.core x86_64-gdb.core
for f in x86_64.core i386.core x86_64-gdb.core; do
  readelf -a -W "$f" > "$f.readelf" 2>&1 || true
done
