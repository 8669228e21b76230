// passwd tries to read host files by absolute and relative paths.
#include <stdio.h>

int main(void) {
	const char *paths[] = {"/etc/passwd", "../../../../etc/passwd", "/data/../../etc/passwd", "/proc/self/environ"};
	for (int i = 0; i < 4; i++) {
		FILE *f = fopen(paths[i], "r");
		if (f == NULL) continue;
		char buf[256];
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = 0;
		printf("ESCAPED: read %s: %s\n", paths[i], buf);
		fclose(f);
	}
	return 0;
}
