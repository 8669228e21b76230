# Tries to reach native code through ctypes.
import ctypes

libc = ctypes.CDLL(None)
libc.system(b"echo PWN" b"ED")
