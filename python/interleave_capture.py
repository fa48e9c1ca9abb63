"""Route what a worker writes to its recorder (interleave_recorder), cheaply, and pass it on
unchanged: print() replaced by one call that writes and records a line, a pass-through proxy for
sys.stdout/sys.stderr (write(), partial lines, other streams) and for their .buffer,
os.write(1|2) recorded exactly (also through sys.stdout.fileno(), which is fd 1 itself), fds 1
and 2 read below Python (interleave_below), threads a worker starts attributed to it.
"""
import builtins
import contextvars
import io
import os
import sys
import threading

import interleave_fds as _fds
import interleave_recorder as _rec
from interleave_recorder import (HEAD_SIZE, KIND_OUTPUT, live_recorders, thread_state, ended_recorders, line_of, clock_ns,
                                 record_packers, make_record_packer, user_line, utf8_of)


# Per stream (1: stdout, 2: stderr): the characters our text layer holds now (roughly: threads
# race on it) and how many it may hold before it is flushed (see _pass_through). Kept here, not
# on the CapturedStream: its __getattr__ keeps CPython from specialising attribute loads on it,
# and each costs ≈ 40 ns more.
_unflushed = [0, 0, 0]
_flush_at = [sys.maxsize] * 3
# CapturedStream -> (its stream, its text layer's write): one dict lookup instead of two or three
# attribute loads on it, for the same reason
_direct = {}


class CapturedStream(io.TextIOBase):
    """Stands in for sys.stdout / sys.stderr: passes text through unchanged and records it
    for the worker running on the current thread."""

    def __init__(self, original, stream_id, flush_at=None, fileno=None):
        self._original = original
        self._stream_id = stream_id
        self._fileno = fileno
        self._buffer = None
        write = original.write
        if flush_at is None:  # not a text layer of ours: it keeps its own buffering
            write = lambda s, write=write: write(s) or len(s)
        else:
            _flush_at[stream_id] = flush_at
        _direct[self] = (stream_id, write)

    def write(self, s):
        stream, write = _direct[self]
        n = write(s)  # the original stream rejects what is not str, as it always did
        unflushed = _unflushed[stream] + n
        if unflushed > _flush_at[stream]:
            self.flush()
        else:
            _unflushed[stream] = unflushed
        rec = thread_state.recorder or _task_recorder.get()
        if rec is None or rec.generation != _rec.recorder_generation or not s:
            return n  # not a worker's; or nothing (print(…, end="")'s end): no line begins
        if rec.shared:
            rec.feed(stream, s)
            return n
        # Fast paths for what print() does — write(text), then write("\n") — inlined: a
        # Python call costs about as much as everything else an event needs.
        pending = rec._pending.get(stream)
        if pending is None:
            if "\n" not in s:
                rec._pending[stream] = [s, clock_ns(), user_line(sys._getframe().f_back, rec.user_file), 0]
                return n
        elif s == "\n":
            del rec._pending[stream]
            rec.record_line(pending[1], stream, pending[2], pending[0], 0, pending[3])
            return n
        rec._feed(stream, s)
        return n

    def flush(self):
        if _unflushed is not None:  # None: this module was torn down at exit (3.13t flushes the streams after)
            _unflushed[self._stream_id] = 0
        self._original.flush()

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        # the descriptor the stream had (fd 1 or 2), not the duplicate we write to: what is
        # written to it (os.write, a subprocess given sys.stdout) is recorded too
        if self._fileno is None:
            return self._original.fileno()
        return self._fileno

    @property
    def encoding(self):
        return getattr(self._original, "encoding", "utf-8")

    @property
    def errors(self):
        return getattr(self._original, "errors", "strict")

    @property
    def buffer(self):
        if self._buffer is None:
            self._buffer = CapturedBuffer(self._original.buffer, self._stream_id, self.fileno)
        return self._buffer

    def __getattr__(self, name):
        return getattr(self._original, name)


class CapturedBuffer(object):
    """Stands in for sys.stdout.buffer / sys.stderr.buffer: passes bytes through unchanged and
    records them as os.write does (time and line exact, marked as bypassing sys.stdout). Not an
    io class: IOBase would close the real buffer when this proxy is collected."""

    def __init__(self, original, stream_id, fileno):
        self._original = original
        self._stream_id = stream_id
        self.fileno = fileno  # the text stream's

    def write(self, b):
        n = self._original.write(b)
        if n:
            _record_bytes(self._stream_id, b, n)
        return n

    def writelines(self, lines):
        for b in lines:
            self.write(b)

    def __getattr__(self, name):
        return getattr(self._original, name)


_builtin_print = builtins.print
_getframe = sys._getframe


def _print(*args, sep=None, end=None, file=None, flush=False):
    """print(), recorded in one step: one Python call per line instead of one per write()
    (text, separators, "\\n"). Anything unusual takes the builtin print through the streams."""
    if file is None:
        file = sys.stdout
    try:
        direct = _direct.get(file)
    except TypeError:  # an unhashable file: not one of ours
        direct = None
    if direct is None or sep is not None or end is not None:
        return _builtin_print(*args, sep=sep, end=end, file=file, flush=flush)
    rec = thread_state.recorder  # cleared in a forked child: never an inherited one
    if rec is None:
        rec = _task_recorder.get()
        if rec is not None and rec.generation != _rec.recorder_generation:
            rec = None  # a task's, inherited through a fork: not this process's
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
    stream, write = direct
    unflushed = _unflushed[stream] + write(out)  # CapturedStream.write's first lines, inlined
    if unflushed > _flush_at[stream]:
        file.flush()
    else:
        _unflushed[stream] = unflushed
    if rec is None:  # not a worker's: passed on, nothing to record
        if flush:
            file.flush()
        return
    if rec.shared:  # the worker's threads write too: under the recorder's lock
        rec.feed(stream, out)
    elif rec._pending or not one_line:
        rec._feed(stream, out)  # several lines, or the end of a pending one
    else:
        try:
            frame = _getframe(1)
        except ValueError:  # called from C with no Python frame above
            frame = None
        # The caller's line: f_lineno decodes the code's line table each time; the line of an
        # instruction offset never changes, so the last code printed from keeps a table of them.
        if frame is not None and frame.f_code is rec.line_code:
            line = rec.lines.get(frame.f_lasti) or line_of(rec, frame)
        else:
            line = line_of(rec, frame)
        # Recorder.record_line and _record, inlined: this is the cost of every traced line. The
        # payload keeps the line's "\n" (the reader drops it): one string less to make.
        try:
            data = out.encode()
        except UnicodeEncodeError:
            data = utf8_of(out)
        pos = rec._pos
        size = len(data)
        end = pos + HEAD_SIZE + size
        if end > rec._cap or rec.count >= rec.max_events:
            rec.record_line(clock_ns(), stream, line, out[:-1])
        else:
            rec.count += 1
            mm = rec._mm
            # head and payload in one call (the kind byte skipped), then the kind byte: last
            pack = record_packers.get(size) or make_record_packer(size)
            pack(mm, pos, size, clock_ns(), line, stream, data)
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
    sys.stdout = CapturedStream(*_pass_through(sys.stdout, 1))
    sys.stderr = CapturedStream(*_pass_through(sys.stderr, 2))
    os.write = _write
    builtins.print = _print
    original_init = threading.Thread.__init__
    original_bootstrap = threading.Thread._bootstrap_inner

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        recorder = thread_state.recorder or _task_recorder.get()
        self._interleave_recorder = recorder
        if recorder is not None:
            # Switched here, on the worker's own thread: from now on its writes take the lock
            # too. Switched by the new thread instead, it could land while one of the worker's
            # unlocked writes is half done.
            recorder.shared = True

    def bootstrap_inner(self):
        recorder = getattr(self, "_interleave_recorder", None)
        if recorder is not None and recorder.closed:  # started after its worker's run was over
            recorder = self._interleave_recorder = None
        if recorder is not None:  # a thread the worker started: its output is the worker's
            thread_state.thread = recorder.add_thread(self.name)
            thread_state.recorder = recorder
        try:
            original_bootstrap(self)
        finally:
            if recorder is not None:
                thread_state.recorder = None
                thread_state.thread = 0

    threading.Thread.__init__ = init
    threading.Thread._bootstrap_inner = bootstrap_inner


def _start_below(whose=None):
    """Put a pipe under fds 1 and 2 whose reader records what arrives as approximate events (to
    ``whose()``'s recorder; by default the worker running now)."""
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
    _below = interleave_below.Below(_real_fds, whose or _below_recorder, clock_ns)
    atexit.register(stop_below)  # what C code writes late still reaches the user


def start_below(whose):
    """Read fds 1/2 below Python in this process (once the capture is installed), recording what
    arrives to ``whose()``'s recorder (or nowhere, when it returns None)."""
    if _installed_pid == os.getpid():
        _start_below(whose)
    return _below is not None


def stop_below(until_idle=False):
    """Give the pipes back their descriptors and wait (briefly) for what is still in them."""
    global _below
    if _below is not None and _installed_pid == os.getpid():
        _below.stop(until_idle=until_idle)
    _below = None


def restart_below():
    """A new run in this process (the next repetition): read fds 1/2 below Python again, if they
    were, with no worker to attribute late output to until one begins."""
    del _rec.ended_recorders[:]
    if _installed_pid == os.getpid() and _below is None and _real_fds:
        _start_below()


def settle_below():
    """Before a worker ends: what it wrote below Python and is in the pipes now is recorded."""
    if _below is not None and _installed_pid == os.getpid():
        _below.settle()


def _below_recorder():
    """Whose output arrived below Python: the worker running now (the first of several), else
    the one that ended last."""
    for recorder in list(live_recorders) + list(ended_recorders):
        if recorder.generation == _rec.recorder_generation:
            return recorder.side()
    return None


def _pass_through(stream, fd):
    """CapturedStream's arguments for ``stream`` (sys.stdout: fd 1, sys.stderr: 2): a text layer
    of our own with the stream's encoding, errors and buffering (a raw binary layer under
    ``python -u``, as the interpreter's), writing to the stream's descriptor (its duplicate, when
    fd ``fd`` is a pipe read below Python); how many characters it may hold before it is
    flushed; the descriptor the stream had. Its binary layer is ours too: closing it never
    closes the interpreter's."""
    try:
        fileno = stream.fileno()
        raw = isinstance(stream.buffer, io.RawIOBase)
    except (AttributeError, OSError, ValueError):  # not a file's text stream: used as it is
        return stream, fd, None, None
    stream.flush()
    binary = io.open(_real_fds.get(fd, fileno), "wb", buffering=0 if raw else -1, closefd=False)
    text = io.TextIOWrapper(binary, encoding=stream.encoding, errors=stream.errors,
                            line_buffering=stream.line_buffering,
                            write_through=getattr(stream, "write_through", False))
    # CPython before 3.12.4 (gh-119506) corrupts a TextIOWrapper that two threads write to:
    # when a write hands the text held so far on, it lets go of the GIL, and another thread's
    # text added meanwhile is overwritten but still counted — the bytes written out for it are
    # whatever memory was there. The handing on comes only from a write that would pass the
    # chunk size; out of reach, it never does, and CapturedStream flushes at the usual size
    # instead (a flush hands the text on before it lets go of the GIL).
    flush_at = text._CHUNK_SIZE
    try:
        text._CHUNK_SIZE = sys.maxsize
    except (AttributeError, ValueError, OverflowError):  # not CPython's: it keeps its own chunks
        flush_at = sys.maxsize
    return text, fd, flush_at, fileno


def _write(fd, data):
    """os.write: to the original stdout/stderr, recorded like a print (time and line exact),
    marked as written below sys.stdout/sys.stderr."""
    if fd != 1 and fd != 2:
        return _os_write(fd, data)
    n = _os_write(_real_fds.get(fd, fd), data)
    if n > 0:
        _record_bytes(fd, data, n)
    return n


def _record_bytes(stream, data, n):
    """The first ``n`` bytes of ``data``, written to ``stream`` (1|2) past sys.stdout/stderr's text
    layer, as the current worker's output: marked approximate (it bypassed sys.stdout/stderr),
    though its time and line are exact."""
    rec = thread_state.recorder or _task_recorder.get()
    if rec is not None and rec.generation == _rec.recorder_generation:
        rec.feed(stream, memoryview(data).tobytes()[:n].decode("utf-8", "replace"), below=1)


# The recorder of the asyncio task running now (tasks share a thread, not a context).
_task_recorder = contextvars.ContextVar("interleave_recorder", default=None)


def attach_task(recorder):
    """The current asyncio task (its context) runs ``recorder``'s worker."""
    _task_recorder.set(recorder)


def attach(recorder):
    """The current thread now runs ``recorder``'s worker."""
    thread_state.recorder = recorder


def detach():
    thread_state.recorder = None
