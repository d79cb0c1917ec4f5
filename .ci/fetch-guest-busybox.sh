#!/usr/bin/env bash
# Fetches Debian bookworm's busybox-static for ARCH (the real-kernel oracle's i386 guest needs
# a 32-bit one; the host's is 64-bit) with apt pointed at the corpus's private state directory,
# as fetch-debian-kernel.sh does, and prints the path of its busybox binary.
#
# usage: fetch-guest-busybox.sh ARCH [CORPUS_DIR]
set -euo pipefail
arch=${1:?usage: fetch-guest-busybox.sh ARCH [CORPUS_DIR]}
corpus=${2:-${MODLOAD_CORPUS:-$HOME/.cache/modload-corpus}}
out="$corpus/guest-busybox/$arch"
if [ ! -x "$out/root/bin/busybox" ]; then
  state="$corpus/apt"
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/etc" "$out"
  if [ ! -f "$state/etc/sources.list" ]; then
    echo "deb [arch=amd64,i386] http://deb.debian.org/debian bookworm main" > "$state/etc/sources.list"
  fi
  APT=(apt-get -q -o Dir::State="$state" -o Dir::State::Lists="$state/lists"
       -o Dir::State::status=/dev/null
       -o Dir::Cache="$state/cache" -o Dir::Etc::SourceList="$state/etc/sources.list"
       -o Dir::Etc::SourceParts=/dev/null -o APT::Architecture=amd64
       -o APT::Architectures::=amd64 -o APT::Architectures::=i386
       -o Debug::NoLocking=1)
  if [ ! -f "$state/.updated" ]; then
    "${APT[@]}" update >&2 || echo "apt-get update reported errors; continuing" >&2
    touch "$state/.updated"
  fi
  (cd "$out" && rm -f ./*.deb && "${APT[@]}" download "busybox-static:$arch" >&2)
  dpkg-deb -x "$out"/busybox-static_*.deb "$out/root"
fi
echo "$out/root/bin/busybox"
