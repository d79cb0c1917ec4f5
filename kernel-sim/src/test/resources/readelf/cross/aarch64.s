	.text
	.global f
	.type f, %function
f:
	adrp x0, data_obj
	add x0, x0, :lo12:data_obj
	bl ext_func
	b .Llocal
.Llocal:
	ret
	.size f, .-f
	.data
	.global data_obj
	.type data_obj, %object
data_obj:
	.xword ext_var + 8
	.word ext_var - 4
	.size data_obj, .-data_obj
	.weak weak_sym
	.xword weak_sym
	.section .rodata.str,"aMS",%progbits,1
	.string "hello"
