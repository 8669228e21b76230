// passwd tries to read host files by absolute and relative paths.
for (const p of ["/etc/passwd", "../../../../etc/passwd", "/src/../../etc/passwd", "/proc/self/environ"]) {
  try {
    print("ESCAPED: read " + p + ": " + readFile(p));
  } catch (e) {}
}
