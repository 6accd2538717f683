"""Screenshots of the web monitor for the documentation, on request only (never during tests):

    python -m jeugdregie.web.screenshots --out docs/screenshots [--db FILE.duckdb] [--only maatregelen]

Without ``--db`` a small synthetic region is generated and ingested in a temporary directory. Uses the system
Chromium (``web.browser``). The Maatregelen screenshot shows a demonstration measure that is entered through
the form first, only in a store marked synthetic (a real register is never written to).
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
from pathlib import Path

SHOTS = [("gemeente", "overzicht", "/overzicht"), ("gemeente", "kosten", "/kosten?category=45"),
         ("gemeente", "budget", "/budget"), ("gemeente", "aanbieders", "/aanbieders"),
         ("gemeente", "toegang", "/toegang?lijst=adulthood"), ("beheer", "import", "/import"),
         ("gemeente", "maatregelen", "/maatregelen?nummer=M12&van={mun}"),
         ("beheer", "auditlog", "/auditlog")]


def take(db_path: Path, out: Path, only: set[str] | None = None) -> list[Path]:
    from jeugdregie.measures.register import get_measure
    from jeugdregie.store import connect
    from jeugdregie.store.meta import is_synthetic
    from jeugdregie.web.accounts import AccountError, add_user, set_password
    from jeugdregie.web.app import create_app
    from jeugdregie.web.browser import DEMO_MEASURE, add_measure, browser, login, serve_in_thread

    db = connect(str(db_path))
    mun = str(db.query_value("SELECT municipality FROM declaration_line GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"))
    demo = is_synthetic(db) and get_measure(db, mun, DEMO_MEASURE["nummer"]) is None
    password = secrets.token_urlsafe(16)
    users = {"gemeente": f"demo-{mun}@example.invalid", "beheer": "demo-beheer@example.invalid"}
    for role, email in users.items():
        try:
            add_user(db, email, role, mun if role == "gemeente" else None, password=password)
        except AccountError:
            set_password(db, email, password)
    db.close()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    app = create_app(str(db_path))
    with serve_in_thread(app) as base, browser() as b:
        for role, email in users.items():
            context = b.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
            page = context.new_page()
            login(page, base, email, password)
            for who, name, url in SHOTS:
                if who != role or (only and name not in only):
                    continue
                if name == "maatregelen" and demo:
                    add_measure(page, base)
                page.goto(base + url.format(mun=mun))
                page.wait_for_load_state("networkidle")
                path = out / f"{name}.png"
                page.screenshot(path=str(path), full_page=False)
                written.append(path)
            context.close()
    app.state.stores.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--db", default=None)
    parser.add_argument("--only", action="append", help="only this screenshot (repeatable), e.g. maatregelen")
    args = parser.parse_args()
    os.environ.setdefault("JEUGDREGIE_SESSION_KEY", secrets.token_hex(16))
    with tempfile.TemporaryDirectory() as tmp:
        from jeugdregie.web.bench import small_region_store

        db = Path(args.db) if args.db else small_region_store(Path(tmp), seed=1, anomalies=True)
        for path in take(db, Path(args.out), set(args.only) if args.only else None):
            print(path)


if __name__ == "__main__":
    main()
