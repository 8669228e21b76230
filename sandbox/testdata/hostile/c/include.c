// include tries to compile a host file into the program, to read it in the
// compiler's error message.
#include "/etc/passwd"

int main(void) { return 0; }
