"""multiprocessing's Lock, RLock, Semaphore and BoundedSemaphore, when the user's file makes
them, as subclasses that record contended acquires like interleave_lock_wrappers' (their owner is
the thread of the process that holds them). ``install`` patches multiprocessing in when the user's
code imports it; importing this module imports no multiprocessing.
"""
import sys

from interleave_lock_state import owned, state, user_label
from interleave_lock_waits import begin, end, released
from interleave_lock_wrappers import owner


def _mp_classes():
    """Our subclasses of multiprocessing's SemLock types, made once (importing multiprocessing
    costs a thread-model run for nothing until then)."""
    if "_MpLock" in globals():
        return {name: globals()["_Mp" + name] for name in _MP_NAMES}
    from multiprocessing import synchronize

    class MpWaits(object):
        _ilv = None
        owner = None
        hold = None
        depth = 0

        def _make_methods(self):
            pass  # SemLock binds acquire/release to the C lock per instance: ours are the methods

        def acquire(self, block=True, timeout=None):
            if self._semlock.acquire(False):
                self.owner = owner()
                self.depth += 1
                return True
            if not block or self._ilv is None:
                return self._semlock.acquire(block, timeout) and self._took(None)
            wait = begin(self._ilv, self._kind, "waits for %s", timeout is not None)
            ok = False
            try:
                ok = self._semlock.acquire(True, timeout)
            finally:
                hold = end(wait, ok)
            return ok and self._took(hold)

        def _took(self, hold):
            self.owner = owner()
            self.depth += 1
            if hold is not None:
                self.hold = hold
            return True

        def release(self):
            if self.depth <= 1:
                self.owner, self.depth = None, 0
                if self.hold is not None:
                    hold, self.hold = self.hold, None
                    released(hold)
            else:
                self.depth -= 1
            self._semlock.release()

        def __enter__(self):
            return self.acquire()

        def __exit__(self, t, v, tb):
            self.release()

    made = {}
    for name in _MP_NAMES:
        base = getattr(synchronize, name)
        made[name] = type(name, (MpWaits, base), {"_kind": "multiprocessing." + name,
                                                   "__module__": __name__, "__qualname__": "_Mp" + name})
        globals()["_Mp" + name] = made[name]  # picklable by name (a spawn child imports us)
    return made


_MP_NAMES = ("Lock", "RLock", "Semaphore", "BoundedSemaphore")


def __getattr__(name):
    """_MpLock & co. on demand: a spawn child unpickling one of the user's locks imports this
    module by name before anything is installed there."""
    if name.startswith("_Mp") and name[3:] in _MP_NAMES:
        return _mp_classes()[name[3:]]
    raise AttributeError(name)


def patch_context(context):
    """multiprocessing's contexts make the user's Lock/RLock/Semaphore/BoundedSemaphore ours."""
    try:
        _patch_context(context)
    except Exception:  # no working multiprocessing here (no sem_open): threading is covered
        pass


def _patch_context(context):
    originals = {name: getattr(context.BaseContext, name) for name in _MP_NAMES}

    def factory(name):
        original = originals[name]

        def make(self, *args, **kwargs):
            frame = sys._getframe(1)
            if frame.f_code.co_filename != state.user_file:
                return original(self, *args, **kwargs)  # multiprocessing's own (a Queue's lock)
            lock = _mp_classes()[name](*args, ctx=self.get_context(), **kwargs)
            lock._ilv = lock.label = user_label(lock, name, frame)
            owned.add(lock)
            return lock
        make.__name__ = name
        return make

    for name in _MP_NAMES:
        setattr(context.BaseContext, name, factory(name))
    package = sys.modules.get("multiprocessing")
    if package is not None and hasattr(package, "Lock"):  # bound when it was imported: again
        for name in _MP_NAMES:
            setattr(package, name, getattr(context._default_context, name))


class _PatchOnImport(object):
    """Patches multiprocessing when the user's code first imports it: importing it here would
    cost every run of a thread model ≈ 16 ms."""

    def find_spec(self, name, path=None, target=None):
        if name != "multiprocessing.context":
            return None
        sys.meta_path.remove(self)
        import importlib.util
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            patch_context(module)
        spec.loader.exec_module = exec_module
        return spec


def install():
    """Patches multiprocessing now if the user's code has imported it already, else when it does."""
    context = sys.modules.get("multiprocessing.context")
    if context is not None:
        patch_context(context)
    else:
        sys.meta_path.insert(0, _PatchOnImport())
