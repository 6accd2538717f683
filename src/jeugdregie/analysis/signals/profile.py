"""Provider profile for the contract conversation: clients, products against peers, revenue trend with its
decomposition, declaration lag, signals and the provider's position among all providers.

Counts of clients are aggregates over the selection; without a municipality filter and with more than one
municipality in the store, small counts are hidden by the small-cell rule (amounts stay visible).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from fractions import Fraction
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.analysis.signals.data import CREDITED_SQL, Scope, provider_names
from jeugdregie.analysis.signals.engine import compute_signals
from jeugdregie.analysis.signals.followup import attach
from jeugdregie.analysis.signals.ranking import rank
from jeugdregie.analysis.signals.stats import LAG_BUCKETS, lag_profile, provider_decomposition
from jeugdregie.cli.output import Column, Table
from jeugdregie.store.database import Database

_EFFECTIVE = f"l.debit_credit = 'D' AND st.status <> 'rejected' AND NOT {CREDITED_SQL}"


def _per_provider_product(db: Database, scope: Scope) -> list[dict[str, Any]]:
    where, params = scope.where()
    return db.query(
        "SELECT l.provider_agb, l.product_category, l.product_code, "  # noqa: S608 - fixed SQL fragments
        "CASE WHEN l.unit = '01' THEN '04' ELSE l.unit END AS unit_n, COUNT(DISTINCT l.client_id) AS clients, "
        "COUNT(DISTINCT l.client_id || '|' || CAST(l.service_month AS VARCHAR)) AS client_months, "
        "SUM(CASE WHEN l.unit = '01' THEN 0 ELSE l.volume END) AS vol, "
        "SUM(CASE WHEN l.unit = '01' THEN l.volume ELSE 0 END) AS minutes, SUM(l.amount_cents) AS cost "
        "FROM declaration_line l JOIN declaration_line_status st ON st.provider_agb = l.provider_agb "
        f"AND st.referentie_nummer = l.referentie_nummer WHERE {_EFFECTIVE} AND {where} "
        "GROUP BY l.provider_agb, l.product_category, l.product_code, CASE WHEN l.unit = '01' THEN '04' ELSE l.unit END",
        params)


def profile(db: Database, agb: str, period: str, municipality: str | None = None,
            thresholds: dict[str, Any] | None = None) -> dict[str, Any]:
    p = parse_period(period)
    names = provider_names(db)
    everyone = Scope(p, None, municipality)
    rows = _per_provider_product(db, everyone)
    mine = [r for r in rows if r["provider_agb"] == agb]
    n_muni = int(db.query_value("SELECT COUNT(DISTINCT municipality) FROM declaration_line") or 0)
    suppress = municipality is None and n_muni > 1
    mask = (lambda n: smallcells.mask(n)) if suppress else (lambda n: n)

    # clients and totals
    where, params = Scope(p, agb, municipality).where()
    totals = db.query(
        "SELECT COUNT(DISTINCT l.client_id) AS clients, COUNT(*) AS lines, SUM(l.amount_cents) AS cost "  # noqa: S608
        "FROM declaration_line l JOIN declaration_line_status st ON st.provider_agb = l.provider_agb "
        f"AND st.referentie_nummer = l.referentie_nummer WHERE {_EFFECTIVE} AND {where}", params)[0]
    cost_all: dict[str, int] = defaultdict(int)
    for r in rows:
        cost_all[r["provider_agb"]] += int(r["cost"])
    own_cost = int(totals["cost"] or 0)
    total_cost = sum(cost_all.values())
    revenue_rank = sorted(cost_all, key=lambda a: -cost_all[a]).index(agb) + 1 if agb in cost_all else None

    # products against peers (units per client-month)
    by_product: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for r in rows:
        if r["unit_n"] == "83":
            continue
        units = Fraction(int(r["vol"])) + Fraction(int(r["minutes"]), 60)
        by_product[(r["product_code"], r["unit_n"])][r["provider_agb"]] = float(units / int(r["client_months"]))
    products = []
    for r in sorted(mine, key=lambda r: -int(r["cost"])):
        units = Fraction(int(r["vol"])) + Fraction(int(r["minutes"]), 60)
        peers = [x for a, x in by_product.get((r["product_code"], r["unit_n"]), {}).items() if a != agb]
        x = by_product.get((r["product_code"], r["unit_n"]), {}).get(agb)
        products.append({
            "product": r["product_code"], "category": r["product_category"], "unit": r["unit_n"],
            "clients": mask(int(r["clients"])), "units": round(float(units), 2), "cost_cents": int(r["cost"]),
            "cost_per_unit_cents": int(round(int(r["cost"]) / units)) if units and r["unit_n"] != "83" else None,
            "units_per_client_month": None if x is None else round(x, 2),
            "peer_median_units_per_client_month": round(statistics.median(peers), 2) if peers else None,
            "peers": len(peers)})

    # revenue trend per service year
    trend_rows = db.query(
        "SELECT EXTRACT(YEAR FROM l.service_month) AS year, COUNT(DISTINCT l.client_id) AS clients, "  # noqa: S608
        "SUM(l.amount_cents) AS cost FROM declaration_line l JOIN declaration_line_status st "
        "ON st.provider_agb = l.provider_agb AND st.referentie_nummer = l.referentie_nummer "
        f"WHERE {_EFFECTIVE} AND l.provider_agb = ?" + (" AND l.municipality = ?" if municipality else "")
        + " GROUP BY 1 ORDER BY 1", [agb, municipality] if municipality else [agb])
    trend = [{"year": int(r["year"]), "clients": mask(int(r["clients"])), "cost_cents": int(r["cost"])}
             for r in trend_rows]

    dec = provider_decomposition(db, p, municipality)
    decomposition = None
    if dec is not None:
        row = next((r for r in dec["rows"] if r["group"] == agb), None)
        if row is not None:
            decomposition = {"from": dec["from"], "to": dec["to"], "cost_from_cents": row["cost_from_cents"],
                             "cost_to_cents": row["cost_to_cents"], "change_cents": row["change"],
                             "components_cents": row["components"], "shares": row["shares"],
                             "clients": {k: mask(v) for k, v in row["clients"].items()},
                             "method": dec["method"], "note": row["note"],
                             "descriptive_not_causal": True}

    lags = lag_profile(db, everyone)

    def bucket_shares(pr: dict[str, Any]) -> dict[str, float]:
        return {label: round(sum(c for lag, c in pr["by_lag"].items() if lo <= lag <= hi) / pr["total"], 4)
                for lo, hi, label in LAG_BUCKETS} if pr["total"] else {}

    own_lag = bucket_shares(lags[agb]) if agb in lags else {}
    peer_lag = {label: round(statistics.median([bucket_shares(pr)[label] for a, pr in lags.items()
                                                if a != agb and pr["total"]]), 4)
                for _, _, label in LAG_BUCKETS} if len(lags) > 1 else {}

    ranked = rank(compute_signals(db, period, agb, None, municipality, thresholds=thresholds), thresholds)
    attach(db, ranked)
    mine_ranked = ranked[0] if ranked else None
    return {
        "provider": agb, "name": names.get(agb), "period": p.label, "municipality": municipality,
        "clients": mask(int(totals["clients"] or 0)), "lines": int(totals["lines"] or 0), "cost_cents": own_cost,
        "share_of_spending": round(own_cost / total_cost, 4) if total_cost else None,
        "revenue_rank": revenue_rank, "providers": len(cost_all),
        "products": products, "trend": trend, "decomposition": decomposition,
        "lag_profile": {"provider": own_lag, "peer_median": peer_lag,
                        "basis": "aandeel van het gedeclareerde bedrag naar maanden tussen zorgmaand en declaratiedatum"},
        "score": mine_ranked["score"] if mine_ranked else 0.0,
        "amount_at_stake_cents": mine_ranked["amount_at_stake_cents"] if mine_ranked else 0,
        "signals": mine_ranked["signals"] if mine_ranked else [],
        "notes": ["Ontleding en signalen zijn beschrijvend: ze zeggen niet waarom iets gebeurde of dat er opzet is."]
        + ([smallcells.NOTE_NL.format(n="Kleine", t=smallcells.threshold())] if suppress else []),
    }


def overview(db: Database, period: str, municipality: str | None = None,
             thresholds: dict[str, Any] | None = None) -> dict[str, Any]:
    """All providers of the period: revenue, clients, share of spending, signal score and amount at stake."""
    p = parse_period(period)
    names = provider_names(db)
    where, params = Scope(p, None, municipality).where()
    rows = db.query(
        "SELECT l.provider_agb, COUNT(DISTINCT l.client_id) AS clients, SUM(l.amount_cents) AS cost "  # noqa: S608
        "FROM declaration_line l JOIN declaration_line_status st ON st.provider_agb = l.provider_agb "
        f"AND st.referentie_nummer = l.referentie_nummer WHERE {_EFFECTIVE} AND {where} "
        "GROUP BY l.provider_agb ORDER BY SUM(l.amount_cents) DESC", params)
    n_muni = int(db.query_value("SELECT COUNT(DISTINCT municipality) FROM declaration_line") or 0)
    suppress = municipality is None and n_muni > 1
    ranked = {r["provider"]: r for r in rank(compute_signals(db, period, None, None, municipality,
                                                             thresholds=thresholds), thresholds)}
    total = sum(int(r["cost"]) for r in rows)
    out = []
    for i, r in enumerate(rows, start=1):
        agb = r["provider_agb"]
        sig = ranked.get(agb)
        out.append({"provider": agb, "name": names.get(agb), "revenue_rank": i,
                    "clients": smallcells.mask(int(r["clients"])) if suppress else int(r["clients"]),
                    "cost_cents": int(r["cost"]), "share_of_spending": round(int(r["cost"]) / total, 4) if total else None,
                    "score": sig["score"] if sig else 0.0, "signal_rank": sig["rank"] if sig else None,
                    "amount_at_stake_cents": sig["amount_at_stake_cents"] if sig else 0,
                    "types": sig["types"] if sig else []})
    notes = ["Kies een aanbieder met jeugdregie provider AGB --period ... voor het volledige profiel."]
    if suppress:
        notes.append(smallcells.NOTE_NL.format(n="Kleine", t=smallcells.threshold()))
    return {"period": p.label, "municipality": municipality, "providers": out, "notes": notes}


def overview_table(result: dict[str, Any]) -> Table:
    for r in result["providers"]:
        r["types_text"] = ", ".join(r["types"])
    return Table(f"Aanbieders {result['period']}", [
        Column("revenue_rank", "#", "int"), Column("provider", "AGB"), Column("name", "Aanbieder"),
        Column("clients", "Cliënten", "int"), Column("cost_cents", "Gedeclareerd", "cents"),
        Column("share_of_spending", "Aandeel", "pct"), Column("score", "Signaalscore", "float"),
        Column("amount_at_stake_cents", "In het geding", "cents"), Column("types_text", "Signalen")],
        result["providers"], notes=result["notes"])


def profile_tables(result: dict[str, Any]) -> list[Table]:
    agb = result["provider"]
    name = f"{agb} {result['name'] or ''}".strip()
    summary = [
        {"item": "Zorgperiode", "value": result["period"]},
        {"item": "Cliënten", "value": "–" if result["clients"] is None else str(result["clients"])},
        {"item": "Declaratieregels", "value": str(result["lines"])},
        {"item": "Gedeclareerd (netto, niet afgewezen)", "value": _eur(result["cost_cents"])},
        {"item": "Aandeel in de uitgaven", "value": _pct(result["share_of_spending"])},
        {"item": "Positie naar omzet", "value": f"{result['revenue_rank']} van {result['providers']}"
         if result["revenue_rank"] else "–"},
        {"item": "Signaalscore", "value": f"{result['score']:.2f}".replace(".", ",")},
        {"item": "Totaal in het geding", "value": _eur(result["amount_at_stake_cents"])},
    ]
    d = result["decomposition"]
    if d:
        c = d["components_cents"]
        summary += [{"item": f"Verandering {d['from']} → {d['to']}", "value": _eur(d["change_cents"])},
                    {"item": "  waarvan cliënten (volume + mix)", "value": _eur(c["volume"] + c["mix"])},
                    {"item": "  waarvan intensiteit", "value": _eur(c["intensity"])},
                    {"item": "  waarvan prijs", "value": _eur(c["price"])}]
    tables = [Table(f"Aanbieder {name}", [Column("item", "Onderdeel"), Column("value", "Waarde")], summary,
                    notes=result["notes"])]
    tables.append(Table("Producten", [
        Column("product", "Product"), Column("unit", "Eenheid"), Column("clients", "Cliënten", "int"),
        Column("units", "Eenheden", "float"), Column("cost_cents", "Kosten", "cents"),
        Column("cost_per_unit_cents", "Prijs per eenheid", "cents"),
        Column("units_per_client_month", "Eenheden per cliëntmaand", "float"),
        Column("peer_median_units_per_client_month", "Mediaan andere aanbieders", "float"),
        Column("peers", "Andere aanbieders", "int")], result["products"]))
    tables.append(Table("Omzettrend", [Column("year", "Jaar"), Column("clients", "Cliënten", "int"),
                                       Column("cost_cents", "Kosten", "cents")], result["trend"]))
    lag = result["lag_profile"]
    tables.append(Table("Declaratievertraging", [
        Column("bucket", "Maanden na zorgmaand"), Column("own", "Aanbieder", "pct"),
        Column("peer", "Mediaan andere aanbieders", "pct")],
        [{"bucket": b, "own": lag["provider"].get(b), "peer": lag["peer_median"].get(b)} for _, _, b in LAG_BUCKETS]))
    tables.append(Table("Signalen", [
        Column("type", "Signaal"), Column("amount_cents", "Bedrag", "cents"), Column("strength", "Sterkte", "float"),
        Column("points", "Punten", "float"), Column("summary", "Omschrijving"), Column("status", "Opvolging"),
        Column("key", "Sleutel")],
        [{**s, "status": s.get("followup", {}).get("status")} for s in result["signals"]]))
    return tables


def _eur(cents: int | None) -> str:
    from jeugdregie.money import format_eur

    return format_eur(cents)


def _pct(x: float | None) -> str:
    from jeugdregie.money import format_pct

    return format_pct(x) if x is not None else "–"
