	.text
	.globl f
	.ent f
	.type f, @function
f:
	lui $2, %hi(data_obj)
	addiu $2, $2, %lo(data_obj)
	jal ext_func
	nop
	jr $31
	nop
	.end f
	.size f, .-f
	.data
	.globl data_obj
	.type data_obj, @object
data_obj:
	.word ext_var + 8
	.word ext_var - 4
	.weak weak_sym
	.word weak_sym
	.size data_obj, .-data_obj
