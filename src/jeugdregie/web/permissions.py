"""Who may see what: every API route, page and download is checked here, in one place.

A route has a *policy*; the user's role and the request's municipality/provider decide whether it is allowed
and in which *scope* the analysis runs:

- ``tenant``: the connection is limited to one municipality (or one provider). On PostgreSQL the database
  enforces it too (row-level security keyed on ``jeugdregie.municipality`` / ``jeugdregie.provider``).
- ``region``: all municipalities, for aggregated figures only (the analyses apply the small-cell rule when a
  selection spans more than one municipality) and for administration.

Policies:

=============  ==========================================================================================
aggregate      figures without client identities. gemeente: own municipality in detail, or the whole
               region (aggregated; another municipality's code is refused); regio/contractmanager: the
               whole region only; aanbieder/beheer: no.
own            figures that may expose single trajectories (distributions, min/max): only a gemeente user,
               for its own municipality (``municipality`` forced).
client         client-level lists: only a gemeente user for its own municipality (audit-logged by the
               analysis).
provider       provider signals and profiles: contractmanager any provider; aanbieder only its own
               (``provider`` forced); gemeente only within its own municipality.
admin          beheer only (users, imports, audit log).
edit           changing a municipality's own registers from the web (measures, narratives, maatwerkbudget):
               only a gemeente user, for its own municipality (``municipality`` forced); every other role,
               and another municipality, no. Used by the edit pages (``@page(..., edit_policy="edit")``);
               the API stays read-only.
=============  ==========================================================================================

A refused request is answered with 403 and a JSON error, never with partial data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jeugdregie.web.accounts import User

POLICIES = ("aggregate", "own", "client", "provider", "admin", "edit")


class Denied(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Grant:
    scope: str                        # tenant | region
    municipality: str | None = None   # tenant scope: the municipality the connection is limited to
    provider: str | None = None       # tenant scope: the provider the connection is limited to
    args: dict[str, Any] = field(default_factory=dict)  # the arguments to run with (defaults filled in)


def _code(value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    return text.zfill(4) if text.isdigit() and len(text) < 4 else text


def authorise(user: User, policy: str, args: Mapping[str, Any], *, municipality_param: str | None = "municipality",
              provider_param: str | None = "provider") -> Grant:
    """The grant for this user, policy and arguments, or ``Denied``."""
    a = dict(args)
    m = _code(a.get(municipality_param)) if municipality_param else None
    p = a.get(provider_param) if provider_param else None
    role = user.role
    if policy == "admin":
        if role == "beheer":
            return Grant("region", args=a)
        raise Denied("alleen voor beheer")
    if policy == "aggregate":
        if role == "gemeente":
            if m is None:
                return Grant("region", args=a)
            if m == user.municipality:
                return Grant("tenant", municipality=m, args=a)
            raise Denied(f"gemeente {m}: alleen geaggregeerde cijfers (laat de gemeente weg voor de regio)")
        if role in ("regio", "contractmanager"):
            if m is None:
                return Grant("region", args=a)
            raise Denied("alleen geaggregeerde cijfers voor de hele regio (zonder gemeente)")
        raise Denied(f"rol {role} heeft geen toegang tot deze cijfers")
    if policy in ("client", "own", "edit"):
        if role != "gemeente" or not municipality_param:
            raise Denied("alleen gebruikers van de eigen gemeente mogen dit wijzigen" if policy == "edit"
                         else "alleen voor gebruikers van de eigen gemeente")
        if m is None:
            a[municipality_param] = m = user.municipality
        if m != user.municipality:
            raise Denied(f"gemeente {m}: alleen de eigen gemeente")
        return Grant("tenant", municipality=m, args=a)
    if policy == "provider":
        if role == "contractmanager":
            return Grant("region", args=a)
        if role == "aanbieder" and provider_param:
            if p in (None, ""):
                a[provider_param] = p = user.provider_agb
            if str(p) != user.provider_agb:
                raise Denied(f"aanbieder {p}: alleen de eigen cijfers")
            return Grant("tenant", provider=user.provider_agb, args=a)
        if role == "gemeente" and municipality_param:
            if m is None:
                a[municipality_param] = m = user.municipality
            if m != user.municipality:
                raise Denied(f"gemeente {m}: geen toegang")
            return Grant("tenant", municipality=m, args=a)
        raise Denied(f"rol {role} heeft geen toegang tot aanbiedersignalen")
    raise Denied(f"onbekend beleid {policy!r}")
