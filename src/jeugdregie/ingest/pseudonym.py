"""BSN -> keyed pseudonym (HMAC-SHA256). The only place a BSN is turned into something stored."""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_HEX_CHARS = 32  # 128 bits: collision-free for any realistic population


def pseudonymise(bsn: str, key: bytes) -> str:
    return hmac.new(key, bsn.encode("ascii"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_CHARS]


#: pseudonyms kept in memory at most; the cache starts over when full, so memory stays bounded
CACHE_SIZE = 100_000


class Pseudonymiser:
    """Caches pseudonyms within one ingest run (a BSN occurs in many messages), at most ``CACHE_SIZE``."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("pseudonymisation key must be at least 16 bytes")
        self._key = key
        self._cache: dict[str, str] = {}

    def __call__(self, bsn: str) -> str:
        p = self._cache.get(bsn)
        if p is None:
            p = pseudonymise(bsn, self._key)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[bsn] = p
        return p
