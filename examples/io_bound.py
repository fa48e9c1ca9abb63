import time


def wait_for_io():
    for i in range(4):
        time.sleep(0.05)
        print(f"waited {i}")
