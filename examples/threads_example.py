import threading


def print_numbers():
    for i in range(5):
        print(f"Number: {i}")


# A classic tutorial: two threads started at top level.
thread1 = threading.Thread(target=print_numbers)
thread2 = threading.Thread(target=print_numbers)

thread1.start()
thread2.start()

thread1.join()
thread2.join()
