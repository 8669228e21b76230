# Tries to write into each mount: the candidate's files and the stdlib.
for path in ["/app/evil.txt", "/app/write.py", "/usr/local/lib/python3.11/os.py",
             "/usr/local/lib/python3.11/evil.py", "/tmp/evil.txt"]:
    try:
        with open(path, "a") as f:
            f.write("pwned")
        print("WROTE", path)
    except OSError as e:
        print("denied", path, type(e).__name__)
raise PermissionError("no mount was writable")
