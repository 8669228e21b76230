// sleep sleeps far past any deadline, again and again, holding its run open.
#include <unistd.h>

int main(void) {
	for (;;) sleep(3600);
}
