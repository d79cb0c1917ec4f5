# Every type Linux's x86_64 module loader applies (NONE, 64, 32, 32S, PC32, PLT32, PC64), with
# non-zero addends, from four allocated sections, against section symbols, defined globals and
# undefined symbols. Assembled by regen.sh; linked by the kit in KERNEL and by GNU ld.
	.text
	.globl	entry
	.type	entry, @function
entry:
	call	printk				# PLT32 printk-4
	call	helper				# PLT32 against a defined global
	movq	$table+16, %rax			# 32S against a defined global
	movl	$low_const+8, %edx		# 32 against an undefined symbol
	leaq	ext_data-0x40(%rip), %rdi	# PC32 against an undefined symbol
	leaq	counter+0x20(%rip), %rsi	# PC32 against .bss (section symbol)
	jmp	printk@PLT			# PLT32 tail call
	.size	entry, .-entry
	.globl	helper
	.type	helper, @function
helper:
	.reloc	., R_X86_64_NONE, printk+4	# NONE: nothing is written
	ret
	.size	helper, .-helper

	.section .init.text,"ax",@progbits
	.globl	init_module
init_module:
	call	entry				# PLT32 from init to core
	leaq	table+8(%rip), %rax		# PC32 from init to .data
	ret

	.section .rodata,"a",@progbits
	.align	8
msg:	.ascii	"toy\0"
	.align	8
	.quad	entry+0x11			# 64 against a defined global
	.quad	ext_data+0x1000 - .		# PC64 against an undefined symbol
	.long	low_const+0x7f			# 32

	.data
	.align	8
	.globl	table
table:
	.quad	printk+16			# 64 against an undefined symbol
	.long	ext_func - . + 9		# PC32 (data) against an undefined symbol
	.long	0
	.quad	helper + 0x21 - .		# PC64 against a defined global

	.bss
	.align	16
counter:
	.zero	64
