"""Every cost command in every output format (table, JSON, CSV, Excel), against a small DuckDB store."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jeugdregie.analysis.tests.store_rows import Lines
from jeugdregie.cli import load_commands
from jeugdregie.cli.tests.invoke import run_ok as _run
from jeugdregie.store import connect

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = str(tmp_path / "cli.duckdb")
    db = connect(url)
    b = Lines()
    for year, n, hours, tariff in ((2022, 10, 10, 10000), (2023, 11, 12, 10500)):
        for i in range(n):
            b.line(f"a{i}", date(year, 2, 1), "45A65", hours * tariff, volume=hours, toewijzing=year * 100 + i)
            b.line(f"a{i}", date(year, 2, 1), "41A03", 5000, volume=1, unit="16", provider="P2",
                   toewijzing=year * 1000 + i)
    b.write(db)
    db.close()
    return url


COMMANDS = [
    ["costs", "--period", "2023", "--by", "category"],
    ["tariffs", "--period", "2023"],
    ["tariffs", "--period", "2023", "--municipality", "0363"],
    ["costs", "--period", "2023", "--by", "product", "--per", "quarter"],
    ["explain", "--from", "2022", "--to", "2023", "--by", "product"],
    ["top-clients", "--period", "2023", "--n", "3", "--municipality", "0363"],
    ["top-clients", "--period", "2023", "--n", "3", "--municipality", "0363", "--compare", "2022"],
    ["costs", "--period", "2023", "--by", "referrer", "--approved-only"],
    ["costs", "--period", "2023", "--by", "total", "--per", "month", "--as-of", "2023-12-31"],
    ["explain", "--from", "2022", "--to", "2023", "--as-of", "2024-06-30"],
    ["explain", "--from", "2022", "--to", "2023", "--as-of", "2023-06-30", "--compare-as-of", "2024-06-30"],
    ["explain", "--from", "2022H1", "--to", "2023H1", "--by", "provider", "--approved-only"],
    ["trajectories", "--product", "45A65"],
    ["intensity", "--period", "2022-2023", "--min-clients", "5"],
    ["trend", "--period", "2022-2023"],
    ["trajectories", "--product", "45A65", "--period", "2023", "--norm-period", "2022", "--by", "referrer"],
    ["whatif", "duration-norm", "--product", "45A65", "--norm-period", "2022", "--period", "2023"],
    ["whatif", "duration-norm", "--product", "45A65", "--norm-period", "2022", "--period", "2023",
     "--inflow-low", "5", "--inflow-high", "15"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: "-".join(a[:2]) + ("+" if len(a) > 4 else ""))
def test_all_formats(store: str, tmp_path: Path, args: list[str]) -> None:
    base = [*args, "--db", store]
    assert _run(*base).strip()
    obj = json.loads(_run(*base, "--format", "json"))
    assert isinstance(obj, dict)
    csv_text = _run(*base, "--format", "csv")
    assert ";" in csv_text.splitlines()[0]
    xlsx = tmp_path / "out.xlsx"
    _run(*base, "--format", "xlsx", "--out", str(xlsx))
    ws = load_workbook(xlsx).active
    assert ws is not None and ws.max_row >= 2


def test_explain_store_json_and_chart(store: str, tmp_path: Path) -> None:
    chart = tmp_path / "w.svg"
    r = json.loads(_run("explain", "--from", "2022", "--to", "2023", "--db", store, "-f", "json",
                        "--chart", str(chart)))
    assert r["total_change_cents"] == sum(r["components"].values())
    assert r["total_change_cents"] == 11 * (126000 + 5000) - 10 * (100000 + 5000)
    assert chart.read_text().lstrip().startswith("<?xml")
    xlsx = tmp_path / "e.xlsx"
    _run("explain", "--from", "2022", "--to", "2023", "--db", store, "-f", "xlsx", "-o", str(xlsx))
    summary = load_workbook(xlsx).worksheets[1]
    cells = [[c.value for c in row] for row in summary.iter_rows(min_row=2, max_row=6)]
    assert [c[0] for c in cells] == ["Aantal cliënten (volume)", "Eenheden per cliënt (intensiteit)",
                                     "Prijs per eenheid (prijs)", "Verschuiving tussen groepen (mix)", "Totaal verschil"]
    assert sum(Decimal(str(c[1])) for c in cells[:4]) == Decimal(str(cells[4][1])) == Decimal(r["total_change_cents"]) / 100
    assert cells[4][2] == 1.0
    intensity = json.loads(_run("intensity", "--period", "2022-2023", "--db", store, "-f", "json"))
    assert {r["product"]: r["flag"] for r in intensity["rows"]} == {"45A65": "stijging", "41A03": "stabiel"}
    tchart = tmp_path / "trend.svg"
    _run("trend", "--period", "2022-2023", "--db", store, "--chart", str(tchart))
    assert tchart.read_text().lstrip().startswith("<?xml")
    trend = tmp_path / "t.png"
    _run("costs", "--period", "2023", "--db", store, "--chart", str(trend))
    assert trend.read_bytes()[:4] == b"\x89PNG"


def test_explain_defaults_to_the_same_period_a_year_earlier(store: str) -> None:
    r = json.loads(_run("explain", "--to", "2023H1", "--db", store, "-f", "json"))
    assert (r["from"], r["to"]) == ("2022H1", "2023H1")
    assert r["total_change_cents"] == 11 * (126000 + 5000) - 10 * (100000 + 5000)
    result = runner.invoke(load_commands(), ["explain", "--db", store])
    assert result.exit_code == 2 and "--to" in result.output


def test_top_clients_requires_municipality_and_logs(store: str) -> None:
    result = runner.invoke(load_commands(), ["top-clients", "--period", "2023", "--db", store])
    assert result.exit_code != 0
    _run("top-clients", "--period", "2023", "--municipality", "0363", "--db", store, "-f", "json")
    db = connect(store)
    try:
        assert db.query_value("SELECT count(*) FROM audit_log WHERE object = 'top-clients'") == 1
    finally:
        db.close()


def test_tariffs_json_premium_with_contract_list(store: str) -> None:
    from datetime import datetime

    db = connect(store)
    try:
        db.insert_rows("contract", ["municipality", "provider_agb", "product_category", "product_code", "valid_from",
                                    "valid_to", "tariff_cents", "unit", "source", "imported_at"],
                       [("0363", "01010101", "45", "45A65", date(2022, 1, 1), date(2022, 12, 31), 10000, "04", "t",
                         datetime(2024, 1, 1))])
    finally:
        db.close()
    r = json.loads(_run("tariffs", "--period", "2022-2023", "--municipality", "0363", "--db", store, "-f", "json"))
    row = next(p for p in r["products"] if p["product_code"] == "45A65")
    # 2022 contracted: 100 euro/h over 100 h; 2023 no longer contracted: 105 euro/h over 132 h
    assert (row["price_cents_c"], row["price_cents_nc"], row["units_nc"]) == (10000, 10500, 132)
    assert row["premium_cents"] == 500 and row["extra_cost_cents"] == 500 * 132 == r["extra_cost_total_cents"]
    assert "Meerkosten" in _run("tariffs", "--period", "2022-2023", "--municipality", "0363", "--db", store)
