"""Route what a worker writes to its recorder (interleave_recorder), cheaply, and pass it on
unchanged: print() replaced by one call that writes and records a line, a pass-through proxy for
sys.stdout/sys.stderr (write(), partial lines, other streams), os.write(1|2) recorded exactly,
fds 1 and 2 read below Python (interleave_below), threads a worker starts attributed to it.
"""
import builtins
import contextvars
import io
import os
import sys
import threading

import interleave_fds as _fds
import interleave_recorder as _rec
from interleave_recorder import (HEAD, HEAD_SIZE, HEADER, KIND_OUTPUT, MAGIC, Recorder,  # noqa: F401
                                 _active, _current, _ended, _line_of, _now, _pack_record,
                                 _record_packer, _user_line, _utf8)


class CapturedStream(io.TextIOBase):
    """Stands in for sys.stdout / sys.stderr: passes text through unchanged and records it
    for the worker running on the current thread."""

    def __init__(self, original, stream_id):
        self._original = original
        self._write = original.write
        self._stream_id = stream_id

    def write(self, s):
        n = self._write(s)  # the original stream rejects what is not str, as it always did
        rec = _current.recorder or _task_recorder.get()
        if rec is None or rec.generation != _rec._generation:
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
                rec._pending[stream] = [s, _now(), _user_line(sys._getframe().f_back, rec.user_file), 0]
                return n
        elif s == "\n":
            del rec._pending[stream]
            rec._event(pending[1], stream, pending[2], pending[0], 0, pending[3])
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


def _print(*args, sep=None, end=None, file=None, flush=False):
    """print(), recorded in one step: one Python call per line instead of one per write()
    (text, separators, "\\n"). Anything unusual takes the builtin print through the streams."""
    if file is None:
        file = sys.stdout
    if file.__class__ is not CapturedStream or sep is not None or end is not None:
        return _builtin_print(*args, sep=sep, end=end, file=file, flush=flush)
    rec = _current.recorder  # cleared in a forked child: never an inherited one
    if rec is None:
        rec = _task_recorder.get()
        if rec is None or rec.generation != _rec._generation:  # not a worker's: nothing to record
            return _builtin_print(*args, file=file._original, flush=flush)
    if rec.shared:
        return _builtin_print(*args, file=file, flush=flush)
    n = len(args)
    if n == 1:
        text = args[0]
        if text.__class__ is not str:
            text = str(text)
        out = text + "\n"
        one_line = "\n" not in text
    else:
        text = "%s %s" % args if n == 2 else " ".join(map(str, args))  # str() of each, as print does
        out = text + "\n"
        one_line = "\n" not in text  # an operator, not a method call: half the cost
    file._write(out)
    if rec._pending or not one_line:
        rec._feed(file._stream_id, out)  # several lines, or the end of a pending one
    else:
        try:
            frame = _getframe(1)
        except ValueError:  # called from C with no Python frame above
            frame = None
        # The caller's line: f_lineno decodes the code's line table each time; the line of an
        # instruction offset never changes, so the last code printed from keeps a table of them.
        if frame is not None and frame.f_code is rec.line_code:
            line = rec.lines.get(frame.f_lasti) or _line_of(rec, frame)
        else:
            line = _line_of(rec, frame)
        # Recorder._event and _record, inlined: this is the cost of every traced line. The
        # payload keeps the line's "\n" (the reader drops it): one string less to make.
        try:
            data = out.encode()
        except UnicodeEncodeError:
            data = _utf8(out)
        pos = rec._pos
        size = len(data)
        end = pos + HEAD_SIZE + size
        if end > rec._cap or rec.count >= rec.max_events:
            rec._event(_now(), file._stream_id, line, out[:-1])
        else:
            rec.count += 1
            mm = rec._mm
            # head and payload in one call (the kind byte skipped), then the kind byte: last
            pack = _pack_record.get(size) or _record_packer(size)
            pack(mm, pos, size, _now(), line, file._stream_id, data)
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


def install(below=True, run_dir=None):
    """Route sys.stdout/sys.stderr through the recorders and (``below``) fds 1/2 through a pipe
    reader; threads a worker starts inherit its recorder; our descriptors (and those of files
    in ``run_dir``) survive the user's os.closerange. Once per process (again in a forked
    child)."""
    global _installed_pid
    first = _installed_pid is None
    if _installed_pid == os.getpid():
        return
    _installed_pid = os.getpid()
    _fds.protect(run_dir)  # the user's closerange(3, …) must not close our files and pipes
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
        recorder = _current.recorder or _task_recorder.get()
        self._interleave_recorder = recorder
        if recorder is not None:
            # Switched here, on the worker's own thread: from now on its writes take the lock
            # too. Switched by the new thread instead, it could land while one of the worker's
            # unlocked writes is half done.
            recorder.shared = True

    def bootstrap_inner(self):
        recorder = getattr(self, "_interleave_recorder", None)
        if recorder is not None:  # a thread the worker started: its output is the worker's
            _current.thread = recorder.add_thread(self.name)
            _current.recorder = recorder
        try:
            original_bootstrap(self)
        finally:
            if recorder is not None:
                _current.recorder = None
                _current.thread = 0

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
                _fds.own(_real_fds[fd])
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
        if recorder.generation == _rec._generation:
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
    """os.write: to the original stdout/stderr, recorded like a print (time and line exact),
    marked as written below sys.stdout/sys.stderr."""
    if fd != 1 and fd != 2:
        return _os_write(fd, data)
    n = _os_write(_real_fds.get(fd, fd), data)
    rec = _current.recorder or _task_recorder.get()
    if rec is not None and rec.generation == _rec._generation and n > 0:
        # marked approximate (it bypassed sys.stdout/stderr), though its time and line are exact
        rec.feed(fd, memoryview(data)[:n].tobytes().decode("utf-8", "replace"), below=1)
    return n


# The recorder of the asyncio task running now (tasks share a thread, not a context).
_task_recorder = contextvars.ContextVar("interleave_recorder", default=None)


def attach_task(recorder):
    """The current asyncio task (its context) runs ``recorder``'s worker."""
    _task_recorder.set(recorder)


def attach(recorder):
    """The current thread now runs ``recorder``'s worker."""
    _current.recorder = recorder


def detach():
    _current.recorder = None
