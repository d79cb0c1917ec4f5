# What the toy's PERMISSIVE profile adds: GOT loads of every GOTPCREL form and calls to symbols
# outside the image, far (a stub through the GOT word) and near (direct). Assembled by regen.sh.
	.text
	.globl	_start
_start:
	movq	ext_data@GOTPCREL(%rip), %rax	# REX_GOTPCRELX
	movl	ext_data@GOTPCREL(%rip), %ecx	# GOTPCRELX, the same GOT word
	call	*ext_func@GOTPCREL(%rip)	# GOTPCRELX
	pushq	gdata@GOTPCREL(%rip)		# GOTPCREL (a form ld never relaxes)
	call	ext_func@PLT			# PLT32, far: through a stub and ext_func's GOT word
	call	ext_far@PLT			# PLT32, far: a stub and a GOT word of its own
	call	ext_near@PLT			# PLT32 within reach: direct
	call	local_func@PLT			# PLT32 inside the image: direct
	ret
	.globl	local_func
	.type	local_func, @function
local_func:
	ret
	.size	local_func, .-local_func

	.data
	.globl	gdata
	.type	gdata, @object
gdata:	.quad	1
	.size	gdata, 8
