"""Many producer and consumer threads on one queue: no item is processed by two workers at once, and every key's
last add is followed by a processing of it (nothing is lost)."""

from __future__ import annotations

import threading

from kubeclient.workqueue import Queue, RateLimitingQueue, default_controller_rate_limiter

PRODUCERS = 4
CONSUMERS = 4
ADDS_PER_PRODUCER = 2000
KEYS = 50


def test_threads_never_share_an_item_and_lose_nothing() -> None:
    q: Queue[int] = Queue()
    lock = threading.Lock()
    generation = [0] * KEYS  # bumped by a producer just before it adds the key
    seen = [0] * KEYS  # the generation a consumer saw when it got the key
    in_flight: set[int] = set()
    clashes: list[int] = []
    processed = [0]

    def produce(seed: int) -> None:
        for i in range(ADDS_PER_PRODUCER):
            key = (i * 7 + seed * 13) % KEYS
            with lock:
                generation[key] += 1
            q.add(key)

    def consume() -> None:
        while True:
            result = q.get(timeout=10)
            if result[1]:
                return
            key = result[0]
            with lock:
                if key in in_flight:
                    clashes.append(key)
                in_flight.add(key)
                seen[key] = generation[key]
            # Let other threads run while this key is "being processed".
            threading.Event().wait(0 if key % 3 else 0.0001)
            with lock:
                in_flight.discard(key)
                processed[0] += 1
            q.done(key)

    producers = [threading.Thread(target=produce, args=(n,)) for n in range(PRODUCERS)]
    consumers = [threading.Thread(target=consume) for _ in range(CONSUMERS)]
    for t in consumers + producers:
        t.start()
    for t in producers:
        t.join(20)
    # Consumers go on draining the queue after shutdown; the drain waits for the keys being processed.
    q.shut_down_with_drain(timeout=20)
    for t in consumers:
        t.join(20)
    assert not any(t.is_alive() for t in producers + consumers)
    assert clashes == []
    assert seen == generation, "a key added after its last processing was never processed again"
    assert 0 < processed[0] <= PRODUCERS * ADDS_PER_PRODUCER


def test_rate_limited_retries_from_many_threads() -> None:
    q: RateLimitingQueue[int] = RateLimitingQueue(default_controller_rate_limiter())
    attempts = [0] * 20
    lock = threading.Lock()
    finished = threading.Event()
    remaining = [20]

    def work() -> None:
        for key in q.items():
            with lock:
                attempts[key] += 1
                fail = attempts[key] < 3
            if fail:
                q.add_rate_limited(key)  # 5 ms, then 10 ms
                continue
            q.forget(key)
            with lock:
                remaining[0] -= 1
                if remaining[0] == 0:
                    finished.set()

    workers = [threading.Thread(target=work) for _ in range(3)]
    for w in workers:
        w.start()
    for key in range(20):
        q.add(key)
    assert finished.wait(10)
    q.shut_down()
    for w in workers:
        w.join(10)
    assert attempts == [3] * 20
    assert all(q.num_requeues(k) == 0 for k in range(20))
