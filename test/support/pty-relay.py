"""Run a command in a pseudo-terminal, as a person at a terminal would: bytes on this script's stdin
are typed into the terminal (b'\\x03' is Ctrl-C, b'\\x1b[A' the Up arrow), and everything the terminal
shows comes out on this script's stdout. Node has no pseudo-terminal of its own; Python's pty module
is the standard library's. Exits with the command's exit code.

Usage: python3 pty-relay.py <columns> <rows> <command> [<argument> ...]
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios

columns, rows, command = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
pid, terminal = pty.fork()
if pid == 0:
    # The child: its stdin/stdout/stderr are the terminal, which is this size.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, columns, 0, 0))
    os.execvp(command[0], command)

keys = sys.stdin.fileno()
reading = [terminal, keys]
while terminal in reading:
    for fd in select.select(reading, [], [])[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the command ended and closed the terminal
            data = b''
        if fd == keys:
            if data:
                os.write(terminal, data)
            else:
                reading.remove(keys)  # no more keys; the command runs on
        elif data:
            os.write(sys.stdout.fileno(), data)
        else:
            reading.remove(terminal)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
