"""A traced script's asyncio tasks (interleave_script): each task of the program is a worker of its
own, its recorder in the task's context; asyncio.to_thread's function writes on its pool thread's lane.
"""
import sys

import interleave_capture as capture
import interleave_recorder as recorder_file
from interleave_script_core import Worker, clock_ns, current, status_of, thread_worker


def hook():
    for name, patch in (("asyncio.tasks", _patch_tasks), ("asyncio.threads", _patch_to_thread)):
        if name in sys.modules:
            patch(sys.modules[name])
        else:
            sys.meta_path.insert(0, _AfterImport(name, patch))


def _patch_to_thread(threads):
    """asyncio.to_thread runs the function in a pool thread but in a copy of the calling task's
    context, where the worker is the task: there its lines are the pool thread's, who wrote them."""
    to_thread = getattr(threads, "to_thread", None)
    if to_thread is None:
        return

    async def traced_to_thread(func, *args, **kwargs):
        def in_its_own_lane(*a, **k):
            own = thread_worker.worker
            if own is not None:
                current.set(own)
                capture.attach_task(own.recorder)
            return func(*a, **k)
        return await to_thread(in_its_own_lane, *args, **kwargs)

    traced_to_thread.__name__ = traced_to_thread.__qualname__ = "to_thread"
    traced_to_thread.__doc__ = to_thread.__doc__
    threads.to_thread = traced_to_thread


class _AfterImport(object):
    """Patches a module right after it is executed, before anyone imports names from it."""

    def __init__(self, name, patch):
        self.name = name
        self.patch = patch

    def find_spec(self, name, path, target=None):
        if name != self.name:
            return None
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module
        patch = self.patch

        def patched(module):
            exec_module(module)
            patch(module)
        spec.loader.exec_module = patched
        return spec


def _patch_tasks(tasks):
    from asyncio.coroutines import iscoroutine
    base = tasks.Task

    class Task(base):
        def __init__(self, coro, *args, **kwargs):
            if iscoroutine(coro) and not _asyncio_own(coro):
                coro = _task_body(coro, current.get(), clock_ns())
            base.__init__(self, coro, *args, **kwargs)

    Task.__name__ = Task.__qualname__ = "Task"
    Task.__module__ = base.__module__
    tasks.Task = Task


def _asyncio_own(coro):
    """A coroutine of asyncio's machinery (asyncio.run's shutdown_asyncgens, …): not a task of the
    program's; what it prints is its creator's."""
    frame = getattr(coro, "cr_frame", None)
    return frame is not None and frame.f_globals.get("__name__", "").startswith("asyncio.")


async def _task_body(coro, parent, created):
    """A task's coroutine as a worker: its recorder in the task's own context."""
    import asyncio
    task = asyncio.current_task()
    name = task.get_name() if task is not None else "Task"
    qualname = getattr(coro, "__qualname__", None)
    if qualname:
        name = "%s %s()" % (name, qualname)
    key = parent.key if parent is not None and parent.recorder.generation == recorder_file.recorder_generation else None
    worker = Worker("task", name, key, created)
    # its context can reach another thread (asyncio.to_thread runs the function in a copy of it):
    # the recorder's writes then take its lock, as for a worker whose threads write to it
    worker.recorder.shared = True
    worker.begin()
    try:
        return await coro
    except BaseException as e:
        worker.status = status_of(e) if not isinstance(e, asyncio.CancelledError) else {
            "status": "error", "error": {"type": "CancelledError", "message": "cancelled", "traceback": ""}}
        raise
    finally:
        worker.end(cpu=False)  # tasks share a thread: their own CPU time is not known

