"""triangle, chainladder and forecast commands in every output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jeugdregie.analysis.tests.test_triangle import lagged_store
from jeugdregie.cli import load_commands
from jeugdregie.cli.tests.invoke import run_ok as _run
from jeugdregie.store import connect

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = str(tmp_path / "cli.duckdb")
    db = connect(url)
    lagged_store(db)
    db.close()
    return url


@pytest.mark.parametrize("args", [
    ["triangle", "--grain", "month", "--by", "category", "--as-of", "2024-06-30"],
    ["triangle", "--grain", "quarter"],
    ["forecast", "--year", "2023", "--as-of", "2024-03-31"],
    ["forecast", "--year", "2023", "--as-of", "2024-03-31", "--by", "category"],
], ids=lambda a: "-".join(a[:3]))
def test_all_formats(store: str, tmp_path: Path, args: list[str]) -> None:
    base = [*args, "--db", store]
    assert _run(*base).strip()
    assert isinstance(json.loads(_run(*base, "--format", "json")), dict)
    assert ";" in _run(*base, "--format", "csv").splitlines()[0]
    xlsx = tmp_path / "out.xlsx"
    _run(*base, "--format", "xlsx", "--out", str(xlsx))
    assert load_workbook(xlsx).active.max_row >= 2


def test_forecast_json_keys(store: str) -> None:
    obj = json.loads(_run("forecast", "--year", "2023", "--as-of", "2024-03-31", "--db", store, "--format", "json"))
    for key in ("year", "as_of", "declared_cents", "ibnr_cents", "expected_final_cents", "interval_80_cents",
                "budget_cents", "expected_over_under_cents"):
        assert key in obj
    assert obj["year"] == 2023 and obj["as_of"] == "2024-03-31" and obj["budget_cents"] is None
    assert len(obj["interval_80_cents"]) == 2


def test_chainladder_command(shared: Path, tmp_path: Path) -> None:
    path = shared / "reference" / "triangles" / "raa_cumulative.csv"
    obj = json.loads(_run("chainladder", "--triangle", str(path), "--format", "json"))
    assert round(obj["ibnr_total"], 2) == 52135.23 and round(obj["mack_se_total"], 2) == 26880.74
    assert set(obj["ultimate"]) == {str(y) for y in range(1981, 1991)} and "1990" in obj["ibnr"]
    assert "Totaal" in _run("chainladder", "--triangle", str(path))
    xlsx = tmp_path / "cl.xlsx"
    _run("chainladder", "--triangle", str(path), "--format", "xlsx", "--out", str(xlsx))
    assert load_workbook(xlsx).active.max_row >= 12  # header, 10 origins, total (+ notes)


def test_triangle_csv_roundtrip_into_chainladder(store: str, tmp_path: Path) -> None:
    csv_path = tmp_path / "tri.csv"
    _run("triangle", "--grain", "month", "--as-of", "2024-06-30", "--db", store, "--format", "csv",
         "--out", str(csv_path))
    obj = json.loads(_run("chainladder", "--triangle", str(csv_path), "--format", "json"))
    assert obj["latest"]["2023-01"] == pytest.approx(160.0)  # euros: 100 + 50 - 10 + 20
    assert obj["latest"]["2023-02"] == pytest.approx(70.0)


def test_errors_are_dutch_and_exit_2(store: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = runner.invoke(load_commands(), ["chainladder", "--triangle", str(bad)])
    assert result.exit_code == 2 and "kolommen ontbreken" in result.output
    result = runner.invoke(load_commands(), ["forecast", "--year", "2023", "--as-of", "31-03-2024", "--db", store])
    assert result.exit_code == 2


@pytest.mark.parametrize("args", [
    ["lag", "--by", "provider", "--as-of", "2024-06-30"],
    ["budget", "monitor", "--year", "2023", "--as-of", "2024-03-31"],
], ids=lambda a: "-".join(a[:2]))
def test_more_formats(store: str, tmp_path: Path, args: list[str]) -> None:
    test_all_formats(store, tmp_path, args)


def test_budget_commands(store: str, shared: Path, tmp_path: Path) -> None:
    factsheet = shared / "seeds-data" / "rijswijk_factsheet_2015_2018.csv"
    result = runner.invoke(load_commands(), ["budget", "import", str(factsheet), "--municipality", "0603",
                                             "--db", store])
    assert result.exit_code == 0, result.output
    shown = json.loads(_run("budget", "show", "--municipality", "0603", "--db", store, "--format", "json"))
    assert {"municipality": "0603", "year": 2016, "kind": "budget", "amount_cents": 844417400} in shown["totals"]
    test_all_formats(store, tmp_path, ["budget", "show"])
    assert _run("budget", "share", "--part", "131554", "--whole", "2851316").strip() == "4,6138%"
    result = runner.invoke(load_commands(), ["budget", "key", "--name", "h10", "--year", "2017", "--share",
                                             "0603=4.61", "--db", store])
    assert result.exit_code == 0, result.output
    alloc = json.loads(_run("budget", "allocate", "--key", "h10", "--year", "2017", "--amount", "2851316",
                            "--budget-line", "Bijdrage Inkoopbureau H-10", "--db", store, "--format", "json"))
    assert alloc["rows"] == [{"municipality": "0603", "share": 0.0461, "share_exact": "461/10000",
                              "amount_cents": 13144567}]
    chart = tmp_path / "fan.png"
    _run("budget", "monitor", "--year", "2023", "--as-of", "2024-03-31", "--db", store, "--chart", str(chart))
    assert chart.read_bytes()[:4] == b"\x89PNG"
    lag_chart = tmp_path / "lag.svg"
    _run("lag", "--as-of", "2024-06-30", "--db", store, "--chart", str(lag_chart))
    assert b"<svg" in lag_chart.read_bytes()[:500]
    fc_chart = tmp_path / "fc.png"
    _run("forecast", "--year", "2023", "--as-of", "2024-03-31", "--db", store, "--chart", str(fc_chart))
    assert fc_chart.stat().st_size > 1000


def test_budget_propose_command(store: str, tmp_path: Path) -> None:
    (tmp_path / "map.csv").write_text("product_category,product_code,budget_line\n45,,Ambulant\n43,,Verblijf\n",
                                      encoding="utf-8")
    (tmp_path / "b.csv").write_text("year,municipality,budget_line,amount_eur\n2023,0363,Ambulant,120\n"
                                    "2023,0363,Veilig Thuis,500\n", encoding="utf-8")
    (tmp_path / "shifts.csv").write_text("line;amount_eur;toelichting\nVeilig Thuis;25,50;gevraagd bedrag\n",
                                         encoding="utf-8")
    for cmd in (["budget", "mapping", str(tmp_path / "map.csv")], ["budget", "import", str(tmp_path / "b.csv")]):
        result = runner.invoke(load_commands(), [*cmd, "--db", store])
        assert result.exit_code == 0, result.output
    args = ["budget", "propose", "--year", "2024", "--index", "3,5%", "--shifts", str(tmp_path / "shifts.csv"),
            "--as-of", "2024-06-30"]
    test_all_formats(store, tmp_path, args)
    res = json.loads(_run(*args, "--db", store, "--format", "json"))
    rows = {r["budget_line"]: r for r in res["rows"]}
    # Veilig Thuis: budget 50,000 ct + 3.5% (1,750) + shift 2,550
    assert rows["Veilig Thuis"]["proposed_cents"] == 54300 and res["index_exact"] == "7/200"
    assert rows["Ambulant"]["realisation_source"] == "declaraties"
    assert res["totals"]["proposed_cents"] == sum(r["proposed_cents"] for r in res["rows"])
    csv_text = _run(*args, "--db", store, "--format", "csv")
    assert "Grondslag (toelichting)" in csv_text.splitlines()[0] and "gevraagd bedrag" in csv_text
    screen = _run(*args, "--db", store)
    assert "Begrotingsvoorstel 2024" in screen and "Grondslag per perceel 2024" in screen
    result = runner.invoke(load_commands(), ["budget", "propose", "--year", "2024", "--index", "abc", "--db", store])
    assert result.exit_code == 2 and "indexatie" in result.output
