"""A bounded least-recently-used map: the one shape of the per-process caches of the request
pipeline (parsed documents, validated shapes, requested costs)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Lru(OrderedDict[K, V], Generic[K, V]):
    """An ordered dict that keeps at most ``maxsize`` entries, forgetting the least recently used."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def recall(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recent), or None."""
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def keep(self, key: K, value: V) -> V:
        """Keep ``value`` for ``key`` as the most recent, forgetting the oldest beyond ``maxsize``."""
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.maxsize:
            self.popitem(last=False)
        return value

    def recall_or_keep(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key`` (now the most recent), else ``make()`` kept for it: unlike
        :meth:`recall`, a value kept as None is found too."""
        try:
            value = self[key]
        except KeyError:
            return self.keep(key, make())
        self.move_to_end(key)
        return value
