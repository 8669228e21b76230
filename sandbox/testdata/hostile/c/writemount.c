// writemount tries to change a read-only mount.
#include <stdio.h>
#include <unistd.h>

int main(void) {
	FILE *f = fopen("/data/new.txt", "w");
	if (f != NULL && fputs("x", f) >= 0 && fclose(f) == 0) puts("ESCAPED: created /data/new.txt");
	f = fopen("/data/input.txt", "a");
	if (f != NULL && fputs("changed", f) >= 0 && fclose(f) == 0) puts("ESCAPED: appended to /data/input.txt");
	if (unlink("/data/input.txt") == 0) puts("ESCAPED: removed /data/input.txt");
	if (rename("/data/input.txt", "/data/moved.txt") == 0) puts("ESCAPED: renamed /data/input.txt");
	return 0;
}
