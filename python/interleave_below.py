"""Output written below Python — a C extension's printf, ``os.system``, a subprocess that shares
our stdout — never passes through sys.stdout. To see it at all, fds 1 and 2 of each process are
pipes read by a thread here: what arrives is passed on to the original descriptors unchanged and
recorded, line by line, with the time it was read (approximate: the writer is not known exactly,
and what is still in the pipe when the process dies abruptly is lost).
"""
import os
import selectors
import struct
import threading
import time

import interleave_fds as fds

try:
    import fcntl
    import termios
except ImportError:  # not on this platform: settle() only waits for the reader to be idle
    fcntl = termios = None


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Below(object):
    def __init__(self, real_fds, recorder_now, clock):
        self._real = dict(real_fds)
        self._recorder_now = recorder_now
        self._clock = clock
        self._carry = {1: b"", 2: b""}
        self._pipes = {}
        self._busy = False
        for fd in (1, 2):
            r, w = os.pipe()
            os.dup2(w, fd)
            os.close(w)
            fds.own(r)
            self._pipes[fd] = r
        self._selector = selectors.DefaultSelector()
        for fd, r in self._pipes.items():
            self._selector.register(r, selectors.EVENT_READ, fd)
        if hasattr(self._selector, "fileno"):  # epoll, kqueue: a descriptor of ours too
            fds.own(self._selector.fileno())
        self._thread = threading.Thread(target=self._pump, name="interleave-below", daemon=True)
        self._thread._interleave_recorder = None  # ours, not a worker's
        self._thread._interleave_ours = True  # nor, in a script run, a thread of the program's
        self._thread.start()

    def _pump(self):
        sel = self._selector
        while sel.get_map():
            self._busy = False
            ready = sel.select()
            self._busy = True
            for key, _ in ready:
                try:
                    data = os.read(key.fd, 1 << 16)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(key.fd)
                    fds.close(key.fd)
                    self._lines(key.data, b"", True)
                    continue
                try:
                    _write_all(self._real[key.data], data)
                except OSError:
                    pass  # nobody reads our output any more; the trace still gets it
                self._lines(key.data, data, False)
        if hasattr(sel, "fileno"):
            fds.disown(sel.fileno())
        sel.close()

    def _lines(self, stream, data, final):
        data = self._carry[stream] + data
        parts = data.split(b"\n")
        self._carry[stream] = b"" if final else parts.pop()
        if final and parts and parts[-1] == b"":
            parts.pop()
        if not parts:
            return
        recorder = self._recorder_now()
        if recorder is None:
            return  # between workers, or in a process that runs none
        t = self._clock()
        for part in parts:
            recorder.record_line(t, stream, 0, part.decode("utf-8", "replace"))

    def _unread(self):
        if fcntl is None:
            return 0
        total = 0
        for r in self._pipes.values():
            try:
                total += struct.unpack("i", fcntl.ioctl(r, termios.FIONREAD, b"\0\0\0\0"))[0]
            except OSError:
                pass
        return total

    def settle(self, timeout=0.05):
        """Let the reader record what is already in the pipes (a worker is about to end)."""
        deadline = time.monotonic() + timeout
        while (self._busy or self._unread()) and time.monotonic() < deadline:
            time.sleep(0.0002)

    def stop(self, timeout=0.5, until_idle=False):
        """``until_idle``: wait until what is in the pipes is read, not for their end — a process
        we did not start and do not wait for (multiprocessing's resource tracker) may hold them."""
        for fd in (1, 2):
            os.dup2(self._real[fd], fd)  # drops this process's write end of the pipe
        self._thread.join(0.005 if until_idle else timeout)
        if until_idle and self._thread.is_alive():
            self.settle(timeout)
