// clock spins on the clock, waiting for a time that never comes.
#include <time.h>

int main(void) {
	for (;;) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		if (ts.tv_sec > 32503680000LL) return 0; // the year 3000
	}
}
