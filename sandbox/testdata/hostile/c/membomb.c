// membomb allocates until something gives, touching every page and
// keeping every block, so the compiler cannot drop the allocations.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *keep[1 << 16];

int main(void) {
	for (size_t n = 0;; n++) {
		char *p = malloc(1 << 20);
		if (p == NULL) {
			fprintf(stderr, "malloc failed after %zu MiB\n", n);
			abort();
		}
		memset(p, (int)n, 1 << 20);
		keep[n % (1 << 16)] = p;
	}
}
