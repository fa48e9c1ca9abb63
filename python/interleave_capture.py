"""Record every line a worker writes, cheaply and so that nothing is lost if it dies.

Each worker owns one memory-mapped event file. Records are appended to the mapping and a
committed length in the header is updated after each one: no syscall per event, and because the
pages belong to the file, every committed record survives ``os._exit``, a crash or SIGKILL. The
runner reads the files while the run goes on and after it ends.

File layout: 8 bytes magic ``ILVTRC1\\n``, 8 bytes little-endian committed end offset, then
UTF-8 records, one per line, tab-separated:

    B <ns> <pid> <thread ident>                 the worker's body starts
    O <ns> <stream 1|2> <line or 0> <text>      one line of output (text last: may hold tabs)
    E <ns> <cpu ns or -1> <status json>         the worker's body ended
    T <ns>                                      recording stopped at the event cap
"""
import contextvars
import io
import json
import mmap
import os
import struct
import sys
import threading
import time

MAGIC = b"ILVTRC1\n"
HEADER = 16
_INITIAL = 1 << 18
_now = time.perf_counter_ns
_pack_into = struct.pack_into
_get_ident = threading.get_ident

# thread ident -> Recorder of the worker running on that thread
_recorders = {}
# Bumped in a forked child: recorders inherited through a fork are not the child's to write to
# (their mapping is shared with the parent, their write position is not).
_generation = 0


def _after_fork_in_child():
    global _generation
    _generation += 1
    _recorders.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _user_line(frame, user_file):
    """The line of the innermost frame of the user's file from ``frame`` up; 0 when there is none
    (our own frames never match it)."""
    while frame is not None:
        if frame.f_code.co_filename == user_file:
            return frame.f_lineno
        frame = frame.f_back
    return 0


class Recorder(object):
    """The event file of one worker."""

    def __init__(self, path, user_file, max_events):
        self.user_file = user_file
        self.max_events = max_events
        self.generation = _generation
        self.count = 0
        self.truncated = False
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        os.ftruncate(self._fd, _INITIAL)
        self._mm = mmap.mmap(self._fd, _INITIAL)
        self._mm[0:8] = MAGIC
        self._pos = HEADER
        self._cap = _INITIAL
        self._commit()
        # per stream: [text so far, time of first piece, line of first piece]
        self._pending = {1: None, 2: None}
        self._lock = threading.Lock()
        self.shared = False  # set once a thread the worker started writes through it

    def _commit(self):
        _pack_into("<Q", self._mm, 8, self._pos)

    def _append(self, data):
        end = self._pos + len(data)
        if end > self._cap:
            cap = self._cap
            while cap < end:
                cap *= 2
            self._mm.resize(cap)
            self._cap = cap
        self._mm[self._pos:end] = data
        self._pos = end
        _pack_into("<Q", self._mm, 8, end)

    def begin(self):
        self._append(("B\t%d\t%d\t%d\n" % (_now(), os.getpid(), _get_ident())).encode())

    def end(self, cpu_ns, status):
        self.flush_pending()
        self._append(("E\t%d\t%d\t%s\n" % (_now(), cpu_ns, json.dumps(status))).encode())

    def _event(self, t, stream, line, text):
        if self.count >= self.max_events:
            if not self.truncated:
                self.truncated = True
                self._append(("T\t%d\n" % t).encode())
            return
        self.count += 1
        data = ("O\t%d\t%d\t%d\t%s\n" % (t, stream, line, text)).encode("utf-8", "backslashreplace")
        end = self._pos + len(data)
        if end > self._cap:
            self._append(data)
            return
        self._mm[self._pos:end] = data  # the hot path of _append, inlined
        self._pos = end
        _pack_into("<Q", self._mm, 8, end)

    def feed(self, stream, s):
        """Text written by this worker to ``stream``; emits one event per completed line."""
        if self.shared:  # the worker's own helper threads write too
            with self._lock:
                self._feed(stream, s)
        else:
            self._feed(stream, s)

    def _feed(self, stream, s):
        pending = self._pending[stream]
        nl = s.find("\n")
        if nl < 0:
            if pending is None:
                self._pending[stream] = [s, _now(), _user_line(sys._getframe(1), self.user_file)]
            else:
                pending[0] += s
            return
        if pending is None:
            t, line, text = _now(), _user_line(sys._getframe(1), self.user_file), s[:nl]
        else:
            t, line, text = pending[1], pending[2], pending[0] + s[:nl]
            self._pending[stream] = None
        self._event(t, stream, line, text)
        start = nl + 1
        if start == len(s):
            return  # the common case: print()'s "\n"
        nl = s.find("\n", start)
        while nl >= 0:
            self._event(_now(), stream, line, s[start:nl])
            start = nl + 1
            nl = s.find("\n", start)
        if start < len(s):
            self._pending[stream] = [s[start:], _now(), line]

    def flush_pending(self):
        for stream in (1, 2):
            pending = self._pending[stream]
            if pending is not None:
                self._pending[stream] = None
                self._event(pending[1], stream, pending[2], pending[0])

    def close(self):
        try:
            self._mm.flush()
            self._mm.close()
        finally:
            os.close(self._fd)


class CapturedStream(io.TextIOBase):
    """Stands in for sys.stdout / sys.stderr: passes text through unchanged and records it
    for the worker running on the current thread."""

    def __init__(self, original, stream_id):
        self._original = original
        self._write = original.write
        self._stream_id = stream_id

    def write(self, s):
        n = self._write(s)  # the original stream rejects what is not str, as it always did
        rec = _recorders.get(_get_ident()) or _task_recorder.get()
        if rec is None or rec.generation != _generation:
            return n
        if rec.shared:
            rec.feed(self._stream_id, s)
            return n
        # Fast paths for what print() does — write(text), then write("\n") — inlined: a
        # Python call costs about as much as everything else an event needs.
        stream = self._stream_id
        pending = rec._pending[stream]
        if pending is None:
            if "\n" not in s:
                rec._pending[stream] = [s, _now(), _user_line(sys._getframe(1), rec.user_file)]
                return n
        elif s == "\n":
            rec._pending[stream] = None
            rec._event(pending[1], stream, pending[2], pending[0])
            return n
        rec._feed(stream, s)
        return n

    def flush(self):
        self._original.flush()

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        return self._original.fileno()

    @property
    def encoding(self):
        return getattr(self._original, "encoding", "utf-8")

    @property
    def errors(self):
        return getattr(self._original, "errors", "strict")

    @property
    def buffer(self):
        return self._original.buffer

    def __getattr__(self, name):
        return getattr(self._original, name)


_installed = False


def install():
    """Route sys.stdout/sys.stderr through the recorders; threads a worker starts inherit it."""
    global _installed
    if _installed:
        return
    _installed = True
    sys.stdout = CapturedStream(sys.stdout, 1)
    sys.stderr = CapturedStream(sys.stderr, 2)
    original_init = threading.Thread.__init__
    original_bootstrap = threading.Thread._bootstrap_inner

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self._interleave_recorder = _recorders.get(_get_ident()) or _task_recorder.get()

    def bootstrap_inner(self):
        recorder = getattr(self, "_interleave_recorder", None)
        if recorder is not None:  # a thread the worker started: its output is the worker's
            recorder.shared = True
            _recorders[_get_ident()] = recorder
        try:
            original_bootstrap(self)
        finally:
            if recorder is not None:
                _recorders.pop(_get_ident(), None)

    threading.Thread.__init__ = init
    threading.Thread._bootstrap_inner = bootstrap_inner


# The recorder of the asyncio task running now (tasks share a thread, not a context).
_task_recorder = contextvars.ContextVar("interleave_recorder", default=None)


def attach_task(recorder):
    """The current asyncio task (its context) runs ``recorder``'s worker."""
    _task_recorder.set(recorder)


def attach(recorder):
    """The current thread now runs ``recorder``'s worker."""
    _recorders[_get_ident()] = recorder


def detach():
    _recorders.pop(_get_ident(), None)
