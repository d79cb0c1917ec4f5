#!/usr/bin/env bash
# Makes ia64 kernel modules the way kbuild does (modpost's NAME.mod.o with __this_module and the
# module's name, linked with `ld -r` into NAME.ko) from the gcc-compiled objects of
# arch-ia64/src/test/resources/fixtures/gcc (copied from shared/corpus/ia64-gcc: GCC 12.2 for ia64-linux-gnu),
# with Debian's binutils-ia64-linux-gnu; writes a `readelf -a -W` dump beside each. The .ko files
# are committed; run this only to change them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gcc_objects=${IA64_GCC_CORPUS:-$here/../../../../../../../../arch-ia64/src/test/resources/fixtures/gcc}
cd "$here"
rm -f ./*.ko ./*.ko.readelf ./*.mod.s
for variant in O2 Os O0 O2cgp O2autopic; do
  name=chardev_$(echo "$variant" | tr 'A-Z' 'a-z')
  cat > "$name.mod.s" <<MOD
	.section .gnu.linkonce.this_module,"aw",@progbits
	.align 8
	.global __this_module
__this_module:
	.skip 24
	.asciz "$name"
	.org __this_module + 0x100
	.section .modinfo,"a",@progbits
	.asciz "name=$name"
	.asciz "depends="
MOD
  # The .mod.o carries the same gp model as the object, or ld -r refuses to merge them.
  case $variant in O2cgp) model=(-mconstant-gp) ;; O2autopic) model=(-mauto-pic) ;; *) model=() ;; esac
  ia64-linux-gnu-as "${model[@]}" -o "$name.mod.o" "$name.mod.s"
  ia64-linux-gnu-ld -r -o "$name.ko" "$gcc_objects/chardev-$variant.o" "$name.mod.o"
  rm "$name.mod.o"
  ia64-linux-gnu-readelf -a -W "$name.ko" > "$name.ko.readelf"
done
