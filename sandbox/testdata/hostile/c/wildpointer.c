// wildpointer writes far outside its memory.
int main(void) {
	volatile int *p = (int *)0xfffffff0;
	*p = 42;
	return 0;
}
