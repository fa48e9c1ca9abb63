"""A traced script's threads (interleave_script): each ``threading.Thread`` is a worker of its
own, made in the new thread as it starts; the standard library's machinery threads (a Pool's
handlers) are sub-lanes of the worker that made them.
"""
import threading

import interleave_capture as capture
import interleave_recorder as recorder_file
from interleave_script_core import Worker, clock_ns, current, status_of

# Threads of the standard library's own machinery: their output (a Pool's callbacks) goes on a
# sub-lane of the worker that made them, not on a lane of their own.
_MACHINERY = ("multiprocessing.", "concurrent.futures.process")
_original = {}


def take_originals():
    """threading's own, before the capture makes a thread a sub-lane of its creator: here each is a worker."""
    _original.setdefault("init", threading.Thread.__init__)
    _original.setdefault("bootstrap", threading.Thread._bootstrap_inner)


def _machinery(thread):
    target = getattr(thread, "_target", None)
    module = getattr(target, "__module__", None) or type(thread).__module__ or ""
    return module.startswith(_MACHINERY)


def hook():
    original_init = _original["init"]
    original_bootstrap = _original["bootstrap"]
    original_excepthook = threading.excepthook

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self._interleave_parent = current.get()
        self._interleave_created = clock_ns()
        if isinstance(getattr(self, "_started", None), threading.Event):
            self._started = _Started(self)

    def bootstrap_inner(self):
        if getattr(self, "_interleave_ours", False):  # the pipe reader of interleave_script_below
            original_bootstrap(self)
            return
        parent = getattr(self, "_interleave_parent", None)
        if parent is not None and parent.recorder.generation != recorder_file.recorder_generation:
            parent = None
        if getattr(self, "_interleave_recorder", True) is None:  # ours (the deadlock watchdog): no lane
            original_bootstrap(self)
            return
        if _machinery(self):
            _run_as_helper(self, parent, original_bootstrap)
            return
        self._interleave_worker_of = parent and parent.key
        if not isinstance(getattr(self, "_started", None), _Started):
            _Started.begin_worker(self)  # a Python whose threads start otherwise: here, then
        try:
            original_bootstrap(self)  # its excepthook's traceback is still the worker's
        finally:
            worker = getattr(self, "_interleave_worker", None)
            if worker is not None:
                worker.end()

    def excepthook(args):
        worker = current.get()
        if worker is not None and args.thread is threading.current_thread() and args.exc_type is not SystemExit:
            worker.status = status_of(args.exc_value if args.exc_value is not None else args.exc_type())
        original_excepthook(args)

    threading.Thread.__init__ = init
    threading.Thread._bootstrap_inner = bootstrap_inner
    threading.excepthook = excepthook


class _Started(threading.Event):
    """A thread's "started" event: once the new thread has set it (its creator's start() returns),
    the thread becomes a worker, before its run() — so the creator does not wait for our event
    file (≈ 1.6 ms) and no frame of ours is in the thread's traceback."""

    def __init__(self, thread):
        threading.Event.__init__(self)
        self._thread = thread

    def set(self):
        threading.Event.set(self)
        thread, self._thread = self._thread, None
        # by ident: the thread is not in threading's table yet (current_thread() would make a dummy)
        if thread is not None and threading.get_ident() == thread.ident and hasattr(thread, "_interleave_worker_of"):
            _Started.begin_worker(thread)

    @staticmethod
    def begin_worker(thread):
        worker = Worker("thread", thread.name, thread._interleave_worker_of, getattr(thread, "_interleave_created", None))
        thread._interleave_worker = worker
        worker.begin()


def _run_as_helper(thread, parent, original_bootstrap):
    """A thread of the standard library's machinery: a sub-lane of its creator, if any."""
    if parent is None or parent.recorder.closed:
        original_bootstrap(thread)
        return
    parent.recorder.shared = True
    capture.thread_state.thread = parent.recorder.add_thread(thread.name)
    capture.thread_state.recorder = parent.recorder
    try:
        original_bootstrap(thread)
    finally:
        capture.thread_state.recorder = None
        capture.thread_state.thread = 0

