"""Driving the web monitor in headless Debian Chromium (Playwright): a server thread on loopback and the
browser launch options. Used by the browser tests and by ``python -m jeugdregie.web.screenshots``.

Never downloads a browser: it uses the system Chromium at ``CHROMIUM``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_in_thread(app: Any, port: int | None = None) -> Iterator[str]:
    """Run ``app`` with uvicorn on loopback in a thread; yields the base URL (http://localhost:PORT)."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("webserver start niet")
        time.sleep(0.05)
    try:
        yield f"http://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """A headless system Chromium (Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def login(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


#: a demonstration measure, entered through the form by the browser test and the screenshots
DEMO_MEASURE = {"nummer": "M12", "titel": "Praktijkondersteuner jeugd bij de huisarts", "actielijn": "A2 Toegang",
                "sturingsniveau": "toegang", "beoogd_effect": "Minder verwijzingen naar specialistische jeugdhulp",
                "tussenresultaat": "POH-jeugd in 12 van de 15 praktijken", "year_0": "2025", "gross_0": "250.000",
                "needed_0": "90.000", "net_0": "160.000", "cp_period_0": "2025H2",
                "cp_label_0": "tweede halfjaarrapportage 2025", "cp_focus_0": "aantal verwijzingen via de huisarts",
                "risicos": "Werving van POH'ers", "aannames": "Huisartsen verwijzen minder door"}


def add_measure(page: Any, base: str, fields: dict[str, str] = DEMO_MEASURE) -> None:
    """Fill and submit the 'Nieuwe maatregel' form of the Maatregelen page (as a gemeente user)."""
    page.goto(f"{base}/maatregelen")
    page.click("text=Nieuwe maatregel toevoegen")
    page.wait_for_load_state("networkidle")
    for name, value in fields.items():
        page.fill(f"form.edit [name={name}]", value)
    page.select_option("form.edit [name=status]", "in uitvoering")
    page.click("form.edit button[type=submit]")
    page.wait_for_load_state("networkidle")
