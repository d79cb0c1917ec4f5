#!/usr/bin/env bash
# Regenerates the real-kernel captures the default build compares kernel-sim with
# (RealKernelCaptureTest): for Debian 12's amd64 and 686 kernels of the corpus (.ci/corpus
# fetches them), copies xfrm_algo.ko and af_key.ko from the kernel package into FLAVOUR/modules/,
# takes the kernel build options kernel-sim's layout depends on from its config into
# FLAVOUR/build-config, boots that kernel under qemu with src/test/realkernel/boot.sh on the load
# list xfrm_algo, af_key, percpu_demo (../fixture, our own module with per-cpu data) and keeps
# what the kernel printed (console.txt) and the modules' core memory (memory.bin); the kernel's
# built-in signing certificate goes to FLAVOUR/system-certificate.der (read from vmlinuz by
# ExtractCertificate.java with the built modload.jar: run `mvn -B package -DskipTests` first), so
# that kernel-sim verifies the modules' signatures as the guest did.
#
# usage: regen.sh [CORPUS_DIR]    (needs qemu-system-x86, busybox-static, cpio, gcc, gcc-multilib)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:-${MODLOAD_CORPUS:-$HOME/.cache/modload-corpus}}
boot="$here/../../../../../../realkernel/boot.sh"
for flavour in amd64 686; do
  root="$corpus/$flavour/root"
  release=$(basename "$(ls -d "$root"/lib/modules/*)")
  out="$here/$flavour"
  mkdir -p "$out/modules"
  cp "$root/lib/modules/$release/kernel/net/xfrm/xfrm_algo.ko" "$root/lib/modules/$release/kernel/net/key/af_key.ko" \
    "$out/modules/"
  grep -E '^(# )?CONFIG_(KALLSYMS|KALLSYMS_ALL|MODVERSIONS|MODULE_FORCE_LOAD|SMP)[ =]' "$root/boot/config-$release" \
    > "$out/build-config" || true
  java -cp "$here/../../../../../../../../target/modload.jar" "$here/ExtractCertificate.java" \
    "$(ls "$root"/boot/vmlinuz-*)" "$out/system-certificate.der"
  work=$(mktemp -d)
  printf '%s\n' "$out/modules/xfrm_algo.ko" "$out/modules/af_key.ko" "$here/../fixture/$flavour/percpu_demo.ko" \
    > "$work/modules.list"
  for m in $(cat "$work/modules.list"); do nm -u "$m" | awk '{print $2}'; done | sort -u > "$work/needed.list"
  bash "$boot" "$flavour" "$corpus" "$work/modules.list" "$work/needed.list" "$work"
  cp "$work/console.txt" "$work/memory.bin" "$out/"
  rm -rf "$work"
done
