	.text
	.globl f
	.type f, #function
f:
	sethi %hi(data_obj), %o0
	or %o0, %lo(data_obj), %o0
	call ext_func
	 nop
	retl
	 nop
	.size f, .-f
	.data
	.globl data_obj
	.type data_obj, #object
data_obj:
	.xword ext_var + 8
	.word ext_var - 4
	.weak weak_sym
	.xword weak_sym
	.size data_obj, .-data_obj
