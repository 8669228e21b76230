# Sleeps far past any deadline.
import time

time.sleep(3600)
