"""The growth decomposition on the store: declared care between two service periods.

Cells are (``--by`` group, product, unit): the decomposition runs per cell (so mix is the shift of clients
between products, and for ``--by provider|municipality`` also between providers/municipalities for the same
product) and the exact cell effects are summed into the ``--by`` rows before rounding to cents.

Figures per cell and period (service period = ``service_month`` of the line, never the payment date):
cost = net signed amount (debit minus credit); units = net signed volume, minutes (unit 01) converted to
hours (unit 04) because iJw allows minutes against an hourly assignment (TR341); clients = distinct
clients whose net amount or volume in the cell is not zero (a fully credited line does not make a client).
Volume is the number of distinct clients in the whole selection.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.decomposition import GroupFigures, decompose
from jeugdregie.analysis.service_periods import ServicePeriod, parse_period
from jeugdregie.analysis.special_periods import notes_for
from jeugdregie.ijw.codelists import label
from jeugdregie.store.database import Database

BY_COLUMNS = {
    "category": "l.product_category",
    "product": "l.product_code",
    "provider": "l.provider_agb",
    "municipality": "l.municipality",
}
BY_HEADERS = {"category": "Productcategorie", "product": "Product", "provider": "Aanbieder",
              "municipality": "Gemeente"}

#: unit normalisation: minutes are counted as hours (1/60), everything else as declared
UNIT_SQL = "CASE WHEN l.unit = '01' THEN '04' ELSE l.unit END"


def line_filter(period: ServicePeriod, municipality: str | None, approved_only: bool,
                as_of: date | None = None) -> tuple[str, str, list[Any]]:
    """FROM/JOIN and WHERE clauses (with params) selecting the declaration lines of one service period.

    ``as_of`` (peildatum) keeps only lines declared on or before that date, and with ``approved_only`` only
    those granted by a 325 dated on or before it, so a published figure can be reproduced later."""
    joins = "FROM declaration_line l"
    where = "WHERE l.service_month >= ? AND l.service_month < ?"
    params: list[Any] = [period.start, period.end]
    if approved_only:
        joins += (" JOIN declaration_line_status st ON st.provider_agb = l.provider_agb "
                  "AND st.referentie_nummer = l.referentie_nummer")
        where += " AND st.status = 'granted'"
        if as_of is not None:
            where += " AND st.response_date <= ?"
            params.append(as_of)
    if as_of is not None:
        where += " AND l.declaration_date <= ?"
        params.append(as_of)
    if municipality:
        where += " AND l.municipality = ?"
        params.append(municipality)
    return joins, where, params


def data_notes(db: Database, as_of: date | None = None) -> tuple[date | None, list[str]]:
    """The last declaration date in the store (up to ``as_of``) and the Dutch notes every cost figure carries:
    the data cut-off, that later declarations can still change recent periods, and a synthetic-data warning."""
    from jeugdregie.money import format_date
    from jeugdregie.store.meta import is_synthetic

    if as_of is None:
        last = db.query_value("SELECT MAX(declaration_date) FROM declaration_line")
    else:
        last = db.query_value("SELECT MAX(declaration_date) FROM declaration_line WHERE declaration_date <= ?",
                              [as_of])
    last_date = last if isinstance(last, date) else None
    notes = []
    if as_of is not None:
        notes.append(f"Peildatum {format_date(as_of)}: alleen declaraties (en 325-antwoorden) tot en met die datum.")
    if last_date is not None:
        notes.append(f"Stand van de gegevens: declaraties tot en met {format_date(last_date)}. Declaraties kunnen "
                     "tot vijf jaar na de zorg binnenkomen; recente perioden kunnen nog stijgen.")
    if is_synthetic(db):
        notes.append("Let op: synthetische gegevens (demo), geen echte cliënten.")
    return last_date, notes


def _per_client_cte(by_sql: str, joins: str, where: str) -> str:
    return (
        "WITH per_client AS ("  # noqa: S608 - composed from fixed SQL fragments, values are ? parameters
        f" SELECT {by_sql} AS grp, l.product_category AS cat, l.product_code AS code, {UNIT_SQL} AS unit_n,"
        " l.client_id,"
        " SUM(l.signed_amount_cents) AS cost,"
        " SUM(CASE WHEN l.unit = '01' THEN 0 ELSE l.signed_volume END) AS vol,"
        " SUM(CASE WHEN l.unit = '01' THEN l.signed_volume ELSE 0 END) AS minutes"
        f" {joins} {where}"
        f" GROUP BY {by_sql}, l.product_category, l.product_code, {UNIT_SQL}, l.client_id"
        "), active AS (SELECT * FROM per_client WHERE cost <> 0 OR vol <> 0 OR minutes <> 0) "
    )


def period_cells(db: Database, period: ServicePeriod, by: str = "category", municipality: str | None = None,
                 approved_only: bool = False, as_of: date | None = None) -> dict[str, Any]:
    """Cell figures, distinct clients per ``by`` group and in total, for one service period."""
    by_sql = BY_COLUMNS[by]
    joins, where, params = line_filter(period, municipality, approved_only, as_of)
    cte = _per_client_cte(by_sql, joins, where)
    cells = db.query(
        cte + "SELECT grp, cat, code, unit_n, SUM(cost) AS cost, SUM(vol) AS vol, SUM(minutes) AS minutes, "  # noqa: S608 - composed from fixed SQL fragments, values are ? parameters
        "COUNT(*) AS clients FROM active GROUP BY grp, cat, code, unit_n ORDER BY grp, cat, code, unit_n",
        params)
    per_group = db.query(cte + "SELECT grp, COUNT(DISTINCT client_id) AS clients FROM active GROUP BY grp", params)  # noqa: S608 - composed from fixed SQL fragments, values are ? parameters
    total = db.query_value(cte + "SELECT COUNT(DISTINCT client_id) FROM active", params)  # noqa: S608 - composed from fixed SQL fragments, values are ? parameters
    figures: dict[str, GroupFigures] = {}
    units: dict[str, str] = {}
    group_of: dict[str, str] = {}
    for c in cells:
        key = f"{c['grp']}|{c['cat']}|{c['code']}|{c['unit_n']}"
        figures[key] = GroupFigures(int(c["cost"]), int(c["clients"]),
                                    Fraction(int(c["vol"])) + Fraction(int(c["minutes"]), 60))
        units[key] = str(c["unit_n"])
        group_of[key] = str(c["grp"])
    return {"figures": figures, "units": units, "group_of": group_of,
            "group_clients": {str(r["grp"]): int(r["clients"]) for r in per_group},
            "clients": int(total or 0)}


NO_REQUEST_NL = "geen verzoek (toewijzing door de gemeente)"


def group_label(by: str, key: str, names: dict[str, str]) -> str:
    """Readable label of one group: '45 Jeugdhulp ambulant', '02 Huisarts', provider/municipality/product name
    where known. Regional product codes carry no name in the messages: then the JZ020 category is shown."""
    if by == "category":
        return f"{key} {label('productcategorie', key)}".strip()
    if by == "referrer":
        return NO_REQUEST_NL if key == "onbekend" else f"{key} {label('verwijzer', key)}"
    if by == "total":
        return "Totaal"
    if by == "age_band":
        return age_band_label(key)
    if by == "gender":
        return "onbekend" if key == "onbekend" else label("geslacht", key)
    if names.get(key):
        return f"{key} {names[key]}"
    if by == "product":
        cat = label("productcategorie", key[:2])
        return f"{key} ({cat})" if cat and cat != key[:2] else key
    return key


def age_band_label(code: str) -> str:
    """'04-12' -> '4 tot 12 jaar', '23+' -> '23 jaar en ouder' (codes of ``costs.AGE_BAND_SQL``)."""
    if code.endswith("+"):
        return f"{int(code[:-1])} jaar en ouder"
    lo, sep, hi = code.partition("-")
    return f"{int(lo)} tot {int(hi)} jaar" if sep and lo.isdigit() and hi.isdigit() else code


def reference_names(db: Database, by: str) -> dict[str, str]:
    """Names of products, providers or municipalities from the reference tables (empty for other groupings)."""
    table = {"product": ("product", "code", "label"), "provider": ("provider", "agb", "name"),
             "municipality": ("municipality", "code", "name")}.get(by)
    if table is None:
        return {}
    return {str(r["k"]): str(r["n"]) for r in db.query(
        f"SELECT {table[1]} AS k, {table[2]} AS n FROM {table[0]} WHERE {table[2]} IS NOT NULL")}  # noqa: S608 - fixed identifiers


def group_labels(db: Database, by: str, keys: set[str]) -> dict[str, str]:
    names = reference_names(db, by)
    return {k: group_label(by, k, names) for k in keys}


def explain_store(db: Database, period_from: str, period_to: str, by: str = "category",
                  municipality: str | None = None, approved_only: bool = False,
                  method: str = "shapley", as_of: date | None = None) -> dict[str, Any]:
    """Decompose the change in net declared cost between two service periods (see module docstring)."""
    if by not in BY_COLUMNS:
        raise ValueError(f"onbekende indeling {by!r}: {', '.join(BY_COLUMNS)}")
    p0, p1 = parse_period(period_from), parse_period(period_to)
    if p0.months != p1.months:
        raise ValueError(f"{p0.label} en {p1.label} zijn niet even lang: vergelijk gelijke perioden")
    a = period_cells(db, p0, by, municipality, approved_only, as_of)
    b = period_cells(db, p1, by, municipality, approved_only, as_of)
    group_of = {**a["group_of"], **b["group_of"]}
    unit_of = {**a["units"], **b["units"]}
    groups = set(group_of.values())
    labels = group_labels(db, by, groups)

    def row_units(fig: dict[str, GroupFigures], grp: str) -> Fraction | None:
        keys = [k for k in fig if group_of[k] == grp]
        if not keys or by != "product" or len({unit_of[k] for k in keys}) != 1:
            return None
        return sum((fig[k].units or Fraction(0) for k in keys), Fraction(0))

    row_units_map = {labels[g]: (row_units(a["figures"], g), row_units(b["figures"], g)) for g in groups}
    row_clients = {labels[g]: (a["group_clients"].get(g, 0), b["group_clients"].get(g, 0)) for g in groups}
    result = decompose(
        a["figures"], b["figures"], period_from=p0.label, period_to=p1.label,
        total_clients=(a["clients"], b["clients"]), row_of=lambda k: labels[group_of[k]],
        row_clients=row_clients, row_units=row_units_map, method=method)
    for row in result["rows"]:
        if by == "product":
            units = {unit_of[k] for k, g in group_of.items() if labels[g] == row["group"]}
            row["unit"] = label("eenheid", units.pop()) if len(units) == 1 else None
    if municipality is None:
        n_mun = int(db.query_value(
            "SELECT COUNT(DISTINCT municipality) FROM declaration_line WHERE service_month >= ? AND "
            "service_month < ? OR service_month >= ? AND service_month < ?", [p0.start, p0.end, p1.start, p1.end])
            or 0)
        if n_mun > 1:
            hidden = 0
            for row in result["rows"]:
                for k in ("from", "to"):
                    masked = smallcells.mask(row["clients"][k])
                    hidden += masked is None and row["clients"][k] is not None
                    row["clients"][k] = masked
            if hidden:
                result["notes"].append(smallcells.NOTE_NL.format(n=hidden, t=smallcells.threshold())
                                       + " Alleen de cliëntaantallen per rij; bedragen blijven zichtbaar.")
    result["by"] = by
    result["municipality"] = municipality
    result["approved_only"] = approved_only
    result["source"] = "store"
    result["as_of"] = as_of
    result["data_until"], extra = data_notes(db, as_of)
    result["notes"].extend(extra)
    result["notes"].extend(notes_for(db, [(p0.start, p0.end), (p1.start, p1.end)], municipality))
    result["notes"].append(
        "Cellen zijn product × eenheid binnen elke rij; minuten zijn omgerekend naar uren. Eenheden per rij "
        "alleen bij --by product met één eenheid (verschillende eenheden zijn niet optelbaar).")
    if by in {"provider", "municipality"}:
        result["notes"].append(
            f"Bij --by {by} telt een verschuiving van hetzelfde product tussen "
            f"{'aanbieders' if by == 'provider' else 'gemeenten'} als mix.")
    return result


def explain_maturing(db: Database, period_from: str, period_to: str, as_of_earlier: date, as_of_later: date,
                     **kwargs: Any) -> dict[str, Any]:
    """The same decomposition at two reference dates (C26, C29): how the split moved as late declarations came in.

    Both decompositions are exact to the cent; ``moves`` is the later minus the earlier amount per component and
    for the total, so ``sum(moves[components]) == moves['total']`` exactly."""
    from jeugdregie.analysis.decomposition import COMPONENTS

    if as_of_later <= as_of_earlier:
        raise ValueError("de tweede peildatum moet na de eerste liggen")
    earlier = explain_store(db, period_from, period_to, as_of=as_of_earlier, **kwargs)
    later = explain_store(db, period_from, period_to, as_of=as_of_later, **kwargs)
    rows = []
    for k in (*COMPONENTS, "total"):
        a = earlier["total_change_cents"] if k == "total" else earlier["components"][k]
        b = later["total_change_cents"] if k == "total" else later["components"][k]
        rows.append({"component": k, "earlier_cents": a, "later_cents": b, "move_cents": b - a,
                     "earlier_share": 1.0 if k == "total" and a else earlier["shares"].get(k),
                     "later_share": 1.0 if k == "total" and b else later["shares"].get(k)})
    return {"from": earlier["from"], "to": earlier["to"], "as_of_earlier": as_of_earlier, "as_of_later": as_of_later,
            "cost_from_cents": [earlier["cost_from_cents"], later["cost_from_cents"]],
            "cost_to_cents": [earlier["cost_to_cents"], later["cost_to_cents"]],
            "rows": rows, "moves": {r["component"]: r["move_cents"] for r in rows},
            "notes": ["Dezelfde vergelijking op twee peildata: het verschil komt door declaraties die tussen de "
                      "peildata binnenkwamen (of werden gecrediteerd), niet door nieuwe zorg.", *later["notes"]]}
