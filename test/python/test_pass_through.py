"""The user's output as we pass it on: as buffered as Python itself would have it."""
import os
import select
import subprocess
import sys
import textwrap
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@unittest.skipIf(sys.platform == "win32", "select() on pipes")
class PassThroughTest(unittest.TestCase):
    def test_unbuffered_python_passes_each_line_on_at_once(self):
        # python -u (PYTHONUNBUFFERED): a line is in the pipe as soon as it is printed, while the
        # program goes on (here: waits for its stdin), as without us
        script = textwrap.dedent("""
            import sys
            sys.path.insert(0, %r)
            import interleave_capture as c
            c.install()
            print("first")
            sys.stdin.readline()
            print("second")
            """ % os.path.join(ROOT, "python"))
        child = subprocess.Popen([sys.executable, "-u", "-c", script], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE)
        try:
            ready, _, _ = select.select([child.stdout], [], [], 30)
            self.assertTrue(ready, "nothing reached the pipe while the program waited")
            self.assertEqual(child.stdout.readline(), b"first\n")
            child.stdin.write(b"\n")
            child.stdin.close()
            self.assertEqual(child.stdout.read(), b"second\n")
        finally:
            child.kill()
            child.wait()
            child.stdout.close()


if __name__ == "__main__":
    unittest.main()
