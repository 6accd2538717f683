"""Tariff comparison (C48, C39): what does non-contracted care cost compared with contracted care for the same
product, and what does nationally purchased care (LTA, JZ020 category 55) cost compared with regional care.

Comparable means: the same product code and the same unit (minutes converted to hours, iJw TR341) for
contracted versus non-contracted care; for LTA versus regional care, LTA products carry their own codes, so
the comparison is per unit (hour, day, ...) over all products with that unit: indicative only.

Price per unit = net amount / net units of the group (debit minus credit), computed exactly as a Fraction
and rounded half-up to whole cents. Premium = price non-contracted - price contracted (per unit and as a
fraction of the contracted price); extra cost = (price_nc - price_c) x units_nc, exact, rounded once.

Contracted: a line whose municipality has a contract list (table ``contract``) and whose provider has a
contract valid on the line's period start for the product code, or for the whole JZ020 category
(product_code ''), the same rule as the ``non_contracted`` signal. Lines of municipalities without a contract
list are left out of the contracted/non-contracted comparison (reported in the notes).

Small cells: across more than one municipality, client counts below the threshold are hidden together with
the units, prices and premiums derived from them (``analysis.smallcells``); amounts stay visible.
No causal claim: the case mix of clients may differ between contracted and non-contracted providers.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.cost_change import UNIT_SQL, group_label, line_filter, reference_names
from jeugdregie.analysis.costs import REFERRER_JOIN
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.ijw.codelists import label
from jeugdregie.money import format_eur, round_half_up
from jeugdregie.store.database import Database

LTA_CATEGORY = "55"

_VALID = ("k.municipality = l.municipality AND k.provider_agb = l.provider_agb AND k.valid_from <= l.period_start "
          "AND (k.valid_to IS NULL OR l.period_start <= k.valid_to) AND (k.product_code = l.product_code "
          "OR (k.product_code = '' AND k.product_category = l.product_category))")
#: 'c' contracted, 'n' not contracted, 'u' unknown (the municipality has no contract list)
CONTRACT_SQL = ("CASE WHEN NOT EXISTS (SELECT 1 FROM contract k WHERE k.municipality = l.municipality) THEN 'u' "  # noqa: S608
                f"WHEN EXISTS (SELECT 1 FROM contract k WHERE {_VALID}) THEN 'c' ELSE 'n' END")

NOTES_NL = [
    "Vergelijkbaar = zelfde productcode en zelfde eenheid (minuten omgerekend naar uren). Prijs per eenheid = "
    "netto bedrag / netto eenheden (debet min credit).",
    "Meerkosten = (prijs niet-gecontracteerd - prijs gecontracteerd) x eenheden niet-gecontracteerd.",
    "LTA (categorie 55, landelijk ingekocht) heeft eigen productcodes: de vergelijking met regionale zorg is per "
    "eenheid over alle producten met die eenheid en dus indicatief.",
    "De cliëntpopulatie (zwaarte, leeftijd) kan verschillen tussen de groepen: een prijsverschil zegt niets over "
    "oorzaak of doelmatigheid.",
]


def _cents(f: Fraction) -> int:
    return round_half_up(f.numerator, f.denominator)


def _units(row: dict[str, Any], unit: str) -> Fraction:
    u = Fraction(int(row["vol"] or 0)) + Fraction(int(row["minutes"] or 0), 60)
    return u / 100 if unit == "83" else u  # Eenheid 83 'Euro's': GeleverdVolume is in cents


def _num(f: Fraction) -> int | float:
    return int(f) if f.denominator == 1 else round(float(f), 4)


def _aggregate(db: Database, base: str, params: list[Any], keys: list[str]) -> list[dict[str, Any]]:
    k = ", ".join(keys)
    active = "(net <> 0 OR vol <> 0 OR minutes <> 0)"
    return db.query(
        f"WITH x AS ({base}), pc AS (SELECT {k}, client_id, agb, SUM(amt) AS net, SUM(v) AS vol, SUM(m) AS minutes "  # noqa: S608 - fixed SQL fragments
        f"FROM x GROUP BY {k}, client_id, agb) "
        f"SELECT {k}, SUM(net) AS net, SUM(vol) AS vol, SUM(minutes) AS minutes, "
        f"COUNT(DISTINCT CASE WHEN {active} THEN client_id END) AS clients, "
        f"COUNT(DISTINCT CASE WHEN {active} THEN agb END) AS providers FROM pc GROUP BY {k}", params)


def _side(row: dict[str, Any] | None, unit: str) -> tuple[int, Fraction, int, int, Fraction | None]:
    if row is None:
        return 0, Fraction(0), 0, 0, None
    net, units = int(row["net"] or 0), _units(row, unit)
    return net, units, int(row["clients"] or 0), int(row["providers"] or 0), (Fraction(net) / units if units else None)


def tariff_comparison(db: Database, period: str, municipality: str | None = None) -> dict[str, Any]:
    """Per product contracted vs non-contracted price per unit with the premium; LTA vs regional per unit; LTA
    cost per referrer type."""
    p = parse_period(period)
    joins, where, params = line_filter(p, municipality, False)
    base = ("SELECT l.municipality AS gem, l.provider_agb AS agb, l.client_id, l.product_code AS code, "  # noqa: S608
            f"{UNIT_SQL} AS unit_n, CASE WHEN l.product_category = '{LTA_CATEGORY}' THEN 'lta' ELSE 'reg' END AS lta, "
            f"{CONTRACT_SQL} AS ctr, COALESCE(r.referrer_type, 'onbekend') AS ref, l.signed_amount_cents AS amt, "
            "CASE WHEN l.unit = '01' THEN 0 ELSE l.signed_volume END AS v, "
            "CASE WHEN l.unit = '01' THEN l.signed_volume ELSE 0 END AS m "
            f"{joins}{REFERRER_JOIN} {where}")
    n_gem = int(db.query_value(f"SELECT COUNT(DISTINCT l.municipality) {joins} {where}", params) or 0)  # noqa: S608
    suppress = municipality is None and n_gem > 1
    names = reference_names(db, "product")

    by_ctr = {(r["code"], r["unit_n"], r["ctr"]): r for r in _aggregate(db, base, params, ["code", "unit_n", "ctr"])}
    products: list[dict[str, Any]] = []
    for code, unit in sorted({(c, u) for c, u, k in by_ctr if k != "u"}):
        net_c, units_c, cl_c, pr_c, price_c = _side(by_ctr.get((code, unit, "c")), unit)
        net_n, units_n, cl_n, pr_n, price_n = _side(by_ctr.get((code, unit, "n")), unit)
        comparable = price_c is not None and price_n is not None
        diff = price_n - price_c if comparable and price_n is not None and price_c is not None else None
        products.append({
            "product_code": code, "product": group_label("product", code, names), "unit_code": unit,
            "unit": label("eenheid", unit),
            "net_cents_c": net_c, "units_c": _num(units_c), "clients_c": cl_c, "providers_c": pr_c,
            "price_cents_c": None if price_c is None else _cents(price_c),
            "net_cents_nc": net_n, "units_nc": _num(units_n), "clients_nc": cl_n, "providers_nc": pr_n,
            "price_cents_nc": None if price_n is None else _cents(price_n),
            "premium_cents": None if diff is None else _cents(diff),
            "premium_pct": None if diff is None or not price_c else round(float(diff / price_c), 4),
            "extra_cost_cents": None if diff is None else _cents(diff * units_n),
            "comparable": comparable, "suppressed": False,
        })
    unknown = [r for (_, _, k), r in by_ctr.items() if k == "u"]

    by_lta = {(r["lta"], r["unit_n"]): r for r in _aggregate(db, base, params, ["lta", "unit_n"])}
    lta: list[dict[str, Any]] = []
    for unit in sorted({u for k, u in by_lta if k == "lta"}):
        net_l, units_l, cl_l, pr_l, price_l = _side(by_lta.get(("lta", unit)), unit)
        net_r, units_r, cl_r, pr_r, price_r = _side(by_lta.get(("reg", unit)), unit)
        diff = price_l - price_r if price_l is not None and price_r is not None else None
        lta.append({
            "unit_code": unit, "unit": label("eenheid", unit),
            "net_cents_lta": net_l, "units_lta": _num(units_l), "clients_lta": cl_l, "providers_lta": pr_l,
            "price_cents_lta": None if price_l is None else _cents(price_l),
            "net_cents_reg": net_r, "units_reg": _num(units_r), "clients_reg": cl_r, "providers_reg": pr_r,
            "price_cents_reg": None if price_r is None else _cents(price_r),
            "difference_cents": None if diff is None else _cents(diff),
            "difference_pct": None if diff is None or not price_r else round(float(diff / price_r), 4),
            "comparable": diff is not None, "suppressed": False,
        })

    refs = [r for r in _aggregate(db, base, params, ["lta", "ref"]) if r["lta"] == "lta"]
    lta_total = sum(int(r["net"] or 0) for r in refs)
    referrers = [{"referrer_code": r["ref"], "referrer": group_label("referrer", str(r["ref"]), {}),
                  "net_cents": int(r["net"] or 0), "clients": int(r["clients"] or 0),
                  "share": round(int(r["net"] or 0) / lta_total, 4) if lta_total else None,
                  "cost_per_client_cents": _cents(Fraction(int(r["net"] or 0), int(r["clients"])))
                  if r["clients"] else None, "suppressed": False}
                 for r in sorted(refs, key=lambda r: str(r["ref"]))]

    hidden = 0
    if suppress:
        for rows, counts, deps in (
                (products, ["clients_c", "clients_nc"],
                 ["units_c", "units_nc", "price_cents_c", "price_cents_nc", "premium_cents", "premium_pct",
                  "extra_cost_cents", "providers_c", "providers_nc"]),
                (lta, ["clients_lta", "clients_reg"],
                 ["units_lta", "units_reg", "price_cents_lta", "price_cents_reg", "difference_cents",
                  "difference_pct", "providers_lta", "providers_reg"]),
                (referrers, ["clients"], ["cost_per_client_cents"])):
            s = smallcells.suppress_rows(rows, counts, deps)
            rows[:] = s.rows
            hidden += s.suppressed
    notes = [f"Periode {p.label}: maand waarin de zorg is geleverd (niet de betaaldatum).", *NOTES_NL]
    if unknown:
        notes.append(f"{len(unknown)} product/eenheid-groep(en) met netto "
                     f"{format_eur(sum(int(r['net'] or 0) for r in unknown))} vallen buiten de vergelijking "
                     "gecontracteerd/niet-gecontracteerd: de gemeente heeft geen contractenlijst.")
    extra = [r["extra_cost_cents"] for r in products if r["extra_cost_cents"] is not None]
    if hidden:
        notes.append(smallcells.NOTE_NL.format(n=hidden, t=smallcells.threshold())
                     + " (selectie over meer dan één gemeente); de totale meerkosten tellen alleen zichtbare rijen.")
    return {"period": p.label, "municipality": municipality, "products": products,
            "extra_cost_total_cents": sum(extra), "lta": lta, "lta_referrers": referrers,
            "lta_net_cents": lta_total, "suppressed": hidden, "notes": notes}
