// embed reads a host file at compile time with C23's #embed.
#include <stdio.h>

static const char secret[] = {
#embed "/etc/passwd"
	, 0};

int main(void) {
	printf("ESCAPED: %s\n", secret);
	return 0;
}
