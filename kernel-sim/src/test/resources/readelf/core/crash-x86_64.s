# The program of the core-file fixtures (regen.sh): it maps one shared anonymous page, writes a
# marker into it and faults on a load from address 0. Under coredump_filter 0x2 (shared anonymous
# memory only) its core holds that page, the vDSO and vsyscall pages and the notes, nothing else.
	.globl	_start
	.text
_start:
	mov	$9, %eax		# mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0)
	xor	%edi, %edi
	mov	$4096, %esi
	mov	$3, %edx
	mov	$0x21, %r10d
	mov	$-1, %r8
	xor	%r9d, %r9d
	syscall
	movabs	$0x65726f636c646f6d, %rcx	# "modlcore"
	mov	%rcx, (%rax)
	xor	%edx, %edx
	mov	(%rdx), %rdx		# SIGSEGV
