# Tries every way to read a host file; prints what it got.
import os

for path in ["/etc/passwd", "/app/../etc/passwd", "../../etc/passwd",
             "/usr/local/lib/python3.11/../../../../etc/passwd"]:
    try:
        with open(path) as f:
            print("READ", path, f.read()[:40])
    except OSError as e:
        print("denied", path, type(e).__name__)
for d in ["/", "/etc", "/app/..", "/usr/local/lib/python3.11/../../.."]:
    try:
        print("LISTED", d, os.listdir(d))
    except OSError as e:
        print("denied", d, type(e).__name__)
raise PermissionError("nothing of the host was readable")
