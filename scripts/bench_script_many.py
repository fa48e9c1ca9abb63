"""A program with 100 threads and 10 processes, each printing LINES lines (sys.argv[1], default
1000) — `npm run bench`'s script section traces it whole (scripts/bench_script.mjs)."""
import multiprocessing
import sys
import threading

LINES = int(sys.argv[1]) if len(sys.argv) > 1 else 1000


def print_lines(who):
    for i in range(LINES):
        print(who, i)


if __name__ == "__main__":
    threads = [threading.Thread(target=print_lines, args=("thread %d" % k,)) for k in range(100)]
    processes = [multiprocessing.Process(target=print_lines, args=("process %d" % k,)) for k in range(10)]
    # the processes first: one forked while the threads print can inherit sys.stdout's lock held by
    # one of them and hang at its first flush (Python's own hazard: 2 of 30 bare runs at load 2)
    for worker in processes + threads:
        worker.start()
    for worker in processes + threads:
        worker.join()
