	.text
	.globl f
	.type f, @function
f:
	lui a0, %hi(data_obj)
	addi a0, a0, %lo(data_obj)
	call ext_func
	la a1, ext_var
	ret
	.size f, .-f
	.data
	.globl data_obj
	.type data_obj, @object
data_obj:
	.dword ext_var + 8
	.word ext_var - 4
	.weak weak_sym
	.dword weak_sym
	.size data_obj, .-data_obj
