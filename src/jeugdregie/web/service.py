"""Running a mirrored CLI command for a user: policy check, scoped connection, result cache, audit actor.

Shared by the JSON API, the downloads and the pages, so all three give the same answer and the same
refusals.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from jeugdregie.cli.common import Format
from jeugdregie.cli.output import Emitted
from jeugdregie.store.audit import acting_as
from jeugdregie.web.accounts import User
from jeugdregie.web.mirror import CommandError, command_params, find_command, normalise_args, run_command
from jeugdregie.web.permissions import Denied, authorise
from jeugdregie.web.registry import API_ROUTES, ApiRoute
from jeugdregie.web.stores import Stores


class ResultCache:
    """LRU of command results. Keys include the data version, the grant and the arguments, so a cached
    answer is only reused for the same question on the same data by someone with the same scope."""

    def __init__(self, size: int = 512, max_age: float = 300.0) -> None:
        self.size = size
        self.max_age = max_age
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Any) -> Any:
        with self._lock:
            entry = self._items.get(key)
            if entry is not None and time.monotonic() - entry[0] < self.max_age:
                self._items.move_to_end(key)
                self.hits += 1
                return entry[1]
            self.misses += 1
            return None

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def route_for(path: str) -> ApiRoute:
    route = API_ROUTES.get(path.strip("/"))
    if route is None or find_command(route.path) is None:
        raise CommandError(f"onbekend: /api/{path}", 404)
    return route


def parse_query(path: str, query: Mapping[str, list[str]]) -> dict[str, Any]:
    cmd = find_command(path)
    if cmd is None:
        raise CommandError(f"onbekend: /api/{path}", 404)
    return normalise_args(command_params(cmd), query)


def execute(stores: Stores, cache: ResultCache, user: User, path: str, args: Mapping[str, Any],
            fmt: Format = Format.json) -> Emitted:
    """Authorise, then run (or reuse) the command. Raises ``Denied`` or ``CommandError``."""
    route = route_for(path)
    grant = authorise(user, route.policy, args, municipality_param=route.municipality_param,
                      provider_param=route.provider_param)
    key = None
    if route.cache:
        key = (route.path, tuple(sorted((k, repr(v)) for k, v in grant.args.items())), grant.scope,
               grant.municipality, grant.provider, stores.data_version())
        hit = cache.get(key)
        if hit is not None:
            return hit
    with stores.scoped(grant) as db, acting_as(user.email):
        result = run_command(route.path, grant.args, db, fmt)
    if key is not None:
        cache.put(key, result)
    return result


def execute_analysis(stores: Stores, cache: ResultCache, user: User, path: str, args: Mapping[str, Any],
                     fn: Any, name: str) -> Any:
    """Run ``fn(db)`` (an analysis function, e.g. for a chart) under the same policy and scope as the API
    route ``path`` with ``args``; cached like the route. ``name`` identifies ``fn`` in the cache key."""
    route = route_for(path)
    grant = authorise(user, route.policy, args, municipality_param=route.municipality_param,
                      provider_param=route.provider_param)
    key = None
    if route.cache:
        key = ("fn", name, route.path, tuple(sorted((k, repr(v)) for k, v in grant.args.items())), grant.scope,
               grant.municipality, grant.provider, stores.data_version())
        hit = cache.get(key)
        if hit is not None:
            return hit
    with stores.scoped(grant) as db, acting_as(user.email):
        result = fn(db, grant.args)
    if key is not None:
        cache.put(key, result)
    return result


__all__ = ["CommandError", "Denied", "ResultCache", "execute", "execute_analysis", "parse_query", "route_for"]
