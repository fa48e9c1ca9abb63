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

    B  the worker's body starts              a: pid
    O  one line of output                    a: line (0: none), b: stream (1|2) | thread << 2
                                             (thread 0: the worker's own, n: a thread it
                                             started), payload: the text; a final "\\n" (or
                                             "\\r\\n") is not part of it
    S  a thread the worker started           a: its number, payload: its name
    E  the worker's body ended               payload: {"cpuNs": …, "status": …} JSON
    T  recording stopped at the event cap

Output written below Python (a C extension's printf, a subprocess sharing our stdout) is read
from a pipe that stands in for file descriptors 1 and 2 (see interleave_below) and recorded in
a side file ``<worker file>.a`` with the same layout: its times are when it was read.
"""
import builtins
import contextvars
import io
import json
import mmap
import os
import struct
import sys
import threading
import time

MAGIC = b"ILVTRC2\n"
HEADER = 16
HEAD = struct.Struct("<Iqii")  # after the kind byte
HEAD_SIZE = 1 + HEAD.size  # 21
KIND_OUTPUT, KIND_BEGIN, KIND_END, KIND_TRUNCATED, KIND_THREAD = 79, 66, 69, 84, 83  # O B E T S
_INITIAL = 1 << 20  # mapped at first; the file grows by doubling
_REGION = 1 << 18  # prepared ahead of the writer at a time (see Recorder._grow)
_zeros = None
_now = time.perf_counter_ns
_pack_head = HEAD.pack_into
_get_ident = threading.get_ident

# thread ident -> Recorder of the worker running on that thread
_recorders = {}
# thread ident -> sub-lane of a thread a worker started (absent: the worker's own thread)
_threads = {}
# Recorders whose body runs now (begun, not ended), and the last one that ended: output from
# below Python is attributed to them.
_active = []
_ended = []
# Bumped in a forked child: recorders inherited through a fork are not the child's to write to
# (their mapping is shared with the parent, their write position is not).
_generation = 0


def _after_fork_in_child():
    global _generation
    _generation += 1
    _recorders.clear()
    _threads.clear()
    del _active[:]
    del _ended[:]


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _utf8(text):
    try:
        return text.encode()
    except UnicodeEncodeError:  # lone surrogates
        return text.encode("utf-8", "backslashreplace")


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

    # slots: the hot path reads and writes several of these per line
    __slots__ = ("path", "user_file", "max_events", "generation", "count", "truncated", "_fd", "_mm",
                 "_pos", "_cap", "_size", "_pending", "_lock", "shared", "threads", "_side")

    def __init__(self, path, user_file, max_events):
        self.path = path
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
        self._size = _INITIAL
        self._cap = HEADER  # the first record prepares the first region
        # per stream (or (thread, stream)): [text so far, time of first piece, line of first piece]
        self._pending = {}  # only lines still open are in it: empty is the common case
        self._lock = threading.Lock()
        self.shared = False  # set once a thread the worker started writes through it
        self.threads = 0  # threads the worker started: their output goes to sub-lanes 1, 2, …
        self._side = None  # output from below Python, recorded by the pipe reader only

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
        _active.append(self)
        self._record(KIND_BEGIN, _now(), os.getpid(), 0, b"")

    def end(self, cpu_ns, status):
        with self._lock:
            self.flush_pending()
            self._record(KIND_END, _now(), 0, 0, json.dumps({"cpuNs": cpu_ns, "status": status}).encode())
        if self in _active:
            _active.remove(self)
        _ended.append(self)
        del _ended[:-1]

    def add_thread(self, name):
        """A thread this worker started: its own sub-lane, numbered from 1."""
        with self._lock:
            self.shared = True
            self.threads += 1
            self._record(KIND_THREAD, _now(), self.threads, 0, _utf8(str(name)))
            return self.threads

    def side(self):
        """The recorder of this worker's output from below Python (created when first needed)."""
        if self._side is None:
            self._side = Recorder(self.path + ".a", self.user_file, self.max_events)
        return self._side

    def _event(self, t, stream, line, text, thread=0):
        if self.count >= self.max_events:
            if not self.truncated:
                self.truncated = True
                self._record(KIND_TRUNCATED, t, 0, 0, b"")
            return
        self.count += 1
        self._record(KIND_OUTPUT, t, line, stream | thread << 2, _utf8(text))

    def feed(self, stream, s):
        """Text written by this worker to ``stream``; emits one event per completed line."""
        if self.shared:  # the worker's own helper threads write too: each has its own lines
            with self._lock:
                self._feed(stream, s, _threads.get(_get_ident(), 0))
        else:
            self._feed(stream, s)

    def _feed(self, stream, s, thread=0):
        key = stream if thread == 0 else (thread, stream)
        pending = self._pending.get(key)
        nl = s.find("\n")
        if nl < 0:
            if pending is None:
                self._pending[key] = [s, _now(), _user_line(sys._getframe().f_back, self.user_file)]
            else:
                pending[0] += s
            return
        if pending is None:
            t, line, text = _now(), _user_line(sys._getframe().f_back, self.user_file), s[:nl]
        else:
            t, line, text = pending[1], pending[2], pending[0] + s[:nl]
            del self._pending[key]
        self._event(t, stream, line, text, thread)
        start = nl + 1
        if start == len(s):
            return  # the common case: print()'s "\n"
        nl = s.find("\n", start)
        while nl >= 0:
            self._event(_now(), stream, line, s[start:nl], thread)
            start = nl + 1
            nl = s.find("\n", start)
        if start < len(s):
            self._pending[key] = [s[start:], _now(), line]

    def flush_pending(self):
        for key, pending in list(self._pending.items()):
            if pending is not None:
                del self._pending[key]
                thread, stream = key if isinstance(key, tuple) else (0, key)
                self._event(pending[1], stream, pending[2], pending[0], thread)

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
        pending = rec._pending.get(stream)
        if pending is None:
            if "\n" not in s:
                rec._pending[stream] = [s, _now(), _user_line(sys._getframe().f_back, rec.user_file)]
                return n
        elif s == "\n":
            del rec._pending[stream]
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


_builtin_print = builtins.print
_getframe = sys._getframe
_recorder_of = _recorders.get


def _print(*args, sep=None, end=None, file=None, flush=False):
    """print(), recorded in one step: one Python call per line instead of one per write()
    (text, separators, "\\n"). Anything unusual takes the builtin print through the streams."""
    if file is None:
        file = sys.stdout
    if file.__class__ is not CapturedStream or sep is not None or end is not None:
        return _builtin_print(*args, sep=sep, end=end, file=file, flush=flush)
    rec = _recorder_of(_get_ident())  # cleared in a forked child: never an inherited one
    if rec is None:
        rec = _task_recorder.get()
        if rec is None or rec.generation != _generation:
            return _builtin_print(*args, file=file, flush=flush)
    if rec.shared:
        return _builtin_print(*args, file=file, flush=flush)
    stream = file._stream_id
    n = len(args)
    if n == 1:
        text = args[0]
        out = (text if text.__class__ is str else str(text)) + "\n"
    elif n == 2:
        out = "%s %s\n" % args  # str() of each, as print does
    else:
        out = " ".join(map(str, args)) + "\n"
    file._write(out)
    if rec._pending or out.count("\n") != 1:
        rec._feed(stream, out)  # several lines, or the end of a pending one
    else:
        try:
            frame = _getframe(1)
            line = frame.f_lineno if frame.f_code.co_filename == rec.user_file else _user_line(frame, rec.user_file)
        except ValueError:  # called from C with no Python frame above
            line = 0
        # Recorder._event and _record, inlined: this is the cost of every traced line. The
        # payload keeps the line's "\n" (the reader drops it): one string less to make.
        try:
            data = out.encode()
        except UnicodeEncodeError:
            data = _utf8(out)
        pos = rec._pos
        size = len(data)
        start = pos + HEAD_SIZE
        end = start + size
        if end > rec._cap or rec.count >= rec.max_events:
            rec._event(_now(), stream, line, out[:-1])
        else:
            rec.count += 1
            mm = rec._mm
            mm[start:end] = data
            _pack_head(mm, pos + 1, size, _now(), line, stream)
            mm[pos] = KIND_OUTPUT
            rec._pos = end
    if flush:
        file.flush()


# The process that installed the capture (a forked child must start its own pipe reader), the
# original stdout/stderr descriptors (fd -> a duplicate), and the pipe reader of this process.
_installed_pid = None
_real_fds = {}
_below = None
_os_write = os.write


def install(below=True):
    """Route sys.stdout/sys.stderr through the recorders and (``below``) fds 1/2 through a pipe
    reader; threads a worker starts inherit its recorder. Once per process (again in a forked
    child)."""
    global _installed_pid
    first = _installed_pid is None
    if _installed_pid == os.getpid():
        return
    _installed_pid = os.getpid()
    if below:
        _start_below()
    if not first:
        return  # a forked child: streams and patches came along with the fork
    sys.stdout = CapturedStream(_on_real_fd(sys.stdout, 1), 1)
    sys.stderr = CapturedStream(_on_real_fd(sys.stderr, 2), 2)
    os.write = _write
    builtins.print = _print
    original_init = threading.Thread.__init__
    original_bootstrap = threading.Thread._bootstrap_inner

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self._interleave_recorder = _recorders.get(_get_ident()) or _task_recorder.get()

    def bootstrap_inner(self):
        recorder = getattr(self, "_interleave_recorder", None)
        if recorder is not None:  # a thread the worker started: its output is the worker's
            _threads[_get_ident()] = recorder.add_thread(self.name)
            _recorders[_get_ident()] = recorder
        try:
            original_bootstrap(self)
        finally:
            if recorder is not None:
                _recorders.pop(_get_ident(), None)
                _threads.pop(_get_ident(), None)

    threading.Thread.__init__ = init
    threading.Thread._bootstrap_inner = bootstrap_inner


def _start_below():
    """Put a pipe under fds 1 and 2 whose reader records what arrives as approximate events."""
    global _below
    _below = None
    if sys.platform == "win32":
        return
    try:
        for fd in (1, 2):
            if fd not in _real_fds:
                _real_fds[fd] = os.dup(fd)
    except OSError:  # no stdout/stderr at all: nothing to read below Python
        return
    import atexit
    import interleave_below
    _below = interleave_below.Below(_real_fds, _below_recorder, _now)
    atexit.register(stop_below)  # what C code writes late still reaches the user


def stop_below():
    """Give the pipes back their descriptors and wait (briefly) for what is still in them."""
    global _below
    if _below is not None and _installed_pid == os.getpid():
        _below.stop()
    _below = None


def settle_below():
    """Before a worker ends: what it wrote below Python and is in the pipes now is recorded."""
    if _below is not None and _installed_pid == os.getpid():
        _below.settle()


def _below_recorder():
    """Whose output arrived below Python: the worker running now (the first of several), else
    the one that ended last."""
    for recorder in list(_active) + list(_ended):
        if recorder.generation == _generation:
            return recorder.side()
    return None


def _on_real_fd(stream, fd):
    """``stream`` again, writing to the original descriptor rather than to fd ``fd``."""
    if fd not in _real_fds or not hasattr(stream, "buffer"):
        return stream
    stream.flush()
    return io.TextIOWrapper(io.open(_real_fds[fd], "wb", closefd=False), encoding=stream.encoding,
                            errors=stream.errors, line_buffering=stream.line_buffering,
                            write_through=getattr(stream, "write_through", False))


def _write(fd, data):
    """os.write: to the original stdout/stderr, recorded exactly like a print."""
    if fd != 1 and fd != 2:
        return _os_write(fd, data)
    n = _os_write(_real_fds.get(fd, fd), data)
    rec = _recorders.get(_get_ident()) or _task_recorder.get()
    if rec is not None and rec.generation == _generation and n > 0:
        rec.feed(fd, memoryview(data)[:n].tobytes().decode("utf-8", "replace"))
    return n


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
