#!/usr/bin/env python3
# Stand in for systemd's notification socket: append each datagram the
# daemon sends to NOTIFY_SOCKET to a file, one per line.
import socket, sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(out, "a", buffering=1) as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", " ") + "\n")
