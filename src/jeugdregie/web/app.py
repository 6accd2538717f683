"""The web monitor (FastAPI, server-rendered Dutch pages, no JavaScript build, nothing from a CDN).

- ``/login``, ``/logout``: argon2 passwords, server-side sessions in a signed, HttpOnly, SameSite=Strict,
  Secure cookie; CSRF token on every form; failed logins rate limited per e-mail and per address.
- ``/api/<command path>``: the CLI's JSON (see ``mirror``), with a session or ``Authorization: Bearer``.
- ``/download/csv|xlsx/<command path>``: the same tables as the CLI's csv/xlsx output.
- ``/<page>``: the pages of ``registry.load_pages()``.
Denied: 403 (JSON for API and downloads), never partial data.
"""

from __future__ import annotations

import hmac
import io
import json
import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, PackageLoader, select_autoescape

from jeugdregie.cli.common import Format
from jeugdregie.cli.output import Table, _cell, json_default, write_csv, write_xlsx
from jeugdregie.settings import get_settings
from jeugdregie.store.database import Database
from jeugdregie.store.meta import is_synthetic
from jeugdregie.web import accounts
from jeugdregie.web.accounts import User
from jeugdregie.web.mirror import (
    CommandError,
    command_help,
    command_params,
    find_command,
)
from jeugdregie.web.permissions import Denied, Grant, authorise
from jeugdregie.web.registry import FormError, Section, available_routes, load_pages
from jeugdregie.web.service import ResultCache, execute, execute_analysis, parse_query
from jeugdregie.web.stores import Stores

SESSION_COOKIE = "jr_session"
PRELOGIN_COOKIE = "jr_prelogin"
NUMERIC = {"int", "cents", "pct", "float"}


class Auth:
    def __init__(self, user: User, csrf: str | None, via: str) -> None:
        self.user, self.csrf, self.via = user, csrf, via


def _json(obj: Any, status: int = 200) -> Response:
    return Response(json.dumps(obj, default=json_default, ensure_ascii=False), status_code=status,
                    media_type="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"error": message, "status": status}, status)


def _templates() -> Environment:
    env = Environment(loader=PackageLoader("jeugdregie.web", "templates"), autoescape=select_autoescape())
    env.filters["cell"] = lambda v, kind="text": _cell(v, kind)
    env.globals["NUMERIC"] = NUMERIC
    env.filters["groupby_order"] = _groups
    return env


def create_app(db_url: str | None = None, *, tenant_url: str | None = None, region_url: str | None = None,
               secure_cookies: bool | None = None) -> FastAPI:
    settings = get_settings()
    url = db_url or settings.db
    stores = Stores(url, tenant_url or settings.web_tenant_db,
                    region_url or settings.web_region_db)
    signer = URLSafeSerializer(settings.session_key_bytes(create=True), salt="jeugdregie-session")
    secure = settings.web_secure_cookies if secure_cookies is None else secure_cookies
    cache = ResultCache()
    env = _templates()
    pages = load_pages()

    app = FastAPI(title="jeugdregie", version="0.1.0",
                  description="Regionale monitor jeugdhulp. De JSON-API volgt de CLI: /api/<commando>?<optie>=…",
                  docs_url=None, redoc_url=None)
    app.state.stores = stores
    app.state.cache = cache
    app.mount("/static", StaticFiles(packages=[("jeugdregie.web", "static")]), name="static")

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[..., Any]) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.url.path.startswith(("/api/", "/download/")) or "text/html" in response.headers.get(
                "content-type", ""):
            response.headers["Cache-Control"] = "no-store"
        return response

    # -- authentication --------------------------------------------------------------------------------
    def authenticate(request: Request) -> Auth | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            with stores.admin() as db:
                user = accounts.user_by_token(db, header[7:].strip())
            return Auth(user, None, "token") if user else None
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            sid = signer.loads(raw)
        except BadSignature:
            return None
        with stores.admin() as db:
            found = accounts.session_user(db, str(sid))
        return Auth(found[0], found[1], "session") if found else None

    def check_csrf(auth: Auth | None, form_token: str | None) -> bool:
        return bool(auth and auth.csrf and form_token and hmac.compare_digest(auth.csrf, form_token))

    def client_address(request: Request) -> str:
        return request.client.host if request.client else "onbekend"

    def synthetic() -> bool:
        key = ("synthetic", stores.data_version())
        hit = cache.get(key)
        if hit is None:
            with stores.admin() as db:
                hit = is_synthetic(db)
            cache.put(key, hit)
        return bool(hit)

    def render(name: str, request: Request, status: int = 200, **ctx: Any) -> HTMLResponse:
        auth = ctx.get("auth")
        visible = [p for p in pages.values() if auth and auth.user.role in p.roles]
        html = env.get_template(name).render(request=request, pages=visible, synthetic=synthetic(),
                                             current=ctx.pop("current", None), **ctx)
        return HTMLResponse(html, status_code=status)

    # -- login / logout ----------------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, fout: str | None = None) -> HTMLResponse:
        token = secrets.token_urlsafe(24)
        resp = render("login.html", request, csrf=token, error=fout)
        resp.set_cookie(PRELOGIN_COOKIE, token, httponly=True, samesite="strict", secure=secure, max_age=900)
        return resp

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        token = str(form.get("csrf_token") or "")
        cookie = request.cookies.get(PRELOGIN_COOKIE) or ""
        if not token or not cookie or not hmac.compare_digest(token, cookie):
            return HTMLResponse("Ongeldig formulier (CSRF). Laad de inlogpagina opnieuw.", status_code=403)
        email = str(form.get("email") or "")
        password = str(form.get("password") or "")
        with stores.admin() as db:
            if accounts.login_blocked(db, email, client_address(request)):
                return render("login.html", request, status=429, csrf=token,
                              error="Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw.")
            user = accounts.authenticate(db, email, password, client_address(request))
            if user is None:
                return render("login.html", request, status=401, csrf=token,
                              error="Onbekende combinatie van e-mailadres en wachtwoord.")
            sid, _ = accounts.create_session(db, user)
        resp = RedirectResponse("/", status_code=303)
        resp.set_cookie(SESSION_COOKIE, signer.dumps(sid), httponly=True, samesite="strict", secure=secure,
                        max_age=accounts.SESSION_HOURS * 3600)
        resp.delete_cookie(PRELOGIN_COOKIE)
        return resp

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        auth = authenticate(request)
        form = await request.form()
        if not check_csrf(auth, str(form.get("csrf_token") or "")):
            return HTMLResponse("Ongeldig formulier (CSRF).", status_code=403)
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            with stores.admin() as db:
                accounts.end_session(db, str(signer.loads(raw)))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    # -- JSON API ----------------------------------------------------------------------------------------
    def run_for(request: Request, path: str, fmt: Format) -> Any:
        """The command's output for this request, or the JSON error response (401/400/403/404)."""
        auth = authenticate(request)
        if auth is None:
            return _error(401, "niet ingelogd: gebruik de sessie of Authorization: Bearer <token>")
        try:
            return execute(stores, cache, auth.user, path, parse_query(path, _multi(request)), fmt)
        except Denied as exc:
            return _error(403, exc.message)
        except CommandError as exc:
            return _error(exc.status, exc.message)

    def api_handler(path: str) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            result = run_for(request, path, Format.json)
            return result if isinstance(result, Response) else _json(result.json_obj)
        return handler

    def download_handler(path: str, fmt: str) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            result = run_for(request, path, Format(fmt))
            if isinstance(result, Response):
                return result
            name = f"{result.name}.{fmt}"
            if fmt == "csv":
                buf = io.StringIO()
                buf.write("\ufeff")
                write_csv(result.tables[0], buf)
                body, media = buf.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
            else:
                import tempfile

                with tempfile.TemporaryDirectory() as tmp:
                    out = Path(tmp) / "export.xlsx"
                    write_xlsx(result.tables, out)
                    body = out.read_bytes()
                media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            return Response(body, media_type=media,
                            headers={"Content-Disposition": f'attachment; filename="{_safe(name)}"'})
        return handler

    routes = available_routes()
    for path, route in routes.items():
        cmd = find_command(path)
        params = command_params(cmd)
        app.add_api_route(f"/api/{path}", api_handler(path), methods=["GET"], name=f"api:{path}",
                          summary=command_help(cmd).split("\n")[0], description=command_help(cmd),
                          tags=[route.policy], openapi_extra=_openapi(params))
        for fmt in ("csv", "xlsx"):
            app.add_api_route(f"/download/{fmt}/{path}", download_handler(path, fmt), methods=["GET"],
                              include_in_schema=False)

    @app.get("/api/whoami", tags=["account"], summary="De ingelogde gebruiker en rol")
    def whoami(request: Request) -> Response:
        auth = authenticate(request)
        if auth is None:
            return _error(401, "niet ingelogd")
        u = auth.user
        return _json({"email": u.email, "role": u.role, "municipality": u.municipality,
                      "provider": u.provider_agb, "via": auth.via})

    @app.get("/api/{rest:path}", include_in_schema=False)
    def api_unknown(rest: str, request: Request) -> Response:
        if authenticate(request) is None:
            return _error(401, "niet ingelogd")
        return _error(404, f"onbekend: /api/{rest}")

    # -- pages -------------------------------------------------------------------------------------------
    def page_handler(slug: str) -> Callable[[Request], Response]:
        pg = pages[slug]

        def handler(request: Request) -> Response:
            auth = authenticate(request)
            if auth is None or auth.via != "session":
                return RedirectResponse("/login", status_code=303)
            if auth.user.role not in pg.roles:
                return render("denied.html", request, status=403, auth=auth, current=pg,
                              message="Deze pagina is niet beschikbaar voor uw rol.")
            ctx = PageContext(stores, cache, auth.user, dict(request.query_params), pg.filters, pg.edit_policy)
            sections = pg.render(ctx)
            return render("page.html", request, auth=auth, current=pg, sections=sections, ctx=ctx,
                          query=dict(request.query_params))
        return handler

    def post_handler(slug: str) -> Callable[..., Any]:
        pg = pages[slug]

        async def handler(request: Request) -> Response:
            auth = authenticate(request)
            if auth is None or auth.via != "session":
                return RedirectResponse("/login", status_code=303)
            form = await request.form()
            if not check_csrf(auth, str(form.get("csrf_token") or "")):
                return HTMLResponse("Ongeldig formulier (CSRF).", status_code=403)
            if auth.user.role not in pg.roles or pg.on_post is None:
                return render("denied.html", request, status=403, auth=auth, current=pg,
                              message="Deze pagina is niet beschikbaar voor uw rol.")
            ctx = PageContext(stores, cache, auth.user, dict(request.query_params), pg.filters, pg.edit_policy)
            if pg.edit_policy is not None and not ctx.can_edit:
                return render("denied.html", request, status=403, auth=auth, current=pg,
                              message="U mag op deze pagina niets wijzigen.")
            values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
            try:
                message = pg.on_post(ctx, values) or "Opgeslagen."
            except FormError as exc:
                ctx.posted, ctx.form_error = values, exc
                return render("page.html", request, status=exc.status, auth=auth, current=pg,
                              sections=pg.render(ctx), ctx=ctx, query=ctx.query, form_error=exc.message)
            except Denied as exc:
                return render("denied.html", request, status=403, auth=auth, current=pg,
                              message="Niet opgeslagen: " + exc.message)
            except CommandError as exc:
                message = "Niet opgeslagen: " + exc.message
            except ValueError as exc:
                message = f"Niet opgeslagen: {exc}"
            return RedirectResponse(f"/{slug}?{urlencode({**ctx.next_query, 'melding': message})}",
                                    status_code=303)
        return handler

    @app.get("/", include_in_schema=False)
    def start(request: Request) -> Response:
        auth = authenticate(request)
        if auth is None or auth.via != "session":
            return RedirectResponse("/login", status_code=303)
        first = next((p for p in pages.values() if auth.user.role in p.roles), None)
        if first is None:
            return render("denied.html", request, status=403, auth=auth, message="Geen pagina's voor uw rol.")
        return RedirectResponse(f"/{first.slug}", status_code=303)

    for slug, pg in pages.items():
        app.add_api_route(f"/{slug}", page_handler(slug), methods=["GET"], include_in_schema=False)
        if pg.on_post is not None:
            app.add_api_route(f"/{slug}", post_handler(slug), methods=["POST"], include_in_schema=False)

    return app


def _groups(fields: list[Any]) -> list[tuple[str, list[Any]]]:
    """Form fields in runs of the same ``group`` (a fieldset each), keeping their order."""
    out: list[tuple[str, list[Any]]] = []
    for f in fields:
        if out and out[-1][0] == f.group:
            out[-1][1].append(f)
        else:
            out.append((f.group, [f]))
    return out


def _multi(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in request.query_params.multi_items():
        out.setdefault(k, []).append(v)
    return out


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def _openapi(params: list[Any]) -> dict[str, Any]:
    out = []
    for p in params:
        schema: dict[str, Any] = {"type": "boolean" if p.kind == "boolean" else
                                  {"integer": "integer", "number": "number"}.get(p.kind, "string")}
        if p.choices:
            schema["enum"] = list(p.choices)
        if p.multiple:
            schema = {"type": "array", "items": schema}
        if p.default is not None and not p.multiple:
            schema["default"] = p.default
        out.append({"name": p.name, "in": "query", "required": p.required, "schema": schema,
                    "description": p.help})
    error = {"content": {"application/json": {"schema": {
        "type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}}}}
    return {"parameters": out, "responses": {
        "200": {"description": "Dezelfde JSON als de CLI met --format json",
                "content": {"application/json": {"schema": {}}}},
        "400": {"description": "Ongeldige invoer", **error},
        "401": {"description": "Niet ingelogd", **error},
        "403": {"description": "Geen toegang (nooit gedeeltelijke gegevens)", **error},
        "404": {"description": "Onbekend", **error}}}


class PageContext:
    """What a page function gets: the user, the filters, and ``run`` to call a command like the API does."""

    def __init__(self, stores: Stores, cache: ResultCache, user: User, query: dict[str, str],
                 filters: tuple[str, ...], edit_policy: str | None = None) -> None:
        self.stores, self.cache, self.user, self.query, self.filter_names = stores, cache, user, query, filters
        self.edit_policy = edit_policy
        self._years: list[int] | None = None
        #: a POST whose handler raised ``FormError``: the entered values and the error, to show the form again
        self.posted: dict[str, str] | None = None
        self.form_error: FormError | None = None
        #: query of the page the POST redirects to (set by ``on_post``), besides the message
        self.next_query: dict[str, str] = {}

    # editing
    def edit_grant(self) -> Grant:
        """The grant of the page's ``edit_policy`` (the municipality the user may change), or ``Denied``."""
        if self.edit_policy is None:
            raise Denied("deze pagina kan niet worden gewijzigd")
        return authorise(self.user, self.edit_policy, {})

    @property
    def can_edit(self) -> bool:
        try:
            self.edit_grant()
        except Denied:
            return False
        return True

    def write(self, what: str, change: Callable[[Database, str], Any], details: Mapping[str, Any]) -> Any:
        """Run ``change(db, municipality)`` under the page's edit policy on the owner connection, in one
        transaction with an audit record (action ``wijziging``, object ``what``, ``details`` as filters, the
        web user as actor). The data version is refreshed at once, so the next page shows the change."""
        from jeugdregie.store.audit import acting_as, log_client_view

        grant = self.edit_grant()
        municipality = str(grant.municipality)
        with self.stores.admin() as db, acting_as(self.user.email), db.transaction():
            result = change(db, municipality)
            log_client_view(db, what, details, municipality, 1, action="wijziging")
        self.stores.refresh()
        return result

    def value(self, name: str, stored: Any) -> str:
        """What a form field shows: the entered value after a refused POST, else the stored value."""
        if self.posted is not None:
            return self.posted.get(name, "")
        return "" if stored is None else str(stored)

    def memo(self, name: str, key: Any, fn: Callable[[], Any]) -> Any:
        """Cache ``fn()`` per data version under (name, key). Only for values that are derived from data the
        user was already allowed to get (e.g. a chart of a result) or that hold no tenant data (filter lists)."""
        full = ("memo", name, key, self.stores.data_version())
        hit = self.cache.get(full)
        if hit is None:
            hit = fn()
            self.cache.put(full, hit)
        return hit

    def _reference(self, sql: str) -> list[dict[str, Any]]:
        def load() -> list[dict[str, Any]]:
            with self.stores.admin() as db:
                return db.query(sql)
        return list(self.memo("reference", sql, load))

    # filters
    @property
    def years(self) -> list[int]:
        if self._years is None:
            rows = self._reference("SELECT DISTINCT CAST(EXTRACT(YEAR FROM service_month) AS INTEGER) AS y "
                                   "FROM declaration_line ORDER BY 1")
            self._years = [int(r["y"]) for r in rows] or [date.today().year - 1]
        return self._years

    @property
    def period(self) -> str:
        p = (self.query.get("period") or "").strip()
        return p or str(self.years[-1])

    @property
    def year(self) -> int:
        try:
            return int(self.period[:4])
        except ValueError:
            return self.years[-1]

    @property
    def municipality(self) -> str | None:
        if "municipality" in self.query:
            return self.query["municipality"].strip() or None
        return self.user.municipality

    @property
    def category(self) -> str | None:
        return (self.query.get("category") or "").strip() or None

    def municipalities(self) -> list[dict[str, Any]]:
        return self._reference("SELECT code, name FROM municipality ORDER BY code")

    def categories(self) -> list[tuple[str, str]]:
        from jeugdregie.ijw.codelists import label

        codes = [r["c"] for r in self._reference(
            "SELECT DISTINCT product_category AS c FROM declaration_line ORDER BY 1")]
        return [(c, f"{c} {label('productcategorie', c)}".strip()) for c in codes]

    def chart(self, name: str, data: Any, draw: Callable[[], bytes]) -> str:
        """An inline SVG chart, drawn once per data version for the same input ``data``."""
        return self.memo("chart:" + name, repr(data), lambda: self.svg(draw()))  # type: ignore[no-any-return]

    def has(self, path: str) -> bool:
        from jeugdregie.web.registry import API_ROUTES

        return path in API_ROUTES and find_command(path) is not None

    def run(self, path: str, **args: Any) -> Any:
        """The command's captured output (tables + JSON); raises Denied / CommandError like the API."""
        clean = {k.replace("_", "-"): v for k, v in args.items() if v is not None}
        return execute(self.stores, self.cache, self.user, path, clean)

    def analysis(self, path: str, fn: Callable[[Any, dict[str, Any]], Any], name: str, **args: Any) -> Any:
        """``fn(db, args)`` under the policy of API route ``path`` with ``args`` (for charts built from an
        analysis function the route's command also uses); raises Denied like ``run``."""
        clean = {k.replace("_", "-"): v for k, v in args.items() if v is not None}
        return execute_analysis(self.stores, self.cache, self.user, path, clean, fn, name)

    def section(self, title: str, path: str, table_index: int = 0, row_filter: Callable[[dict], bool] | None = None,
                **args: Any) -> Section:
        """A section showing one table of a command, with CSV/Excel links; denial and errors as notices."""
        try:
            out = self.run(path, **args)
        except Denied as exc:
            return Section(title, notice="denied", text=exc.message)
        except CommandError as exc:
            return Section(title, notice="error", text=exc.message)
        table: Table = out.tables[table_index]
        if row_filter is not None:
            table = Table(table.title, table.columns, [r for r in table.rows if row_filter(r)], table.notes)
        return Section(title, table=table, notes=list(table.notes),
                       download=(path, {k.replace("_", "-"): v for k, v in args.items() if v is not None}))

    def sections(self, title: str, path: str, **args: Any) -> list[Section]:
        """One section per table of a command (the first with the download links)."""
        first = self.section(title, path, **args)
        if first.table is None:
            return [first]
        out = self.run(path, **args)  # cached, or (uncached routes) the same audit record again
        rest = [Section(t.title, table=t, notes=list(t.notes)) for t in out.tables[1:]]
        return [first, *rest]

    @staticmethod
    def download_query(args: dict[str, Any]) -> str:
        return urlencode([(k, "true" if v is True else v) for k, v in args.items() if v not in (None, False)])

    @staticmethod
    def unavailable(title: str, what: str) -> Section:
        return Section(title, notice="unavailable",
                       text=f"{what} is nog niet beschikbaar in deze versie. Er worden geen cijfers getoond.")

    @staticmethod
    def svg(data: bytes) -> str:
        """A data: URI for an SVG chart, shown with <img> (the page's CSP forbids inline styles, which
        matplotlib's SVG uses; an image keeps its own styles and gets alt text)."""
        import base64

        return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")

    @staticmethod
    def now() -> str:
        return datetime.now().strftime("%d-%m-%Y %H:%M")
