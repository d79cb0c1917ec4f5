#!/usr/bin/env bash
# The real-kernel oracle's boot: builds an initramfs that loads the listed modules in order
# (busybox /init: see ./init), boots the corpus's own Debian vmlinuz under qemu (software
# emulation, nokaslr) and writes what the kernel printed (console.txt) and each loaded module's
# core memory from /proc/kcore (memory.bin) into OUT.
#
# usage: boot.sh amd64|686 CORPUS_DIR MODULES_FILE NEEDED_FILE OUT
#   MODULES_FILE  one module file per line, in load order: a path under the corpus's
#                 lib/modules/<release>/, or an absolute path (a fixture of ours)
#   NEEDED_FILE   kernel symbol names whose /proc/kallsyms lines are wanted
# Needs qemu-system-x86 (qemu-system-x86_64, qemu-system-i386), busybox-static (amd64), cpio,
# gcc and gcc-multilib; the i386 busybox comes from Debian's busybox-static:i386 package
# (.ci/fetch-guest-busybox.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
flavour=${1:?flavour}; corpus=${2:?corpus}; modules=${3:?modules}; needed=${4:?needed}; out=${5:?out}
root="$corpus/$flavour/root"
vmlinuz=$(ls "$root"/boot/vmlinuz-*)
release=${vmlinuz##*/vmlinuz-}
case "$flavour" in
  amd64) qemu=qemu-system-x86_64; cpu=qemu64,+svm; cflags=(); busybox=$(command -v busybox) ;;
  686)   qemu=qemu-system-i386; cpu=qemu32,+svm; cflags=(-m32)
         busybox=$(bash "$here/../../../../.ci/fetch-guest-busybox.sh" i386 "$corpus") ;;
  *) echo "unknown flavour $flavour" >&2; exit 2 ;;
esac
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,m,proc,sys,dev,tmp} "$out"
cp "$busybox" "$stage/bin/busybox"; ln -s busybox "$stage/bin/sh"
cp "$here/init" "$stage/init"; chmod 755 "$stage/init"
gcc "${cflags[@]}" -static -O2 -D_FILE_OFFSET_BITS=64 -o "$stage/kcoredump" "$here/kcoredump.c"
: > "$stage/modules.list"
while read -r m; do
  [ -n "$m" ] || continue
  case "$m" in /*) f="$m" ;; *) f="$root/lib/modules/$release/$m" ;; esac
  name=$(basename "$f" .ko)
  cp "$f" "$stage/m/$name.ko"
  echo "$name" >> "$stage/modules.list"
done < "$modules"
cp "$needed" "$stage/needed"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.gz"
rm -f "$out/console.txt" "$out/memory.bin"
timeout "${MODLOAD_QEMU_TIMEOUT:-1500}" nice "$qemu" -m 2048 -cpu "$cpu" -smp 1 -display none -monitor none \
  -no-reboot -kernel "$vmlinuz" -initrd "$out/initrd.gz" -append "nokaslr console=ttyS0 panic=-1 quiet" \
  -serial "file:$out/console.txt" -serial "file:$out/memory.bin"
rm -f "$out/initrd.gz"
grep -aq '^@@done' "$out/console.txt" || { echo "boot.sh: the guest did not finish; see $out/console.txt" >&2; exit 1; }
