"""Rate limiters: the delay sequences of client-go default_rate_limiters.go and x/time/rate reservations."""

from __future__ import annotations

import math

import pytest

from kubeclient.workqueue import (
    BucketRateLimiter,
    FakeClock,
    ItemExponentialFailureRateLimiter,
    ItemFastSlowRateLimiter,
    MaxOfRateLimiter,
    WithMaxWaitRateLimiter,
    default_controller_rate_limiter,
    default_item_based_rate_limiter,
)

MS = 0.001


def test_item_exponential_doubles_per_item_and_forget_resets() -> None:
    limiter: ItemExponentialFailureRateLimiter[str] = ItemExponentialFailureRateLimiter(MS, 1.0)
    assert [limiter.when("one") for _ in range(5)] == pytest.approx([1 * MS, 2 * MS, 4 * MS, 8 * MS, 16 * MS])
    assert limiter.num_requeues("one") == 5
    assert [limiter.when("two") for _ in range(2)] == pytest.approx([1 * MS, 2 * MS])
    assert limiter.num_requeues("two") == 2
    limiter.forget("one")
    assert limiter.num_requeues("one") == 0
    assert limiter.when("one") == pytest.approx(1 * MS)
    assert limiter.num_requeues("two") == 2


def test_item_exponential_is_capped_and_never_overflows() -> None:
    limiter: ItemExponentialFailureRateLimiter[str] = ItemExponentialFailureRateLimiter(MS, 1.0)
    delays = [limiter.when("x") for _ in range(12)]
    assert delays[9] == pytest.approx(0.512)
    assert delays[10:] == [1.0, 1.0]
    for _ in range(3000):  # 2**3000 overflows a float: the cap still applies
        last = limiter.when("x")
    assert last == 1.0
    with pytest.raises(ValueError, match="base_delay"):
        ItemExponentialFailureRateLimiter(-1.0, 1.0)


def test_default_item_based_starts_at_one_millisecond() -> None:
    limiter = default_item_based_rate_limiter()
    assert limiter.when("a") == pytest.approx(MS)
    assert limiter.when("a") == pytest.approx(2 * MS)


def test_fast_slow() -> None:
    limiter: ItemFastSlowRateLimiter[str] = ItemFastSlowRateLimiter(5 * MS, 10.0, 3)
    assert [limiter.when("one") for _ in range(5)] == [5 * MS, 5 * MS, 5 * MS, 10.0, 10.0]
    assert limiter.num_requeues("one") == 5
    assert limiter.when("two") == 5 * MS
    limiter.forget("one")
    assert limiter.num_requeues("one") == 0
    assert limiter.when("one") == 5 * MS


def test_max_of_returns_worst_and_tracks_all() -> None:
    fast_slow: ItemFastSlowRateLimiter[str] = ItemFastSlowRateLimiter(5 * MS, 3.0, 3)
    exponential: ItemExponentialFailureRateLimiter[str] = ItemExponentialFailureRateLimiter(MS, 1.0)
    limiter = MaxOfRateLimiter(fast_slow, exponential)
    assert [limiter.when("one") for _ in range(5)] == pytest.approx([5 * MS, 5 * MS, 5 * MS, 3.0, 3.0])
    assert limiter.num_requeues("one") == 5
    assert exponential.num_requeues("one") == 5, "every limiter records the failure"
    limiter.forget("one")
    assert limiter.num_requeues("one") == 0
    assert fast_slow.num_requeues("one") == exponential.num_requeues("one") == 0
    assert MaxOfRateLimiter[str]().when("x") == 0.0


def test_with_max_wait_caps_delay() -> None:
    inner: ItemExponentialFailureRateLimiter[str] = ItemExponentialFailureRateLimiter(1.0, 100.0)
    limiter = WithMaxWaitRateLimiter(inner, 3.0)
    assert [limiter.when("x") for _ in range(4)] == [1.0, 2.0, 3.0, 3.0]
    assert limiter.num_requeues("x") == 4
    limiter.forget("x")
    assert inner.num_requeues("x") == 0


def test_bucket_burst_then_qps_spacing() -> None:
    clock = FakeClock()
    limiter: BucketRateLimiter[str] = BucketRateLimiter(10.0, 3, clock=clock)
    assert [limiter.when("x") for _ in range(3)] == [0.0, 0.0, 0.0]
    # past the burst, reservations queue up 1/qps apart, whatever the item
    assert [limiter.when(k) for k in ("a", "b", "c")] == pytest.approx([0.1, 0.2, 0.3])
    clock.step(0.35)  # 3.5 tokens refilled onto -3
    assert limiter.when("x") == pytest.approx(0.05)
    clock.step(100.0)  # refill caps at the burst
    assert [limiter.when("x") for _ in range(4)] == pytest.approx([0.0, 0.0, 0.0, 0.1])
    assert limiter.num_requeues("x") == 0
    limiter.forget("x")


def test_bucket_steady_rate_never_waits() -> None:
    clock = FakeClock()
    limiter: BucketRateLimiter[int] = BucketRateLimiter(10.0, 1, clock=clock)
    for i in range(20):
        assert limiter.when(i) == 0.0
        clock.step(0.1)


def test_bucket_edge_limits() -> None:
    assert BucketRateLimiter[str](math.inf, 0).when("x") == 0.0
    assert BucketRateLimiter[str](10.0, 0).when("x") == math.inf
    zero: BucketRateLimiter[str] = BucketRateLimiter(0.0, 2)
    assert [zero.when("x") for _ in range(3)] == [0.0, 0.0, math.inf]
    with pytest.raises(ValueError, match="qps"):
        BucketRateLimiter[str](-1.0, 1)


def test_default_controller_rate_limiter() -> None:
    clock = FakeClock()
    limiter = default_controller_rate_limiter(clock=clock)
    assert limiter.when("a") == pytest.approx(0.005)
    assert limiter.when("a") == pytest.approx(0.010)
    assert limiter.when("a") == pytest.approx(0.020)
    assert limiter.num_requeues("a") == 3
    limiter.forget("a")
    assert limiter.num_requeues("a") == 0
    # 3 tokens taken above; the other 97 of the burst give the per-item 5 ms, then the 10 qps bucket dominates
    assert [limiter.when(i) for i in range(97)] == pytest.approx([0.005] * 97)
    assert limiter.when("z") == pytest.approx(0.1)
    assert limiter.when("y") == pytest.approx(0.2)
