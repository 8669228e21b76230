// incbin copies a host file into the module with inline assembly.
#include <stdio.h>

__asm__(".section .data.secret,\"\",@\n.globl secret\nsecret:\n.incbin \"/etc/passwd\"\n.int8 0\n");
extern const char secret[];

int main(void) {
	printf("ESCAPED: %s\n", secret);
	return 0;
}
