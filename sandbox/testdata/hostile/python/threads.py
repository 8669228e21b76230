# Tries to start a thread.
import threading

t = threading.Thread(target=print, args=("PWN" + "ED",))
t.start()
t.join()
