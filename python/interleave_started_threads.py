"""The threads a worker started: its lines are the worker's (interleave_capture tags each such
thread with the worker's recorder when it starts), so the worker waits for the non-daemon ones as
Python waits for them before it exits, and its recorder stays open while any of them still writes.
"""
import threading


def _carrying(recorder):
    """The live threads (started, not yet ended) whose output goes to ``recorder``: those its
    worker started, and those they started."""
    return [t for t in threading.enumerate() if getattr(t, "_interleave_recorder", None) is recorder]


def _lives_with_an_executor(thread):
    """A thread of a concurrent.futures executor (a pool thread, a process pool's manager) lives as
    long as its executor, not as long as a call: Python's own exit stops those through
    threading._register_atexit before it joins the rest, so a worker does not wait for them."""
    target = getattr(thread, "_target", None)
    module = getattr(target, "__module__", None) or type(thread).__module__ or ""
    return module.startswith("concurrent.futures")


def _to_wait_for(recorder):
    me = threading.current_thread()
    return [t for t in _carrying(recorder)
            if not t.daemon and t is not me and not _lives_with_an_executor(t)]


def join_started_threads(recorder):
    """Wait, as Python does before it exits, for the non-daemon threads ``recorder``'s worker
    started (and the threads those started): the worker ends when they have."""
    waiting = _to_wait_for(recorder)
    while waiting:
        for thread in waiting:
            thread.join()
        waiting = _to_wait_for(recorder)


async def join_started_threads_async(recorder):
    """join_started_threads for an asyncio task: the other tasks go on meanwhile."""
    import asyncio
    while _to_wait_for(recorder):
        await asyncio.sleep(0.001)


def release(recorder):
    """Close ``recorder`` unless a thread still writes to it (a daemon thread its worker started:
    Python does not wait for those). That one keeps recording into the mapping, which outlives
    our handle on it and is unmapped when the process exits; a thread started after the close
    is not recorded (see interleave_capture's bootstrap_inner)."""
    if not _carrying(recorder):
        recorder.close()
