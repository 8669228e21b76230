// membomb doubles a string until something gives.
let s = "memory bomb ";
for (;;) {
  s = s + s;
  print(s.length);
}
