// env prints every environment variable it can find.
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(void) {
	for (char **e = environ; e && *e; e++) printf("ENV %s\n", *e);
	const char *keys[] = {"ASI_TEST_API_KEY", "HOME", "PATH"};
	for (int i = 0; i < 3; i++) {
		const char *v = getenv(keys[i]);
		if (v) printf("ESCAPED: %s = %s\n", keys[i], v);
	}
	return 0;
}
