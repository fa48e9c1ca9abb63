"""Record every line a worker writes, cheaply and so that nothing is lost if it dies.

Each worker owns one memory-mapped event file. Records are appended to the mapping: no syscall
per event, and because the pages belong to the file, every complete record survives
``os._exit``, a crash or SIGKILL. The runner reads the files while the run goes on and after it
ends.

File layout: 8 bytes magic ``ILVTRC2\\n``, 8 bytes reserved, then records, each a 21-byte head
— kind u8, payload length u32, time i64 (ns), a i32, b i32, little-endian — and the UTF-8
payload. The payload and the rest of the head are written first and the kind byte last: a
record whose kind byte is still 0 (the file is zero-filled) is not there yet, nor is anything
after it. The reader reads the kind byte before the rest, so what it sees after a set kind byte
is complete.

    B  the worker's body starts              a: pid, b: its thread's native id (0: unknown)
    O  one line of output                    a: line (0: none), b: stream (1|2) | below << 2 |
                                             thread << 3 (below: written with os.write, not
                                             through sys.stdout/stderr; thread 0: the worker's
                                             own, n: a thread it started), payload: the text; a
                                             final "\\n" (or "\\r\\n") is not part of it
    S  a thread the worker started           a: its number, b: its native thread id (0:
                                             unknown), payload: its name
    E  the worker's body ended               payload: {"cpuNs": …, "status": …} JSON
    T  recording stopped at the event cap
    L  a step of a contended acquire of     a: line of the acquire/release (0: none), b: phase |
       one of the user's locks (written     thread << 2 (phase 0: the wait began, 1: acquired,
       by interleave_lock_waits)            2: released, 3: gave up), payload: the wait's id
                                            ("pid.n", unique in the run; a release may be in
                                            another worker's file), and with phase 0 a tab, the
                                            kind ("Lock", "Queue", …), a tab and the lock's name

Output written below Python (a C extension's printf, a subprocess sharing our stdout) is read
from a pipe that stands in for file descriptors 1 and 2 (see interleave_below) and recorded in
a side file ``<worker file>.a`` with the same layout: its times are when it was read.

Its API for the capture (interleave_capture) and the lock records (interleave_lock_waits): the
``Recorder`` (``feed``, ``record_line``, ``begin``/``end``, ``add_thread``), ``thread_state`` (per
thread: whose worker runs there), ``live_recorders``/``ended_recorders``/``recorder_generation``,
``clock_ns``, ``user_line``/``line_of`` (the user's line of a frame), ``utf8_of``, and the record
packers (``record_packers``, ``make_record_packer``) that the capture's hot path inlines.
"""
import json
import mmap
import os
import struct
import sys
import threading
import time

import interleave_fds as fds

MAGIC = b"ILVTRC2\n"
HEADER = 16
HEAD = struct.Struct("<Iqii")  # after the kind byte
HEAD_SIZE = 1 + HEAD.size  # 21
KIND_OUTPUT, KIND_BEGIN, KIND_END, KIND_TRUNCATED, KIND_THREAD = 79, 66, 69, 84, 83  # O B E T S
_INITIAL = 1 << 20  # mapped at first; the file grows by doubling
_REGION = 1 << 18  # prepared ahead of the writer at a time (see Recorder._grow)
_zeros = None
clock_ns = time.perf_counter_ns
_pack_head = HEAD.pack_into
# The kernel's id of the calling thread (3.8+): the runner samples that thread's state in /proc
# while the worker runs. 0 where Python cannot say.
_native_id = getattr(threading, "get_native_id", lambda: 0)


class _Current(threading.local):
    """Per thread: whose worker runs on it. A thread-local attribute is the cheapest lookup
    there is (the hot path does one per line)."""
    recorder = None  # the Recorder of the worker running on this thread
    thread = 0  # the sub-lane of a thread a worker started (0: the worker's own thread)


thread_state = _Current()
# Recorders whose body runs now (begun, not ended), and the last one that ended: output from
# below Python is attributed to them.
live_recorders = []
ended_recorders = []
# Bumped in a forked child: recorders inherited through a fork are not the child's to write to
# (their mapping is shared with the parent, their write position is not).
recorder_generation = 0


def _after_fork_in_child():
    global recorder_generation
    recorder_generation += 1
    # the one thread a forked child has: whatever it ran, the recorder is the parent's
    thread_state.recorder = None
    thread_state.thread = 0
    del live_recorders[:]
    del ended_recorders[:]


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def utf8_of(text):
    try:
        return text.encode()
    except UnicodeEncodeError:  # lone surrogates
        return text.encode("utf-8", "backslashreplace")


# Script runs (interleave_script): the index (1…MAX_FILES - 1) of a file of the program other than
# the user's file, 0 for any other file; None in function runs. A line of such a file is recorded
# as line | index << LINE_BITS (the runner names the file).
program_file = None
LINE_BITS = 20
MAX_FILES = 1 << (31 - LINE_BITS)


def user_line(frame, user_file):
    """The line of the innermost frame of the user's file (in a script run, of a file of the
    program) from ``frame`` up; 0 when there is none (our own frames never match it)."""
    while frame is not None:
        name = frame.f_code.co_filename
        if name == user_file:
            return frame.f_lineno
        if program_file is not None:
            index = program_file(name)
            if index:
                return (frame.f_lineno or 0) | index << LINE_BITS
        frame = frame.f_back
    return 0


# payload size -> pack_into of a record's head (its kind byte left out) and payload
record_packers = {}


def make_record_packer(size):
    if len(record_packers) > 4096:  # lines of ever new lengths: keep the table small
        record_packers.clear()
    pack = record_packers[size] = struct.Struct("<x" + HEAD.format.lstrip("<") + "%ds" % size).pack_into
    return pack


def line_of(rec, frame):
    """The line of the user's file that ``frame`` (the caller of print) is at, remembered for
    its instruction offset when the frame is the user's."""
    if frame is None:
        return 0
    code = frame.f_code
    if code.co_filename != rec.user_file:
        return user_line(frame, rec.user_file)
    if code is not rec.line_code:
        rec.line_code = code
        rec.lines = {}
    line = rec.lines[frame.f_lasti] = frame.f_lineno
    return line


class Recorder(object):
    """The event file of one worker."""

    # slots: the hot path reads and writes several of these per line
    __slots__ = ("path", "user_file", "max_events", "generation", "count", "truncated", "_fd", "_mm",
                 "_pos", "_cap", "_size", "_pending", "_lock", "shared", "threads", "_side",
                 "line_code", "lines")

    def __init__(self, path, user_file, max_events):
        self.path = path
        self.user_file = user_file
        self.max_events = max_events
        self.generation = recorder_generation
        self.count = 0
        self.truncated = False
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        fds.own(self._fd)
        os.ftruncate(self._fd, _INITIAL)
        self._mm = mmap.mmap(self._fd, _INITIAL)
        self._mm[0:8] = MAGIC
        self._pos = HEADER
        self._size = _INITIAL
        self._cap = HEADER
        # The first region now, before the worker starts: its cost (the first write to a fresh
        # file takes ≈ 2 ms on these VMs) is not the worker's time or CPU.
        self._grow(HEADER)
        # per stream (or (thread, stream)): [text so far, time of first piece, line of first piece]
        self._pending = {}  # only lines still open are in it: empty is the common case
        self._lock = threading.Lock()
        self.shared = False  # set once a thread the worker started writes through it
        self.threads = 0  # threads the worker started: their output goes to sub-lanes 1, 2, …
        self._side = None  # output from below Python, recorded by the pipe reader only
        # the code object print() was last called from (the user's) and its lines by offset
        self.line_code = None
        self.lines = {}

    def _grow(self, end):
        """Before writing past ``_cap``: map more if needed, and write zeros over the next region
        with pwrite. That allocates the file's pages for a fraction of what the first store to a
        fresh page of the mapping costs (a page fault: ≈ 100 ns a line on these machines), and
        pwrite lets go of the GIL while it works."""
        global _zeros
        cap = self._cap
        new_cap = cap + _REGION
        while new_cap < end:
            new_cap += _REGION
        if new_cap > self._size:
            size = self._size
            while size < new_cap:
                size *= 2
            self._mm.resize(size)  # grows the file too
            self._size = size
        if _zeros is None:
            _zeros = bytes(_REGION)
        try:
            for offset in range(cap, new_cap, _REGION):  # nothing is written past cap yet
                os.pwrite(self._fd, _zeros, offset)
        except OSError:
            pass  # the pages fault in as they are written instead
        self._cap = new_cap

    def _record(self, kind, t, a, b, payload):
        start = self._pos + HEAD_SIZE
        end = start + len(payload)
        if end > self._cap:
            self._grow(end)
        self._mm[start:end] = payload
        _pack_head(self._mm, self._pos + 1, len(payload), t, a, b)
        self._mm[self._pos] = kind  # last: the record is there once this byte is
        self._pos = end

    def begin(self):
        live_recorders.append(self)
        self._record(KIND_BEGIN, clock_ns(), os.getpid(), _native_id(), b"")

    def end(self, cpu_ns, status):
        with self._lock:
            self.flush_pending()
            self._record(KIND_END, clock_ns(), 0, 0, json.dumps({"cpuNs": cpu_ns, "status": status}).encode())
        if self in live_recorders:
            live_recorders.remove(self)
        ended_recorders.append(self)
        del ended_recorders[:-1]

    def add_thread(self, name):
        """A thread this worker started, on that thread: its own sub-lane, numbered from 1."""
        with self._lock:
            self.shared = True
            self.threads += 1
            self._record(KIND_THREAD, clock_ns(), self.threads, _native_id(), utf8_of(str(name)))
            return self.threads

    def side(self):
        """The recorder of this worker's output from below Python (created when first needed)."""
        if self._side is None:
            self._side = Recorder(self.path + ".a", self.user_file, self.max_events)
        return self._side

    def record_line(self, t, stream, line, text, thread=0, below=0):
        if self.count >= self.max_events:
            if not self.truncated:
                self.truncated = True
                self._record(KIND_TRUNCATED, t, 0, 0, b"")
            return
        self.count += 1
        self._record(KIND_OUTPUT, t, line, stream | below << 2 | thread << 3, utf8_of(text))

    def feed(self, stream, s, below=0):
        """Text written by this worker to ``stream`` (``below``: with os.write); emits one event
        per completed line."""
        if self.shared:  # the worker's own helper threads write too: each has its own lines
            with self._lock:
                self._feed(stream, s, thread_state.thread, below)
        else:
            self._feed(stream, s, 0, below)

    def _feed(self, stream, s, thread=0, below=0):
        # a pending line: [text so far, time, line and how (below) of its first piece]
        key = stream if thread == 0 else (thread, stream)
        pending = self._pending.get(key)
        nl = s.find("\n")
        if nl < 0:
            if pending is None:
                self._pending[key] = [s, clock_ns(), user_line(sys._getframe().f_back, self.user_file), below]
            else:
                pending[0] += s
            return
        if pending is None:
            t, line, text = clock_ns(), user_line(sys._getframe().f_back, self.user_file), s[:nl]
        else:
            t, line, text, below = pending[1], pending[2], pending[0] + s[:nl], pending[3]
            del self._pending[key]
        self.record_line(t, stream, line, text, thread, below)
        start = nl + 1
        if start == len(s):
            return  # the common case: print()'s "\n"
        nl = s.find("\n", start)
        while nl >= 0:
            self.record_line(clock_ns(), stream, line, s[start:nl], thread, below)
            start = nl + 1
            nl = s.find("\n", start)
        if start < len(s):
            self._pending[key] = [s[start:], clock_ns(), line, below]

    def flush_pending(self):
        for key, pending in list(self._pending.items()):
            if pending is not None:
                del self._pending[key]
                thread, stream = key if isinstance(key, tuple) else (0, key)
                self.record_line(pending[1], stream, pending[2], pending[0], thread, pending[3])

    @property
    def closed(self):
        return self._mm.closed

    def close(self):
        # no msync (flush): the runner reads the same page-cache pages, and they outlive us;
        # forcing 16 MB to disk per worker only cost ≈ 20 ms of every run's end
        try:
            self._mm.close()
        finally:
            fds.close(self._fd)
