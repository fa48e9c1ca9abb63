def crunch():
    total = 0
    for i in range(10_000_000):
        total += i * i
    print(f"total: {total}")
