"""The program as written (interleave_script): which Python children can be followed, and the
sitecustomize every child imports first."""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))

import interleave_script as script  # noqa: E402
import interleave_script_processes as process_hooks  # noqa: E402


class BlindChildren(unittest.TestCase):
    """A Python child started with -I, -E or -S never imports our sitecustomize: said, not missed."""

    def test_flags_that_hide_the_child(self):
        for args in (["python3", "-I", "x.py"], ["/usr/bin/python3.11", "-E", "-c", "pass"],
                     ["python", "-uS", "x.py"], [sys.executable, "-u", "-I", "-m", "mod"]):
            self.assertIsNotNone(process_hooks.blind(args), args)

    def test_children_we_follow(self):
        for args in (["python3", "x.py", "-I"], ["python3", "-c", "print('-S')"], ["python3", "-u", "x.py"],
                     ["ls", "-S"], "python3 -I x.py", [], ["python3", "--", "-I"], b"python3 -I x.py",
                     __import__("pathlib").Path("/usr/bin/python3"), [b"python3", b"x.py"]):
            self.assertIsNone(process_hooks.blind(args), args)


class PopenArguments(unittest.TestCase):
    """Popen's arguments by name however they were passed: every parameter after ``args`` of this
    Python's Popen.__init__ can come by position (bufsize … pass_fds), and our hooks see it."""

    def test_each_parameter_by_position_is_found_by_name(self):
        import inspect
        import interleave_script_children as children
        names = [p.name for p in inspect.signature(subprocess.Popen.__init__).parameters.values()
                 if p.kind is p.POSITIONAL_OR_KEYWORD][2:]  # after self and args
        self.assertIn("pass_fds", names)
        for i, name in enumerate(names):
            rest = tuple("value %d" % j for j in range(i + 1))
            call = children.popen_arguments(None, ["python3"], rest, {})
            self.assertEqual(call.arguments[name], "value %d" % i, name)
        call = children.popen_arguments(None, ["python3"], (-1,), {"env": {}, "close_fds": False})
        self.assertEqual((call.arguments["env"], call.arguments["close_fds"]), ({}, False))
        self.assertIsNone(children.popen_arguments(None, ["python3"], (), {"no_such_argument": 1}))


class SiteCustomize(unittest.TestCase):
    """script_site/sitecustomize.py: runs the user's own sitecustomize, and leaves the import path
    as the program would see it without us."""

    def run_child(self, env_extra):
        with tempfile.TemporaryDirectory() as user_site:
            with open(os.path.join(user_site, "sitecustomize.py"), "w") as f:
                f.write("import builtins\nbuiltins.USER_SITE_RAN = True\n")
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([script.SITE_DIR, user_site]))
            env.pop(script.ENV_RUN, None)
            env.update(env_extra)
            code = textwrap.dedent("""
                import sys, builtins
                print(getattr(builtins, "USER_SITE_RAN", False))
                print(any(p.rstrip("/").endswith("script_site") for p in sys.path))
                print("interleave_script" in sys.modules)
            """)
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
            return out.stdout.split(), out.stderr

    def test_outside_a_traced_run_only_the_users_sitecustomize_runs(self):
        lines, err = self.run_child({})
        self.assertEqual(lines, ["True", "False", "False"], err)

    def test_a_run_folder_that_is_gone_changes_nothing(self):
        lines, err = self.run_child({"INTERLEAVE_SCRIPT_RUN": os.path.join(tempfile.gettempdir(), "no-such-run-dir")})
        self.assertEqual(lines, ["True", "False", "False"], err)


if __name__ == "__main__":
    unittest.main()


class ProgramLocks(unittest.TestCase):
    """A script run's locks: those made by any file of the program are the user's (named with
    their file when it is not the traced one), a library's are not; the watchdog orders workers
    by their keys."""

    def test_a_lock_made_by_another_file_of_the_program_is_named_with_it(self):
        with tempfile.TemporaryDirectory() as folder:
            main = os.path.join(folder, "main.py")
            with open(main, "w") as f:
                f.write("import threading\nmain_lock = threading.Lock()\n")
            with open(os.path.join(folder, "helper.py"), "w") as f:
                f.write("import threading\n\n\ncounter_lock = threading.Lock()\n")
            library = os.path.join(folder, "site-packages")
            os.mkdir(library)
            with open(os.path.join(library, "lib.py"), "w") as f:
                f.write("import threading\nlib_lock = threading.Lock()\n")
            code = textwrap.dedent("""
                import json, os, runpy, sys
                sys.path[:0] = [%(python)r, %(folder)r, %(library)r]
                import interleave_script_core as core, interleave_locks as locks
                core.setup(%(folder)r, %(main)r, 1000)
                locks.install({"file": %(main)r, "source": %(main)r, "model": "script", "dir": %(folder)r,
                               "workers": 0, "deadlockSeconds": 0})
                main = runpy.run_path(%(main)r)
                import helper, lib
                print(json.dumps([getattr(main["main_lock"], "label", None), getattr(helper.counter_lock, "label", None),
                                  getattr(lib.lib_lock, "label", None)]))
            """) % {"python": os.path.join(ROOT, "python"), "folder": folder, "library": library, "main": main}
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            labels = json.loads(out.stdout.splitlines()[-1])
        self.assertEqual(labels, ["main_lock (line 2)", "counter_lock (helper.py, line 4)", None])

    def test_the_watchdog_orders_a_script_runs_workers_by_pid_and_number(self):
        import interleave_watchdog as watchdog
        keys = ["12.ab.10", "12.ab.2", "9.cd.1"]
        self.assertEqual(sorted(keys, key=watchdog._order), ["9.cd.1", "12.ab.2", "12.ab.10"])
        self.assertEqual(sorted([3, 1], key=watchdog._order), [1, 3])
