"""The GIL facts of a free-threaded build (interleave_gil): what the harness says about the GIL
after the user's import, and why it is on where it was not asked to be. The free-threaded build
itself is exercised by the engine tests; here the reasons are checked on any Python."""
import os
import sys
import types
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "python"))

import interleave_gil as gil  # noqa: E402


class GilWatchTest(unittest.TestCase):
    def setUp(self):
        self._enabled = gil.enabled
        self._env = os.environ.get("PYTHON_GIL")

    def tearDown(self):
        gil.enabled = self._enabled
        if self._env is None:
            os.environ.pop("PYTHON_GIL", None)
        else:
            os.environ["PYTHON_GIL"] = self._env
        sys.modules.pop("fake_not_free_threaded", None)

    def watch(self, asked, at_start):
        """A watch as on a free-threaded build whose GIL was ``at_start`` before the import."""
        w = gil.GilWatch(asked)
        w.active = True
        w.at_start = at_start
        w.modules = set(sys.modules)
        return w

    def test_a_build_with_a_gil_says_nothing(self):
        if gil.free_threaded():
            self.skipTest("this Python is free-threaded")
        self.assertIsNone(gil.GilWatch(None).record("user.py"))

    def test_off_as_asked_has_no_note(self):
        w = self.watch(False, at_start=False)
        gil.enabled = lambda: False
        self.assertEqual(w.record("user.py"), {"type": "gil", "enabled": False})

    def test_on_as_asked_has_no_note(self):
        w = self.watch(True, at_start=True)
        gil.enabled = lambda: True
        self.assertEqual(w.record("user.py"), {"type": "gil", "enabled": True})

    def test_python_gil_in_the_environment_is_named(self):
        os.environ["PYTHON_GIL"] = "1"
        w = self.watch(False, at_start=True)
        gil.enabled = lambda: True
        record = w.record("user.py")
        self.assertTrue(record["enabled"])
        self.assertIn("PYTHON_GIL=1 in the environment", record["note"])

    def test_an_extension_that_turned_the_gil_on_is_named(self):
        os.environ.pop("PYTHON_GIL", None)
        w = self.watch(None, at_start=False)
        from importlib.machinery import EXTENSION_SUFFIXES
        module = types.ModuleType("fake_not_free_threaded")
        module.__file__ = "/somewhere/fake_not_free_threaded" + EXTENSION_SUFFIXES[0]
        sys.modules["fake_not_free_threaded"] = module
        gil.enabled = lambda: True
        note = w.record("/home/u/uses_ext.py")["note"]
        self.assertIn("turned back on while uses_ext.py was imported", note)
        self.assertIn("(fake_not_free_threaded)", note)

    def test_the_standard_librarys_own_extensions_are_not_blamed(self):
        import sysconfig
        from importlib.machinery import EXTENSION_SUFFIXES
        w = self.watch(None, at_start=False)
        module = types.ModuleType("fake_not_free_threaded")
        module.__file__ = os.path.join(sysconfig.get_paths()["platstdlib"], "lib-dynload", "_fake" + EXTENSION_SUFFIXES[0])
        sys.modules["fake_not_free_threaded"] = module
        gil.enabled = lambda: True
        note = w.record("user.py")["note"]
        self.assertIn("an extension module does not declare", note)
        self.assertNotIn("fake_not_free_threaded", note)


if __name__ == "__main__":
    unittest.main()
