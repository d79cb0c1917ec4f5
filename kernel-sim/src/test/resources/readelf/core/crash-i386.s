# The 32-bit program of the core-file fixtures (regen.sh): as crash-x86_64.s, through mmap2.
	.globl	_start
	.text
_start:
	mov	$192, %eax		# mmap2(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0)
	xor	%ebx, %ebx
	mov	$4096, %ecx
	mov	$3, %edx
	mov	$0x21, %esi
	mov	$-1, %edi
	xor	%ebp, %ebp
	int	$0x80
	movl	$0x6c646f6d, (%eax)	# "modl"
	xor	%edx, %edx
	mov	(%edx), %edx		# SIGSEGV
