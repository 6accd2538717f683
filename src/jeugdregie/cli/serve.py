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


def register_bench() -> None:
    from jeugdregie.cli.bench import bench_app

    @bench_app.command("web")
    def bench_web(
        db: Annotated[str | None, typer.Option("--db", help="DuckDB-bestand (standaard: kleine synthetische regio)")]
        = None,
        users: Annotated[int, typer.Option("--users", min=1, max=200, help="Gelijktijdige gebruikers")] = 20,
        duration: Annotated[float, typer.Option("--duration", min=1, help="Duur in seconden")] = 60.0,
        port: Annotated[int, typer.Option("--port", help="Poort op 127.0.0.1")] = 8765,
        fmt: Annotated[str, typer.Option("--format", "-f", help="table of json")] = "table",
    ) -> None:
        """Belasting op de webmonitor: p50/p95 per pagina en fouten (doel p95 < 500 ms, geen fouten)."""
        import json
        import tempfile
        from pathlib import Path

        from jeugdregie.web.bench import run

        console = Console(stderr=True)
        with tempfile.TemporaryDirectory() as tmp:
            if db is None:
                from jeugdregie.web.bench import small_region_store

                console.print("Kleine synthetische regio genereren en inlezen ...")
                db = str(small_region_store(Path(tmp), seed=1))
            console.print(f"{users} gebruikers, {duration:g} s ...")
            result = run(db, users=users, duration=duration, port=port)
        if fmt == "json":
            print(json.dumps(result, indent=2))
            return
        console.print(f"{result['requests']} verzoeken in {result['duration_s']} s ({result['throughput_rps']}/s), "
                      f"fouten {result['errors']}, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms")
        for name, r in result["pages"].items():
            console.print(f"  {name:<20} n={r['requests']:<6} p50 {r['p50_ms']:>8} ms  p95 {r['p95_ms']:>8} ms  "
                          f"koud {r['cold_ms']:>8} ms  fouten {r['errors']}")


register_bench()
