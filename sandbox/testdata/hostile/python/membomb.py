# Grows a list of 1 MB strings until memory runs out.
hoard = []
while True:
    hoard.append(bytearray(1 << 20))
