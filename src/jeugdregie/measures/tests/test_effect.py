"""Effect monitoring on a synthetic region where a measure with a known effect was simulated."""

from __future__ import annotations

from datetime import date

from jeugdregie.analysis import effect
from jeugdregie.analysis import indicators as ind
from jeugdregie.measures.model import IndicatorLink, Measure, MeasureYear
from jeugdregie.measures.tests.region import TREATED, simulate_measure
from jeugdregie.store import Database

START = date(2023, 1, 1)
PRODUCT = "45A03"


def _measure(link: IndicatorLink) -> Measure:
    return Measure(municipality=TREATED, number="10", title="Normering intensiteit", start_date=START,
                   indicators=[link])


def _true_effect(db: Database, periods: list[str], factor: float) -> float:
    """Mean over the post buckets of (value with the measure − value without it), measured on the data."""
    before = {p.period: p.value for p in ind.series(db, "eenheden_per_client", {"product": PRODUCT}, START,
                                                    date(2026, 1, 1))[TREATED]}
    simulate_measure(db, TREATED, PRODUCT, START, factor)
    after = {p.period: p.value for p in ind.series(db, "eenheden_per_client", {"product": PRODUCT}, START,
                                                   date(2026, 1, 1))[TREATED]}
    post = [p for p in periods if p in after]
    return sum(float(after[p] or 0) - float(before[p] or 0) for p in post) / len(post)


def test_known_effect_is_recovered_within_its_interval(region_db: Database) -> None:
    link = IndicatorLink("Uren per cliënt 45A03", "eenheden_per_client", {"product": PRODUCT}, "omlaag")
    baseline = effect.monitor(region_db, _measure(link), link)
    truth = _true_effect(region_db, baseline.periods[baseline.pre_count:], 0.75)
    assert truth < -0.5  # a real reduction of a quarter of the units
    res = effect.monitor(region_db, _measure(link), link)
    assert res.pre_count == 24 and res.post_count >= 20
    assert res.comparison == ["0629", "1842"]
    assert res.did is not None and res.trend is not None
    assert res.did.low <= truth <= res.did.high
    assert res.trend.low <= truth <= res.trend.high
    assert res.did.high < 0 and res.verdict == "in_verwachte_richting"
    assert any("bewijst niet dat de maatregel de oorzaak is" in s for s in res.statements)
    assert len(res.did.counterfactual) == res.post_count and res.resamples == effect.BOOTSTRAP


def test_no_effect_is_not_claimed(region_db: Database) -> None:
    """Negative control: nothing was changed, so the data must not separate an effect from noise."""
    link = IndicatorLink("Uren per cliënt 45A03", "eenheden_per_client", {"product": PRODUCT}, "omlaag")
    res = effect.monitor(region_db, _measure(link), link)
    assert res.did is not None and res.did.low <= 0 <= res.did.high
    assert res.verdict == "niet_te_onderscheiden"
    assert any("niet onderscheiden van toeval en andere oorzaken" in s for s in res.statements)


def test_without_comparison_group_the_statement_says_so(region_db: Database) -> None:
    link = IndicatorLink("Kosten", "kosten", {}, "omlaag", comparison=[])
    res = effect.monitor(region_db, _measure(link), link)
    assert res.did is None and res.comparison == []
    assert any("geen vergelijkbare gemeenten" in s for s in res.statements)
    assert res.total_effect is not None and res.total_effect["buckets"] == res.post_count


def test_theme_excludes_municipalities_that_took_the_measure_too(region_db: Database) -> None:
    from jeugdregie.measures import register

    register.save_measure(region_db, Measure(municipality="0629", number="1", title="Zelfde maatregel",
                                             theme="normering"))
    m = _measure(IndicatorLink("Kosten", "kosten", {}))
    m.theme = "normering"
    res = effect.monitor(region_db, m, m.indicators[0])
    assert res.comparison == ["1842"]


def test_too_little_data_or_no_start_date(region_db: Database) -> None:
    link = IndicatorLink("Kosten", "kosten", {})
    late = Measure(municipality=TREATED, number="9", title="t", start_date=date(2025, 1, 1), indicators=[link])
    res = effect.monitor(region_db, late, link)
    assert res.verdict == "niet_te_bepalen" and any("Te weinig meetpunten" in s for s in res.statements)
    res = effect.monitor(region_db, Measure(municipality=TREATED, number="9", title="t"), link)
    assert res.verdict == "niet_te_bepalen" and "geen startdatum" in res.statements[0]


def test_realised_against_expected_savings_per_measure_and_year() -> None:
    ms = [Measure(municipality="0637", number="9", title="Pilot", years=[
              MeasureYear(2020, structural_cents=5_000_000, realised_cents=3_000_000),
              MeasureYear(2021, net_cents=5_000_000)]),
          Measure(municipality="0637", number="14", title="PGB", years=[
              MeasureYear(2020, net_cents=26_000_000, realised_cents=30_000_000, realised_note="jaarrekening")])]
    s = effect.savings(ms)
    assert [(r["number"], r["year"], r["difference_cents"]) for r in s["rows"]] == [
        ("9", 2020, -2_000_000), ("9", 2021, None), ("14", 2020, 4_000_000)]
    assert s["per_year"] == [
        {"year": 2020, "expected_cents": 31_000_000, "realised_cents": 33_000_000, "measures_with_realised": 2},
        {"year": 2021, "expected_cents": 5_000_000, "realised_cents": 0, "measures_with_realised": 0}]
