/* matmul.c is matmul.go in C: it multiplies two 200x200 matrices reps times
 * (reps is its argument) and prints a checksum and the nanoseconds one
 * multiply took. The same file runs natively and in the sandbox. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 200

static double a[N * N], b[N * N], c[N * N];

static void matmul(void) {
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < N; j++) c[i * N + j] = 0;
		for (int k = 0; k < N; k++) {
			double aik = a[i * N + k];
			const double *row = &b[k * N];
			double *out = &c[i * N];
			for (int j = 0; j < N; j++) out[j] += aik * row[j];
		}
	}
}

static long long now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
	int reps = argc > 1 ? atoi(argv[1]) : 1;
	for (int i = 0; i < N * N; i++) {
		a[i] = (double)(i % 7) - 3;
		b[i] = (double)(i % 5) * 0.5;
	}
	long long start = now_ns();
	for (int r = 0; r < reps; r++) matmul();
	long long elapsed = now_ns() - start;
	double sum = 0;
	for (int i = 0; i < N * N; i++) sum += c[i];
	printf("checksum=%.1f ns_per_multiply=%lld\n", sum, elapsed / reps);
	return 0;
}
