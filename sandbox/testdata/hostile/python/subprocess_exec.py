# Tries to start a host process.
import os
import subprocess

try:
    os.system("echo PWN" + "ED")
except AttributeError as e:
    print("no os.system:", e)
subprocess.run(["/bin/echo", "PWN" + "ED"], check=True)
