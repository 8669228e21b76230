// flood prints without end.
for (;;) { console.log("flood flood flood flood flood flood flood flood"); }
