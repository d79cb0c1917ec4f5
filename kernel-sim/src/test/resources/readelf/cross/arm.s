	.syntax unified
	.arm
	.text
	.global f
	.type f, %function
f:
	push {r4, lr}
	bl ext_func
	ldr r0, =data_obj
	movw r1, #:lower16:ext_var
	movt r1, #:upper16:ext_var
	pop {r4, pc}
	.size f, .-f
	.data
	.global data_obj
	.type data_obj, %object
data_obj:
	.word ext_var + 8
	.word ext_var - 4
	.weak weak_sym
	.word weak_sym
	.size data_obj, .-data_obj
