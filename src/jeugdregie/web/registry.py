"""What the web monitor serves: API routes (CLI commands with an access policy) and pages.

Adding an API route: one line in ``API_ROUTES`` below (the CLI command path and its policy from
``permissions``). A route whose command does not exist (yet) is simply not served, so routes for commands
that other work will add are listed already.

Adding a page: a module in ``jeugdregie/web/pages/`` with a function decorated ``@page(...)``; it is found
automatically (like CLI commands). A page returns ``Section``s built from ``ctx.run(command path, args)``,
which applies the same policy, scope, cache and audit as the API.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ApiRoute:
    path: str                                   # CLI command path: 'costs', 'lists/wlz'
    policy: str                                 # see permissions.POLICIES
    cache: bool = True                          # cache results per data version (never for client level)
    municipality_param: str | None = "municipality"
    provider_param: str | None = "provider"


def _routes(*routes: ApiRoute) -> dict[str, ApiRoute]:
    return {r.path: r for r in routes}


API_ROUTES: dict[str, ApiRoute] = _routes(
    ApiRoute("status", "aggregate"),
    ApiRoute("costs", "aggregate"),
    ApiRoute("tariffs", "aggregate"),
    ApiRoute("explain", "aggregate"),
    ApiRoute("intensity", "aggregate"),
    ApiRoute("trend", "aggregate"),
    ApiRoute("annotations/list", "aggregate"),
    ApiRoute("reach", "aggregate"),
    ApiRoute("referrals", "aggregate"),
    ApiRoute("flows", "aggregate"),
    ApiRoute("waiting", "aggregate"),
    ApiRoute("outcomes", "aggregate"),
    ApiRoute("norms/check", "aggregate"),
    ApiRoute("norms/list", "aggregate"),
    ApiRoute("norms/propose", "aggregate"),     # distribution only; small groups hidden across municipalities
    ApiRoute("trajectories", "own"),
    ApiRoute("whatif/duration-norm", "own"),
    ApiRoute("top-clients", "client", cache=False),
    ApiRoute("lists/wlz", "client", cache=False),
    ApiRoute("lists/adulthood", "client", cache=False),
    ApiRoute("lists/residence", "client", cache=False),
    *(ApiRoute(f"lists/{kind}", "client", cache=False)
      for kind in ("providers", "stacking", "reentry", "intake", "segment", "noncontracted", "lta", "protection")),
    ApiRoute("imports/runs", "admin", cache=False),
    ApiRoute("imports/quarantine", "admin", cache=False),
    ApiRoute("audit", "admin", cache=False),
    ApiRoute("users/list", "admin", cache=False),
    # commands other work adds; served as soon as the command exists
    ApiRoute("forecast", "aggregate"),
    ApiRoute("lag", "aggregate"),
    ApiRoute("triangle", "aggregate"),
    ApiRoute("budget/monitor", "aggregate"),
    ApiRoute("budget/show", "aggregate"),
    ApiRoute("budget/propose", "own"),          # the municipality's own budget proposal
    # signals and profiles name client pseudonyms as evidence: audit-logged by the command, so never cached
    ApiRoute("signals", "provider", cache=False),
    ApiRoute("provider", "provider", cache=False, provider_param="agb"),
    ApiRoute("contracts/list", "provider"),
    ApiRoute("measures/list", "aggregate"),
    ApiRoute("measures/show", "aggregate"),
    ApiRoute("report", "aggregate", cache=False),
    # maatwerkbudget cases (purposes, coaches): the own municipality only, never cached (edited on the web)
    ApiRoute("ledger/list", "own", cache=False),
)


def available_routes() -> dict[str, ApiRoute]:
    from jeugdregie.web.mirror import find_command

    return {p: r for p, r in API_ROUTES.items() if find_command(p) is not None}


# -- pages ----------------------------------------------------------------------------------------------
@dataclass
class Field:
    """One input of an edit form. ``kind``: text, textarea, select, number, date, checkbox, hidden."""
    name: str
    label: str
    value: Any = ""
    kind: str = "text"
    options: list[tuple[str, str]] = field(default_factory=list)  # select: (value, Dutch label)
    required: bool = False
    hint: str = ""
    error: str = ""                        # Dutch validation message shown next to the field
    group: str = ""                        # fields with the same group are laid out in one row (fieldset)

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value)


class FormError(ValueError):
    """Raised by an ``on_post`` handler to show the form again (not redirect) with the entered values, a
    Dutch message and per-field errors. ``status``: 400 invalid input, 409 someone else saved in between."""

    def __init__(self, message: str, status: int = 400, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.errors = message, status, dict(errors or {})


@dataclass
class Section:
    """One block on a page: a heading with a table (downloadable), a chart, a text, or a notice."""
    title: str
    table: Any = None                      # cli.output.Table
    chart_svg: str | None = None           # inline SVG markup (server-rendered)
    text: str | None = None
    notice: str | None = None              # 'unavailable' | 'denied' | 'error' | 'info'
    download: tuple[str, dict[str, Any]] | None = None   # (API path, args) for the CSV/Excel links
    figures: list[tuple[str, str]] = field(default_factory=list)  # key figures: (label, formatted value)
    notes: list[str] = field(default_factory=list)
    #: an edit form posted to the page: ``Field``s (or (name, Dutch label, current value)), and the button text
    form: list[Any] | None = None          # Field, or (name, label, value) made into a Field
    form_button: str = "Opslaan"
    form_danger: bool = False              # the button does something irreversible (delete)
    links: list[tuple[str, str]] = field(default_factory=list)   # (Dutch label, URL) shown under the title
    form_action: str = ""                  # query string the form posts to (e.g. 'nummer=A1')
    #: column key -> function(row) -> URL (or None): the cell becomes a link (e.g. to a measure's detail)
    row_links: dict[str, Callable[[dict[str, Any]], str | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.form is not None:
            self.form = [f if isinstance(f, Field) else Field(*f) for f in self.form]


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    roles: frozenset[str]
    order: int
    render: Callable[..., list[Section]]
    filters: tuple[str, ...] = ("period", "municipality")
    description: str = ""
    on_post: Callable[..., str | None] | None = None
    edit_policy: str | None = None


PAGES: dict[str, Page] = {}


def page(slug: str, title: str, roles: set[str] | frozenset[str], order: int = 50,
         filters: tuple[str, ...] = ("period", "municipality"), description: str = "",
         on_post: Callable[..., str | None] | None = None,
         edit_policy: str | None = None) -> Callable[..., Any]:
    """Register a page at ``/<slug>`` shown in the menu to ``roles``.

    ``on_post(ctx, form) -> message``: makes the page editable. The app accepts ``POST /<slug>`` only from a
    logged-in session of one of ``roles`` with a valid CSRF token, calls ``on_post`` and redirects back to the
    page (Post/Redirect/Get) with the returned Dutch message. A form on the page is a ``Section`` with
    ``form`` fields; the template adds the CSRF token. ``edit_policy`` (a ``permissions`` policy, e.g.
    ``"edit"``): a POST is refused with 403 unless the user holds it; ``ctx.can_edit`` tells the page whether
    to show forms, and ``ctx.write`` runs a change under it. ``on_post`` may raise ``FormError`` to show
    the form again with the entered values (400, or 409 for a concurrent change)."""
    def deco(fn: Callable[..., list[Section]]) -> Callable[..., list[Section]]:
        PAGES[slug] = Page(slug, title, frozenset(roles), order, fn, filters, description, on_post, edit_policy)
        return fn
    return deco


_loaded = False


def load_pages() -> dict[str, Page]:
    global _loaded
    if not _loaded:
        from jeugdregie.web import pages

        for mod in sorted(pkgutil.iter_modules(pages.__path__), key=lambda m: m.name):
            if not mod.name.startswith("_"):
                importlib.import_module(f"{pages.__name__}.{mod.name}")
        _loaded = True
    return dict(sorted(PAGES.items(), key=lambda kv: kv[1].order))
