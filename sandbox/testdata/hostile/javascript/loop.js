// loop never ends.
for (;;) {}
