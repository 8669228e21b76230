// hello shows what a guest is given: arguments, stdin, environment, a
// mounted file.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
	char in[64] = {0}, data[64] = {0};
	fread(in, 1, sizeof in - 1, stdin);
	FILE *f = fopen("/data/input.txt", "r");
	if (f) {
		fread(data, 1, sizeof data - 1, f);
		fclose(f);
	}
	const char *greeting = getenv("GREETING");
	printf("args=");
	for (int i = 1; i < argc; i++) printf("%s%s", i > 1 ? "," : "", argv[i]);
	printf(" stdin=%s env=%s data=%s\n", in, greeting ? greeting : "", data);
	return 0;
}
