"""A race: two threads add to one counter, and some additions are lost.

`counter += 1` is a read, an add and a write; here they are spelled out through a local, with a
call in between (CPython switches threads at calls and loop jumps), so the gap is easy to hit. When the interpreter switches threads inside that gap,
the other thread's additions made meanwhile are overwritten: lost. Each worker counts the
writes of its own that overwrote another's. See it with:

    interleave run examples/lost_update.py --function add_unsafely --models thread --repeat 20 --switch-interval 0.0001

and the same code with a Lock (`--function add_safely`): no addition is ever lost.

Or be the scheduler: `add_in_steps` makes one addition and prints at each step, and `--order`
makes the two threads take turns at those prints in the order you choose. Both read before
either writes (the lost update, every time: both write the same number):

    interleave run examples/lost_update.py --function add_in_steps --models thread --order 01010101

and one after the other (nothing lost: the second writes one more than the first):

    interleave run examples/lost_update.py --function add_in_steps --models thread --order 00001111
"""
import threading

TIMES = 100_000
counter = 0
counter_lock = threading.Lock()


def plus_one(value):
    return value + 1


def add_unsafely():
    global counter
    lost = 0
    for _ in range(TIMES):
        value = counter  # read
        value = plus_one(value)  # add: another thread may write the counter meanwhile...
        if counter != value - 1:
            lost += 1  # ...and it did: the write below undoes what it added
        counter = value  # write
    print(f"{lost} of my {TIMES} additions overwrote another thread's")


def add_safely():
    global counter
    lost = 0
    for _ in range(TIMES):
        with counter_lock:
            value = counter
            value = plus_one(value)
            if counter != value - 1:
                lost += 1
            counter = value
    print(f"{lost} of my {TIMES} additions overwrote another thread's")


def add_in_steps():
    """One addition, each step between two prints. A worker runs on from a print until its next
    one, so with turns taken only at prints, a step is pinned between the print before it and the
    print after it: the read between "reading" and "read", the write between "writing" and
    "wrote". Order 01010101 puts both reads before either write."""
    global counter
    print("reading")
    value = counter  # read
    print("read", value)
    print("writing", value + 1)
    counter = value + 1  # write
    print("wrote", value + 1)
