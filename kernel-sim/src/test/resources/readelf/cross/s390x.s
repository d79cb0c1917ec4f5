	.text
	.globl f
	.type f, @function
f:
	larl %r2, data_obj
	brasl %r14, ext_func@PLT
	lgrl %r3, ext_var@GOTENT
	br %r14
	.size f, .-f
	.data
	.globl data_obj
	.type data_obj, @object
data_obj:
	.quad ext_var + 8
	.long ext_var - 4
	.weak weak_sym
	.quad weak_sym
	.size data_obj, .-data_obj
