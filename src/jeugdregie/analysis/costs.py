"""Where does the money go: cost overview by service period and by municipality, category, product,
provider or referrer type.

Service period: ``declaration_line.service_month`` (when the care was delivered), never the declaration or
payment date. Net cost = debit minus credit (``signed_amount_cents``). Clients and trajectories are distinct
clients / assignments (municipality, ToewijzingNummer) whose net amount or volume in the group is not zero,
so a line that was credited in full does not count. Units are only summed within one product and one unit
(minutes are converted to hours, iJw TR341); at category, provider, municipality and referrer level units of
different products are not comparable, so those rows report cost-based figures only (cost per client).
Referrer type (COD327) comes from the 315 request behind the assignment (provider + ReferentieAanbieder);
assignments without a request (the municipality assigned directly) are reported as 'onbekend'.

Small cells: when the selection spans more than one municipality, client and trajectory counts below
``settings.small_cell_threshold`` are suppressed (None, ``suppressed`` true) together with the figures
derived from them (cost per client, units, units per client), using ``analysis.smallcells`` with
complementary suppression within each period (the period totals are shown). Amounts stay visible.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.budget import BUDGET_LINE_SQL
from jeugdregie.analysis.cost_change import UNIT_SQL, data_notes, group_label, line_filter, reference_names
from jeugdregie.analysis.reach import BANDS
from jeugdregie.analysis.service_periods import ServicePeriod, bucket_sql, parse_period
from jeugdregie.analysis.special_periods import notes_for
from jeugdregie.ijw.codelists import label
from jeugdregie.store.database import Database

#: age in whole years on the first day of the service month (a birthday later in that month counts next month)
AGE_SQL = ("(CAST(EXTRACT(YEAR FROM l.service_month) AS INTEGER) - CAST(EXTRACT(YEAR FROM c.birth_date) AS INTEGER)"
           " - CASE WHEN CAST(EXTRACT(MONTH FROM c.birth_date) AS INTEGER) * 100"
           " + CAST(EXTRACT(DAY FROM c.birth_date) AS INTEGER)"
           " > CAST(EXTRACT(MONTH FROM l.service_month) AS INTEGER) * 100 + 1 THEN 1 ELSE 0 END)")
#: the standard age bands 0-4, 4-12, 12-18, 18-23 ("tot": 4 belongs to 4-12); sortable codes, labels below
AGE_BAND_SQL = ("CASE WHEN c.birth_date IS NULL THEN 'onbekend' "
                + " ".join(f"WHEN {AGE_SQL} BETWEEN {lo} AND {hi} THEN '{lo:02d}-{hi + 1:02d}'" for lo, hi in BANDS)
                + f" WHEN {AGE_SQL} > {BANDS[-1][1]} THEN '{BANDS[-1][1] + 1:02d}+' ELSE 'onbekend' END")

COST_BY = {
    "category": "l.product_category",
    "product": "l.product_code",
    "provider": "l.provider_agb",
    "municipality": "l.municipality",
    "referrer": "COALESCE(r.referrer_type, 'onbekend')",
    "budget_line": BUDGET_LINE_SQL,
    "age_band": AGE_BAND_SQL,
    "gender": "COALESCE(c.gender, 'onbekend')",
    "pc4": "COALESCE(c.pc4, 'onbekend')",
    "total": "'totaal'",
}
COST_BY_HEADERS = {"category": "Productcategorie", "product": "Product", "provider": "Aanbieder",
                   "municipality": "Gemeente", "referrer": "Verwijzer", "budget_line": "Begrotingspost",
                   "age_band": "Leeftijdsklasse", "gender": "Geslacht", "pc4": "Postcode (PC4)", "total": "Totaal"}
#: groupings that need the client's attributes (birth date, gender, PC4 as stored at ingest)
CLIENT_BY = ("age_band", "gender", "pc4")
CLIENT_JOIN = " LEFT JOIN client c ON c.client_id = l.client_id"

REFERRER_JOIN = (
    " LEFT JOIN assignment a ON a.municipality = l.municipality AND a.toewijzing_nummer = l.toewijzing_nummer"
    " LEFT JOIN request r ON r.provider_agb = a.provider_agb AND r.referentie_aanbieder = a.referentie_aanbieder")


def cost_overview(db: Database, period: str, by: str = "category", per: str | None = None,
                  municipality: str | None = None, approved_only: bool = False,
                  as_of: date | None = None, products: list[str] | None = None,
                  product_set: str | None = None) -> dict[str, Any]:
    """Rows per (sub-period, group) with clients, trajectories, units, debit, credit, net cost and ratios.

    ``products`` restricts to these product codes (e.g. the Wlz-border set of ``rules/wlz.yaml``, C34);
    ``product_set`` is its Dutch name for the notes."""
    if by not in COST_BY:
        raise ValueError(f"onbekende indeling {by!r}: {', '.join(COST_BY)}")
    p: ServicePeriod = parse_period(period)  # also ranges for trends: 2021-2025, 2022H1-2023H2
    joins, where, params = line_filter(p, municipality, approved_only, as_of)
    if products is not None:
        if not products:
            raise ValueError("lege productset")
        where += f" AND l.product_code IN ({', '.join('?' * len(products))})"
        params = [*params, *products]
    if by == "referrer":
        joins += REFERRER_JOIN
    if by in CLIENT_BY:
        joins += CLIENT_JOIN
    bucket = bucket_sql(per, "l.service_month") if per else f"'{p.label}'"
    grp = COST_BY[by]
    # PostgreSQL rejects literal constants in GROUP BY: group only on the real expressions
    group_exprs = ", ".join(e for e in (bucket, grp) if not e.startswith("'"))
    per_client = (
        f"WITH pc AS (SELECT {bucket} AS bucket, {grp} AS grp, l.client_id, l.municipality AS gem, "  # noqa: S608 - fixed SQL fragments
        "l.toewijzing_nummer AS tw, l.product_code AS code, "
        f"{UNIT_SQL} AS unit_n, "
        "SUM(l.signed_amount_cents) AS net, "
        "SUM(CASE WHEN l.signed_amount_cents > 0 THEN l.signed_amount_cents ELSE 0 END) AS debit, "
        "SUM(CASE WHEN l.signed_amount_cents < 0 THEN -l.signed_amount_cents ELSE 0 END) AS credit, "
        "SUM(CASE WHEN l.unit = '01' THEN 0 ELSE l.signed_volume END) AS vol, "
        "SUM(CASE WHEN l.unit = '01' THEN l.signed_volume ELSE 0 END) AS minutes "
        f"{joins} {where} "
        f"GROUP BY {group_exprs + ', ' if group_exprs else ''}l.client_id, l.municipality, l.toewijzing_nummer, "
        f"l.product_code, {UNIT_SQL}), "
        "act AS (SELECT * FROM pc WHERE net <> 0 OR vol <> 0 OR minutes <> 0) ")
    money = db.query(per_client + (  # noqa: S608 - fixed SQL fragments
        "SELECT bucket, grp, SUM(net) AS net, SUM(debit) AS debit, SUM(credit) AS credit FROM pc "
        "GROUP BY bucket, grp"), params)
    counts = db.query(per_client + (  # noqa: S608 - fixed SQL fragments
        "SELECT bucket, grp, COUNT(DISTINCT client_id) AS clients, "
        "COUNT(DISTINCT gem || ':' || CAST(tw AS VARCHAR)) AS trajectories, "
        "COUNT(DISTINCT code) AS products, COUNT(DISTINCT code || ':' || unit_n) AS product_units, "
        "MIN(unit_n) AS unit, SUM(vol) AS vol, SUM(minutes) AS minutes FROM act GROUP BY bucket, grp"), params)
    totals = db.query(per_client + (  # noqa: S608 - fixed SQL fragments
        "SELECT bucket, COUNT(DISTINCT client_id) AS clients, "
        "COUNT(DISTINCT gem || ':' || CAST(tw AS VARCHAR)) AS trajectories FROM act GROUP BY bucket"), params)
    n_municipalities = int(db.query_value(
        f"SELECT COUNT(DISTINCT l.municipality) {joins} {where}", params) or 0)  # noqa: S608 - fixed SQL fragments
    suppress = municipality is None and n_municipalities > 1
    names = reference_names(db, by)
    cmap = {(r["bucket"], r["grp"]): r for r in counts}
    rows: list[dict[str, Any]] = []
    for m in sorted(money, key=lambda r: (str(r["bucket"]), str(r["grp"]))):
        c = cmap.get((m["bucket"], m["grp"]), {})
        clients = int(c.get("clients") or 0)
        trajectories = int(c.get("trajectories") or 0)
        net = int(m["net"] or 0)
        units: Fraction | None = None
        if by == "product" and int(c.get("product_units") or 0) == 1:
            units = Fraction(int(c.get("vol") or 0)) + Fraction(int(c.get("minutes") or 0), 60)
            if str(c.get("unit")) == "83":  # Eenheid 83 'Euro's': GeleverdVolume is in cents
                units /= 100
        rows.append({
            "period": str(m["bucket"]),
            "group_code": str(m["grp"]),
            "group": group_label(by, str(m["grp"]), names),
            "clients": clients,
            "trajectories": trajectories,
            "unit": label("eenheid", str(c.get("unit"))) if units is not None else None,
            "units": None if units is None else _num(units),
            "debit_cents": int(m["debit"] or 0),
            "credit_cents": int(m["credit"] or 0),
            "net_cents": net,
            "cost_per_client_cents": None if not clients else _round(Fraction(net, clients)),
            "units_per_client": None if units is None or not clients else _num(units / clients),
            "suppressed": False,
        })
    hidden = 0
    threshold = smallcells.threshold()
    if suppress:
        s = smallcells.suppress_rows(rows, ["clients", "trajectories"],
                                     ["cost_per_client_cents", "units", "units_per_client"], group_keys=["period"])
        rows, hidden = s.rows, s.suppressed
    # every sub-period with money gets a total, also one whose lines were all credited (no active client)
    tmap = {str(t["bucket"]): t for t in totals}
    total_rows = []
    for bucket in sorted({r["period"] for r in rows}):
        in_bucket = [r for r in rows if r["period"] == bucket]
        t = tmap.get(bucket, {})
        net = sum(r["net_cents"] for r in in_bucket)
        clients = int(t.get("clients") or 0)
        total_rows.append({"period": bucket, "clients": clients, "trajectories": int(t.get("trajectories") or 0),
                           "net_cents": net,
                           "debit_cents": sum(r["debit_cents"] for r in in_bucket),
                           "credit_cents": sum(r["credit_cents"] for r in in_bucket),
                           "cost_per_client_cents": _round(Fraction(net, clients)) if clients else None})
    grand_total: dict[str, Any] | None = None
    if per:  # unique clients over the whole period: never the sum of the sub-periods
        g = db.query(per_client + (  # noqa: S608 - fixed SQL fragments
            "SELECT COUNT(DISTINCT client_id) AS clients, "
            "COUNT(DISTINCT gem || ':' || CAST(tw AS VARCHAR)) AS trajectories FROM act"), params)[0]
        clients = int(g["clients"] or 0)
        net = sum(t["net_cents"] for t in total_rows)
        grand_total = {"period": p.label, "clients": clients, "trajectories": int(g["trajectories"] or 0),
                       "net_cents": net, "debit_cents": sum(t["debit_cents"] for t in total_rows),
                       "credit_cents": sum(t["credit_cents"] for t in total_rows),
                       "cost_per_client_cents": _round(Fraction(net, clients)) if clients else None}
    notes = ["Periode = maand waarin de zorg is geleverd (niet de betaaldatum); netto = debet min credit."]
    if by != "product":
        notes.append("Eenheden van verschillende producten zijn niet optelbaar: op dit niveau alleen kosten per cliënt.")
    else:
        notes.append("Minuten zijn omgerekend naar uren; producten met meer dan één eenheid tonen geen eenheden.")
    if hidden:
        notes.append(smallcells.NOTE_NL.format(n=hidden, t=threshold)
                     + " (selectie over meer dan één gemeente)")
    if approved_only:
        notes.append("Alleen declaratieregels die met de 325 zijn toegekend.")
    data_until, extra = data_notes(db, as_of)
    notes.extend(extra)
    notes.extend(notes_for(db, [(p.start, p.end)], municipality))
    if products is not None:
        notes.insert(0, f"Alleen {product_set or 'de productset'}: {', '.join(sorted(products))}.")
    return {"period": p.label, "by": by, "as_of": as_of, "data_until": data_until, "suppressed": hidden, "per": per, "municipality": municipality, "approved_only": approved_only,
            "products": products, "product_set": product_set, "rows": rows, "totals": total_rows, "grand_total": grand_total, "notes": notes}


def _round(f: Fraction) -> int:
    from jeugdregie.money import round_half_up

    return round_half_up(f.numerator, f.denominator)


def _num(f: Fraction) -> int | float:
    return int(f) if f.denominator == 1 else round(float(f), 4)
