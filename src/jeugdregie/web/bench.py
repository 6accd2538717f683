"""`jeugdregie bench web`: bounded load on the web monitor over loopback, p50/p95 per page and errors.

The server runs as a separate process (``jeugdregie serve``), so the load generator does not share its
interpreter. Each virtual user logs in once (a gemeente user of the municipality with the most declarations)
and then requests the pages and two API/export calls in random order until the time is up.

Baseline, measured in the same run: the first (cold, uncached) request of each page by one user, which is
what every request would cost without the per-data-version result cache.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def small_region_store(folder: Path, seed: int = 1, anomalies: bool = False) -> Path:
    """Generate a small synthetic region in ``folder`` and ingest it into ``folder/region.duckdb`` (marked
    synthetic). Used by ``bench web``, the screenshots and the web tests."""
    from jeugdregie.ingest.loader import Ingester
    from jeugdregie.store import connect
    from jeugdregie.store.meta import set_meta
    from jeugdregie.synth.config import SynthOptions
    from jeugdregie.synth.generator import generate

    generate(SynthOptions(out=str(folder / "region"), scale="small", seed=seed, inject_anomalies=anomalies))
    path = folder / "region.duckdb"
    db = connect(str(path))
    set_meta(db, "synthetic", "true")
    Ingester(db, b"synthetic-demo-key-0123456789", user="synth").run([folder / "region" / "ijw"])
    db.close()
    return path


def prepare(db_path: str) -> tuple[str, str, str, int]:
    """Create the bench user; returns (email, password, municipality, year)."""
    from jeugdregie.store import connect
    from jeugdregie.web.accounts import AccountError, add_user, set_password

    db = connect(db_path)
    try:
        mun = str(db.query_value("SELECT municipality FROM declaration_line GROUP BY 1 ORDER BY count(*) DESC "
                                 "LIMIT 1"))
        year = int(db.query_value("SELECT CAST(EXTRACT(YEAR FROM max(service_month)) AS INTEGER) "
                                  "FROM declaration_line"))
        email, password = f"bench-{mun}@example.invalid", secrets.token_urlsafe(16)
        try:
            add_user(db, email, "gemeente", mun, password=password)
        except AccountError:
            set_password(db, email, password)
        db.execute("DELETE FROM web_login_attempt WHERE attempt_key = ?", ["email:" + email])
    finally:
        db.close()
    return email, password, mun, year


def targets(mun: str, year: int) -> dict[str, str]:
    return {
        "Overzicht": f"/overzicht?period={year}",
        "Kosten": f"/kosten?period={year}",
        "Budget & prognose": f"/budget?period={year}",
        "Aanbieders": f"/aanbieders?period={year}",
        "Toegang": f"/toegang?period={year}",
        "API costs": f"/api/costs?period={year}&by=category&municipality={mun}",
        "Excel costs": f"/download/xlsx/costs?period={year}&municipality={mun}",
    }


def _login(base: str, email: str, password: str) -> Any:
    import httpx

    client = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    if r.status_code != 303:
        raise RuntimeError(f"inloggen mislukt: {r.status_code}")
    return client


def run(db_path: str, users: int = 20, duration: float = 60.0, port: int = 8765, seed: int = 1) -> dict[str, Any]:
    import httpx

    email, password, mun, year = prepare(db_path)
    env = {**os.environ, "JEUGDREGIE_SESSION_KEY": secrets.token_hex(16)}
    server = subprocess.Popen([sys.executable, "-m", "jeugdregie", "serve", "--db", db_path, "--port", str(port),
                               "--insecure-cookies"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server start niet: " + (server.stderr.read().decode()[-2000:]
                                                             if server.stderr else ""))
            time.sleep(0.2)
        pages = targets(mun, year)
        first = _login(base, email, password)
        cold: dict[str, float] = {}
        for name, url in pages.items():
            t0 = time.perf_counter()
            r = first.get(url)
            cold[name] = time.perf_counter() - t0
            if r.status_code != 200:
                raise RuntimeError(f"{name}: {r.status_code} {r.text[:200]}")
        first.close()
        samples: dict[str, list[float]] = {n: [] for n in pages}
        errors: dict[str, int] = {n: 0 for n in pages}
        lock = threading.Lock()
        stop_at = time.monotonic() + duration

        def worker(i: int) -> None:
            rng = random.Random(seed * 1000 + i)
            client = _login(base, email, password)
            names = list(pages)
            while time.monotonic() < stop_at:
                name = rng.choice(names)
                t0 = time.perf_counter()
                try:
                    ok = client.get(pages[name]).status_code == 200
                except httpx.HTTPError:
                    ok = False
                dt = time.perf_counter() - t0
                with lock:
                    samples[name].append(dt)
                    if not ok:
                        errors[name] += 1
            client.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(users)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    all_samples = [x for v in samples.values() for x in v]
    per_page = {n: {"requests": len(v), "errors": errors[n], "p50_ms": round(_quantile(v, 0.5) * 1000, 1),
                    "p95_ms": round(_quantile(v, 0.95) * 1000, 1), "max_ms": round(max(v) * 1000, 1) if v else None,
                    "cold_ms": round(cold[n] * 1000, 1)} for n, v in samples.items()}
    return {"db": str(Path(db_path).name), "users": users, "duration_s": round(elapsed, 1),
            "municipality": mun, "period": year, "requests": len(all_samples),
            "throughput_rps": round(len(all_samples) / elapsed, 1) if elapsed else None,
            "errors": sum(errors.values()),
            "p50_ms": round(_quantile(all_samples, 0.5) * 1000, 1), "p95_ms": round(_quantile(all_samples, 0.95) * 1000, 1),
            "cold_median_ms": round(statistics.median(cold.values()) * 1000, 1), "pages": per_page,
            "cpu_count": os.cpu_count(), "load_avg": os.getloadavg()}
