	.section .gnu.linkonce.this_module,"aw",@progbits
	.align 8
	.global __this_module
__this_module:
	.skip 24
	.asciz "chardev_os"
	.org __this_module + 0x100
	.section .modinfo,"a",@progbits
	.asciz "name=chardev_os"
	.asciz "depends="
