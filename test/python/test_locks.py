"""Locks, exactly (interleave_locks): names, records, what is and is not the user's, and that the
wrapped objects still behave as the standard library's. Each test runs in a fresh Python (installing
patches threading for the rest of a process): a user file made here, loaded as the harness does."""
import json
import os
import subprocess
import sys
import textwrap
import unittest

from test_harness import ROOT, TempDir, read_records

PYTHON_DIR = os.path.join(ROOT, "python")

# Loads USER (a file of the test's) as the harness does, after installing, then runs PROBE.
PRELUDE = """
import json, os, sys, threading
sys.path.insert(0, %(python)r)
import interleave_capture as capture
import interleave_locks as locks
import interleave_loader as loader
user = %(user)r
locks.install({"file": user, "source": user, "model": "thread", "dir": %(dir)r, "workers": 2,
               "deadlockSeconds": 0})
module, _ = loader.load_module(user, user)
out = {}
"""


class LocksTest(TempDir):
    def run_probe(self, user_source, probe):
        """Runs ``probe`` (Python, with ``module`` loaded from ``user_source``) in a fresh Python;
        returns its ``out`` dict."""
        user = os.path.join(self.dir, "user_locks.py")
        with open(user, "w") as f:
            f.write(textwrap.dedent(user_source))
        script = PRELUDE % {"python": PYTHON_DIR, "user": user, "dir": self.dir} + textwrap.dedent(probe) + \
            "\nsys.stdout.write(json.dumps(out))\n"
        r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_importing_patches_nothing(self):
        r = subprocess.run([sys.executable, "-c", "import sys, threading, queue; lock, q = threading.Lock, queue.Queue\n"
                            "sys.path.insert(0, %r); import interleave_locks\n"
                            "print(threading.Lock is lock and queue.Queue is q)" % PYTHON_DIR],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.stdout.strip(), "True", r.stderr)

    def test_names_are_what_the_creating_line_assigns(self):
        out = self.run_probe('''
            import threading
            import queue

            counter_lock = threading.Lock()
            a, b = threading.Lock(), threading.RLock()
            locks = [threading.Lock(), threading.Lock()]
            by_name = {"left": threading.Lock()}
            typed: threading.Event = threading.Event()
            threading.Semaphore(2)
            spread = (
                threading.Lock()
            )


            class Account(object):
                def __init__(self):
                    self.lock = threading.Lock()


            class Jobs(queue.Queue):
                def __init__(self):
                    super().__init__(10)


            account = Account()
            jobs = Jobs()
            unnamed = [threading.Condition() for _ in range(1)][0]
        ''', '''
            m = module
            out["names"] = [m.counter_lock.label, m.a.label, m.b.label, m.locks[0].label, m.locks[1].label,
                            m.by_name["left"].label, m.typed._ilv, m.spread.label, m.account.lock.label, m.jobs._ilv]
            out["unnamed"] = m.unnamed._ilv
        ''')
        self.assertEqual(out["names"], [
            "counter_lock (line 5)", "a (line 6)", "b (line 6)", "locks[0] (line 7)", "locks[1] (line 7)",
            "by_name['left'] (line 8)", "typed (line 9)", "spread (line 12)", "self.lock (line 18)", "jobs (line 27)"])
        self.assertEqual(out["unnamed"], "unnamed (line 28)")

    def test_a_contended_acquire_records_wait_acquired_released_an_uncontended_one_nothing(self):
        out = self.run_probe('''
            import threading
            import time

            guard = threading.Lock()


            def hold(seconds):
                with guard:
                    time.sleep(seconds)


            def take():
                guard.acquire()
                guard.release()
        ''', '''
            import interleave_recorder
            rec = interleave_recorder.Recorder(os.path.join(%r, "w0.trc"), user, 1000)
            helper = threading.Thread(target=module.hold, args=(0.3,))
            helper.start()
            import time
            time.sleep(0.1)
            capture.attach(rec)
            module.take()   # waits for the helper: contended
            module.take()   # nobody holds it now: nothing recorded
            capture.detach()
            helper.join()
            rec.close()
        ''' % self.dir)
        del out
        records = [r for r in read_records(os.path.join(self.dir, "w0.trc")) if r[0] == "L"]
        self.assertEqual([r[2:5] + r[6:] for r in records], [
            ["wait", "14", "0", "Lock", "guard (line 5)"], ["acquired", "14", "0"], ["released", "15", "0"]])
        self.assertEqual(len({r[5] for r in records}), 1, "one id ties them")
        wait_t, acquired_t, released_t = (int(r[1]) for r in records)
        self.assertGreaterEqual(acquired_t - wait_t, 100 * 10**6)
        self.assertLessEqual(acquired_t, released_t)

    def test_the_standard_library_s_own_objects_stay_plain(self):
        out = self.run_probe('''
            import concurrent.futures
            import queue
            import threading

            jobs = queue.Queue()
            done = threading.Event()
            cond = threading.Condition()
            pool = concurrent.futures.ThreadPoolExecutor(2)
        ''', '''
            import _thread
            m = module
            plain = (_thread.LockType, type(threading._CRLock()) if threading._CRLock else None)
            out["user"] = [bool(m.jobs._ilv), bool(m.done._ilv), bool(m.cond._ilv)]
            out["internal"] = [type(m.jobs.mutex) in plain, m.jobs.not_empty._ilv is None, m.done._cond._ilv is None,
                               type(m.done._cond._lock) in plain, type(m.pool._shutdown_lock) in plain,
                               type(threading.Thread()._started._cond._lock) in plain]
            out["cond lock"] = type(m.cond._lock).__name__
            m.pool.shutdown()
        ''')
        self.assertEqual(out["user"], [True, True, True])
        self.assertEqual(out["internal"], [True] * 6)
        self.assertEqual(out["cond lock"], "_UserRLock", "a user Condition's own lock is named after it")

    def test_the_wrapped_objects_behave_as_the_standard_library_s(self):
        out = self.run_probe('''
            import queue
            import threading

            plain = threading.Lock()
            again = threading.RLock()
            cond = threading.Condition(plain)
            rcond = threading.Condition(again)
            bounded = threading.BoundedSemaphore(1)
            gate = threading.Barrier(2)
            stack = queue.LifoQueue()
            ordered = queue.PriorityQueue()
        ''', '''
            m = module
            m.again.acquire(); m.again.acquire(); m.again.release()
            out["rlock still held"] = m.again._is_owned()
            m.again.release()
            try:
                m.again.release()
                out["rlock over-release"] = "no error"
            except RuntimeError:
                out["rlock over-release"] = "RuntimeError"
            out["timed out"] = [m.plain.acquire(), m.plain.acquire(timeout=0.05), m.plain.acquire(False)]
            m.plain.release()
            m.bounded.acquire(); m.bounded.release()
            try:
                m.bounded.release()
                out["bounded"] = "no error"
            except ValueError:
                out["bounded"] = "ValueError"
            got = []
            for cond in (m.cond, m.rcond):
                def notify(cond=cond):
                    with cond:
                        got.append(1)
                        cond.notify()
                with cond:
                    threading.Thread(target=notify).start()
                    out.setdefault("notified", []).append(cond.wait_for(lambda: len(got) >= 1 + (cond is m.rcond), 5))
            t = threading.Thread(target=m.gate.wait)
            t.start()
            m.gate.wait()
            t.join()
            for i in (1, 2, 3):
                m.stack.put(i)
                m.ordered.put(4 - i)
            out["queues"] = [[m.stack.get() for _ in range(3)], [m.ordered.get() for _ in range(3)],
                             isinstance(m.stack, __import__("queue").Queue)]
        ''')
        self.assertEqual(out["rlock still held"], True)
        self.assertEqual(out["rlock over-release"], "RuntimeError")
        self.assertEqual(out["timed out"], [True, False, False])
        self.assertEqual(out["bounded"], "ValueError")
        self.assertEqual(out["notified"], [True, True])
        self.assertEqual(out["queues"], [[3, 2, 1], [1, 2, 3], True])


    def test_simple_queue_and_multiprocessing_objects_are_the_user_s_and_still_behave(self):
        out = self.run_probe('''
            import concurrent.futures
            import multiprocessing
            import queue

            simple = queue.SimpleQueue()
            jobs = multiprocessing.Queue()
            tasks = multiprocessing.JoinableQueue()
            ready = multiprocessing.Condition()
            started = multiprocessing.Event()
            gate = multiprocessing.Barrier(1)
            pool = concurrent.futures.ThreadPoolExecutor(1)
        ''', '''
            import multiprocessing.queues, multiprocessing.synchronize, queue
            m = module
            out["names"] = [m.simple._ilv, m.jobs._ilv, m.tasks._ilv, m.ready._ilv, m.ready._lock.label,
                            m.started._ilv, m.gate._ilv]
            out["kinds"] = [m.simple._kind, m.jobs._kind, m.ready._lock._kind]
            out["types"] = [isinstance(m.simple, queue.SimpleQueue), isinstance(m.jobs, multiprocessing.queues.Queue),
                            isinstance(m.ready, multiprocessing.synchronize.Condition)]
            out["internal"] = [getattr(x, "_ilv", None) for x in (m.pool._work_queue, m.jobs._rlock, m.jobs._notempty,
                                                                     m.started._cond, m.started._flag)]
            import _queue  # the pool's stays the plain C object, still a queue.SimpleQueue
            out["pool queue"] = [type(m.pool._work_queue) is _queue.SimpleQueue, isinstance(m.pool._work_queue, queue.SimpleQueue)]
            m.pool.shutdown()
            m.simple.put(1); m.simple.put(2)
            got = [m.simple.get(), m.simple.get_nowait()]
            try:
                m.simple.get(timeout=0.01)
            except queue.Empty:
                got.append("Empty")
            m.jobs.put("job"); got.append(m.jobs.get(timeout=5))
            m.tasks.put("task"); m.tasks.get(); m.tasks.task_done(); m.tasks.join()
            with m.ready:
                got.append(m.ready.wait(0.01))
            m.started.set(); got.append(m.started.wait())
            got.append(m.gate.wait())
            out["behaves"] = got
        ''')
        self.assertEqual(out["names"], ["simple (line 6)", "jobs (line 7)", "tasks (line 8)", "ready (line 9)",
                                        "ready (line 9)", "started (line 10)", "gate (line 11)"])
        self.assertEqual(out["kinds"], ["SimpleQueue", "multiprocessing.Queue", "multiprocessing.Condition"])
        self.assertEqual(out["types"], [True, True, True])
        self.assertEqual(out["internal"], [None] * 5, "the standard library's own stay plain")
        self.assertEqual(out["pool queue"], [True, True])
        self.assertEqual(out["behaves"], [1, 2, "Empty", "job", False, True, 0])


class WatchdogTest(TempDir):
    def test_a_thread_model_deadlock_ends_the_harness_with_the_cycle(self):
        user = os.path.join(self.dir, "crossed.py")
        with open(user, "w") as f:
            f.write(textwrap.dedent('''\
                import threading
                import time
                a, b = threading.Lock(), threading.Lock()
                turn = []


                def cross():
                    turn.append(1)
                    first, second = (a, b) if len(turn) == 1 else (b, a)
                    with first:
                        time.sleep(0.1)
                        with second:
                            pass
            '''))
        config = {"file": user, "source": user, "function": "cross", "model": "thread", "workers": 2,
                  "dir": self.dir, "deadlockSeconds": 0.5}
        with open(os.path.join(self.dir, "config.json"), "w") as f:
            json.dump(config, f)
        r = subprocess.run([sys.executable, os.path.join(PYTHON_DIR, "interleave_harness.py"), "run",
                            os.path.join(self.dir, "config.json")], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.dir, "control.jsonl")) as f:
            control = [json.loads(line) for line in f]
        deadlock = [c for c in control if c["type"] == "deadlock"]
        self.assertEqual(len(deadlock), 1, control)
        self.assertIn(deadlock[0]["cycle"], [
            "Thread 1 holds a (line 3) and waits for b (line 3); Thread 2 holds b (line 3) and waits for a (line 3)",
            "Thread 1 holds b (line 3) and waits for a (line 3); Thread 2 holds a (line 3) and waits for b (line 3)"])
        self.assertEqual([w["worker"] for w in deadlock[0]["workers"]], [0, 1])
        for w in deadlock[0]["workers"]:
            self.assertTrue(w["stack"].endswith('line 12, in cross\n        with second:\n'.replace("        ", "    ")), w["stack"])
        self.assertEqual(control[-1]["type"], "runEnd")


if __name__ == "__main__":
    unittest.main()
