"""rag.cache.LRU: bounded, least recently used dropped first, safe under threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from rag.cache import LRU


def test_least_recently_used_goes_first_and_size_holds():
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert list(cache) == ["a", "c"] and cache.get("b") is None
    cache.size = 1
    cache.put("d", 4)
    assert list(cache) == ["d"]
    cache.clear()
    assert len(cache) == 0


def test_get_or_compute_computes_once_per_miss():
    cache: LRU[int, int] = LRU(10)
    calls: list[int] = []

    def square(n: int) -> int:
        calls.append(n)
        return n * n

    assert [cache.get_or_compute(n % 3, lambda n=n: square(n % 3)) for n in range(9)] == [0, 1, 4] * 3
    assert calls == [0, 1, 2]


def test_concurrent_use_stays_bounded():
    cache: LRU[int, int] = LRU(50)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: cache.get_or_compute(n % 200, lambda: n), range(5000)))
    assert len(cache) == 50
