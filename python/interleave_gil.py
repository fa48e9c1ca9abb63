"""The GIL of a free-threaded CPython (3.13t+): is it on, and if it is on where it was asked off, why.

A free-threaded build runs without the GIL unless ``-X gil=1`` / ``PYTHON_GIL=1`` turns it on, or
an extension module that does not declare itself free-threading-safe is imported: CPython then
turns the GIL on for the rest of the process, with only a RuntimeWarning. The runner starts the
harness with ``-X gil=1`` for a "GIL on" run and with nothing (the build's default) for the
others, so that such a module shows what it does to the user's function.
"""
import os
import sys


def free_threaded():
    """Whether this interpreter is a free-threaded build (whatever the GIL's state now)."""
    if not hasattr(sys, "_is_gil_enabled"):  # before 3.13 there is none (and no sysconfig to import)
        return False
    import sysconfig
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def enabled():
    """The GIL's state now (always True on a build that has one)."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else bool(is_enabled())


class GilWatch(object):
    """Taken before the user's module is imported; ``record`` says what the import did."""

    def __init__(self, asked):
        # asked: True (-X gil=1), False or None (the build's default: off)
        self.asked = asked
        self.active = free_threaded()
        self.at_start = enabled() if self.active else True
        self.modules = set(sys.modules) if self.active else set()

    def record(self, file):
        """The control record for the run (None on a build with a GIL: nothing to say)."""
        if not self.active:
            return None
        now = enabled()
        record = {"type": "gil", "enabled": now}
        if now and self.asked is not True:
            record["note"] = self._why(file)
        return record

    def _why(self, file):
        if self.at_start:
            if os.environ.get("PYTHON_GIL") == "1":
                return "the GIL was on: PYTHON_GIL=1 in the environment turned it on; unset it to run without the GIL"
            return "the GIL was on from the start (-X gil=1 or PYTHON_GIL); run without them to see the free-threaded run"
        named = self._new_extensions()
        which = " (%s)" % ", ".join(named) if named else ""
        return ("the GIL was turned back on while %s was imported: an extension module%s does not declare "
                "itself free-threading-safe; PYTHON_GIL=0 keeps it off at your own risk"
                % (os.path.basename(file), which))

    def _new_extensions(self):
        """The extension modules the import loaded from outside the standard library (its own
        are free-threading-safe on a free-threaded build): the likely culprits, at most three."""
        import sysconfig
        from importlib.machinery import EXTENSION_SUFFIXES
        stdlib = tuple(os.path.join(sysconfig.get_paths()[k], "") for k in ("stdlib", "platstdlib"))
        found = []
        for name in sorted(set(sys.modules) - self.modules):
            path = getattr(sys.modules.get(name), "__file__", None) or ""
            if path.endswith(tuple(EXTENSION_SUFFIXES)) and not os.path.abspath(path).startswith(stdlib):
                found.append(name)
        return found[:3]
