"""A script's deadlock across its processes (interleave_script_watch): the program is stuck only when
every live process of it says it is blocked, with the same waits, for the limit, on two looks."""
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "python"))

import interleave_lock_state as shared  # noqa: E402
import interleave_script_watch as watch  # noqa: E402

LIMIT = 1000
ME = os.getpid()


def blocked(since=0, sig=None):
    """analyse()'s shape for this process: blocked since ``since``, in a wait another process can end."""
    return {"blocked": True, "shared": True, "since": since, "sig": sig or [[1, since]],
            "entries": [{"worker": "%d.x.1" % ME, "thread": 0, "words": "MainThread waits for b (line 3)"}],
            "stacks": {"%d.x.1" % ME: "  File ...\n"}}


class ProgramWatch(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.saved = (shared.state.dir, watch._processes)
        shared.state.dir = self.dir
        watch._said.clear()
        watch._candidate.clear()
        self.live = {ME, 4242}
        watch._processes = lambda said: set(self.live)

    def tearDown(self):
        shared.state.dir, watch._processes = self.saved
        shutil.rmtree(self.dir)

    def other(self, state="blocked", since=0, t=0, sig=None, pid=4242):
        word = {"state": state, "pid": pid, "since": since, "t": t, "sig": sig or [[2, since]],
                "entries": [{"worker": "%d.y.1" % pid, "thread": 0, "words": "Process-1 holds b (line 3) and waits for a (line 2)"}],
                "stacks": {"%d.y.1" % pid: ""}}
        with open(os.path.join(self.dir, "p%d.wait" % pid), "w") as f:
            json.dump(word, f)

    def test_every_process_blocked_on_two_looks_is_the_program_deadlocked_decided_once(self):
        self.other(t=5000)
        self.assertIsNone(watch.look(blocked(), 5000, LIMIT), "the first look only notes it")
        self.other(t=5050)
        found = watch.look(blocked(), 5060, LIMIT)
        self.assertEqual(found["pids"], [4242], "the others, to be ended")
        self.assertEqual(len(found["entries"]), 2, "both processes' words")
        self.assertTrue(os.path.exists(os.path.join(self.dir, "deadlock.claim")))
        watch._candidate.update(since=0)
        self.assertIsNone(watch.look(blocked(), 5100, LIMIT), "decided already: not again")

    def test_a_live_process_that_says_nothing_or_runs_keeps_the_program_alive(self):
        self.live.add(4343)  # a C program, or a Python child that has not looked yet
        self.other(t=5000)
        for now in (5000, 5050, 5100):
            self.assertIsNone(watch.look(blocked(), now, LIMIT))
        self.live.discard(4343)
        self.other(state="running", t=5150)
        for now in (5150, 5200):
            self.assertIsNone(watch.look(blocked(), now, LIMIT))

    def test_multiprocessing_machinery_and_processes_gone_do_not_count(self):
        self.live.add(4444)
        self.other(state="machinery", pid=4444)
        self.other(t=5000)
        self.other(pid=4545, state="running")  # ended: not live
        self.assertIsNone(watch.look(blocked(), 5000, LIMIT))
        self.other(t=5050)
        self.assertIsNotNone(watch.look(blocked(), 5060, LIMIT))

    def test_not_before_the_limit_and_not_when_a_process_moved_between_the_looks(self):
        self.other(since=4500, t=5000)
        self.assertIsNone(watch.look(blocked(), 5000, LIMIT), "blocked for 500 of 1000")
        self.other(since=4500, t=5600)
        self.assertIsNone(watch.look(blocked(), 5600, LIMIT), "the first look past the limit")
        self.other(since=5650, t=5700, sig=[[2, 5650]])  # it ran and blocked again
        self.assertIsNone(watch.look(blocked(), 6700, LIMIT), "its new wait is not the one seen")
        self.other(since=5650, t=6690, sig=[[2, 5650]])
        self.assertIsNone(watch.look(blocked(), 6710, LIMIT), "a word written before the first look is stale")
        self.other(since=5650, t=6760, sig=[[2, 5650]])
        self.assertIsNotNone(watch.look(blocked(), 6770, LIMIT))

    def test_a_process_blocked_on_its_own_decides_alone_and_says_so(self):
        alone = dict(blocked(), shared=False)
        self.assertIs(watch.look(alone, 5000, LIMIT), alone)
        with open(os.path.join(self.dir, "p%d.wait" % ME)) as f:
            self.assertEqual(json.load(f)["state"], "alone")


@unittest.skipUnless(os.path.isdir("/proc/self"), "the program's processes are found through /proc")
class ProgramProcesses(unittest.TestCase):
    def test_the_main_process_and_its_descendants_that_live(self):
        import subprocess
        from interleave_script_core import settings
        saved = settings.get("mainPid")
        settings["mainPid"] = ME
        child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys; subprocess.run([sys.executable, '-c', 'import time; time.sleep(30)'])"],
                                 start_new_session=True)  # its group ended at once below, grandchild too
        try:
            for _ in range(200):  # its own child, once started
                found = watch._processes(set())
                if len(found) >= 3:
                    break
                import time
                time.sleep(0.01)
            self.assertIn(ME, found)
            self.assertIn(child.pid, found)
            self.assertEqual(len(found - {ME, child.pid}), 1, "the grandchild: %s" % found)
        finally:
            import signal
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            settings["mainPid"] = saved
        self.assertNotIn(child.pid, watch._processes(set()), "ended and reaped")


if __name__ == "__main__":
    unittest.main()
