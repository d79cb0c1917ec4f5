#!/usr/bin/env bash
# Fetches Debian's current kernel image package for one architecture flavour
# (amd64 or 686 of Debian 12 bookworm; trixie-amd64 of Debian 13) with apt pointed at a
# private state directory per suite, so no system configuration changes
# (dpkg --add-architecture is not needed for i386), and unpacks it under
# $CORPUS/<flavour>/. Prints the unpacked directory.
#
# usage: fetch-debian-kernel.sh amd64|686|trixie-amd64 [CORPUS_DIR]
set -euo pipefail
flavour=${1:?usage: fetch-debian-kernel.sh amd64|686|trixie-amd64 [CORPUS_DIR]}
corpus=${2:-${MODLOAD_CORPUS:-$HOME/.cache/modload-corpus}}
# suite: the Debian release; state: its apt state directory (bookworm keeps the first one's name);
# kflavour: the kernel flavour in package names.
case "$flavour" in
  amd64)        arch=amd64 suite=bookworm state="$corpus/apt" kflavour=amd64 ;;
  686)          arch=i386  suite=bookworm state="$corpus/apt" kflavour=686 ;;
  trixie-amd64) arch=amd64 suite=trixie  state="$corpus/apt-trixie" kflavour=amd64 ;;
  *) echo "unknown flavour $flavour (amd64, 686 or trixie-amd64)" >&2; exit 2 ;;
esac
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/etc"
if [ ! -f "$state/etc/sources.list" ]; then
  cat > "$state/etc/sources.list" <<LIST
deb [arch=amd64,i386] http://deb.debian.org/debian $suite main
deb [arch=amd64,i386] http://deb.debian.org/debian $suite-updates main
deb [arch=amd64,i386] http://deb.debian.org/debian-security $suite-security main
LIST
fi
APT=(apt-get -q -o Dir::State="$state" -o Dir::State::Lists="$state/lists"
     -o Dir::State::status=/dev/null
     -o Dir::Cache="$state/cache" -o Dir::Etc::SourceList="$state/etc/sources.list"
     -o Dir::Etc::SourceParts=/dev/null -o APT::Architecture=amd64
     -o APT::Architectures::=amd64 -o APT::Architectures::=i386
     -o Debug::NoLocking=1)
if [ ! -f "$state/.updated" ]; then
  # A mirror mid-sync may fail one index; the kernel comes from main.
  "${APT[@]}" update >&2 || echo "apt-get update reported errors; continuing" >&2
  touch "$state/.updated"
fi
# The meta package linux-image-<flavour> depends on the current ABI's signed image.
abi_pkg=$("${APT[@]/apt-get/apt-cache}" depends "linux-image-$kflavour:$arch" 2>/dev/null \
  | sed -n 's/^ *Depends: \(linux-image-6[^ :]*\).*/\1/p' | head -1)
[ -n "$abi_pkg" ] || { echo "cannot resolve linux-image-$kflavour" >&2; exit 1; }
abi=${abi_pkg#linux-image-}
abi=${abi%-$kflavour}
headers_pkg="linux-headers-$abi-$kflavour"
out="$corpus/$flavour"
if [ ! -f "$out/.complete" ]; then
  rm -rf "$out"; mkdir -p "$out/debs"
  (cd "$out/debs" && "${APT[@]}" download "$abi_pkg:$arch" "$headers_pkg:$arch" >&2)
  for deb in "$out"/debs/*.deb; do dpkg-deb -x "$deb" "$out/root"; done
  echo "$abi_pkg" > "$out/package"
  touch "$out/.complete"
fi
echo "$out"
