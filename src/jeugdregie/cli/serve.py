"""`jeugdregie serve`: the regional web monitor (Dutch pages and the JSON API under /api/)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Adres (standaard alleen deze machine)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Poort")] = 8000,
    db: Annotated[str | None, typer.Option("--db", help="DuckDB-bestand of postgresql://-URL")] = None,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies", help="Sessiecookie ook over http (alleen voor ontwikkeling op een ander adres)")]
    = False,
) -> None:
    """Start de webmonitor. Gebruikers: 'jeugdregie users add'. Sessiesleutel: JEUGDREGIE_SESSION_KEY of sleutelbestand."""
    import uvicorn

    from jeugdregie.settings import get_settings
    from jeugdregie.web.app import create_app

    settings = get_settings()
    console = Console(stderr=True)
    app = create_app(db, secure_cookies=False if insecure_cookies else None)
    stores = app.state.stores
    if stores.engine == "postgres" and not stores.rls:
        console.print("[yellow]Let op:[/yellow] geen JEUGDREGIE_WEB_TENANT_DB/JEUGDREGIE_WEB_REGION_DB: de scheiding "
                      "tussen gemeenten wordt alleen door de applicatie afgedwongen (zie docs/web.md).")
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.web_secure_cookies:
        console.print("[yellow]Let op:[/yellow] sessiecookies zonder Secure op een netwerkadres.")
    console.print(f"jeugdregie webmonitor op http://{host}:{port}/ (database: {stores.engine})")
    uvicorn.run(app, host=host, port=port, log_level="warning")
