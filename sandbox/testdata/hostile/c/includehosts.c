// includehosts includes a host file that does not preprocess cleanly, so
// that the preprocessor's error message would quote its lines.
#include "/etc/hosts"
#include "/etc/passwd"

int main(void) { return 0; }
