// recursion recurses without end, walking the stack down through memory.
#include <stdio.h>

int down(volatile int n) {
	volatile char pad[256];
	pad[n % 256] = (char)n;
	return down(n + 1) + pad[0];
}

int main(void) {
	printf("%d\n", down(0));
	return 0;
}
