	.text
	.globl f
	.ent f
	.type f, @function
f:
	.cpsetup $25, $2, f
	lui $2, %highest(data_obj)
	daddiu $2, $2, %higher(data_obj)
	dsll $2, $2, 16
	daddiu $2, $2, %hi(data_obj)
	dsll $2, $2, 16
	daddiu $2, $2, %lo(data_obj)
	ld $25, %call16(ext_func)($28)
	lui $3, %gp_rel(local_label)
	jr $31
	nop
	.end f
	.size f, .-f
	.data
	.globl data_obj
	.type data_obj, @object
data_obj:
	.dword ext_var + 8
	.dword ext_var - 4
	.weak weak_sym
	.dword weak_sym
local_label:
	.dword 0
	.size data_obj, .-data_obj
