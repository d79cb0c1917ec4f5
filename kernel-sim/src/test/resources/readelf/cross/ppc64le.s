	.abiversion 2
	.text
	.globl f
	.type f, @function
f:
0:	addis 2, 12, .TOC.-0b@ha
	addi 2, 2, .TOC.-0b@l
	.localentry f, .-f
	mflr 0
	bl ext_func
	nop
	addis 3, 2, data_obj@toc@ha
	addi 3, 3, data_obj@toc@l
	blr
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
