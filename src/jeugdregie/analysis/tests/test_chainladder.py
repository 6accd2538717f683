"""The chain-ladder engine against the chainladder package (test-only dependency) on the published triangles,
plus the choices for incremental input, sparse and negative cells and the tail."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jeugdregie.analysis.chainladder import fit, interval, read_long_csv, triangle_from_cells

NAMES = ["raa", "genins", "ukmotor", "abc"]


def _reference(path: Path, interp: str) -> dict[str, Any]:
    cl = pytest.importorskip("chainladder")
    import pandas as pd

    df = pd.read_csv(path)
    df = df.assign(origin=df.origin.astype(int).astype(str),
                   valuation=(df.origin.astype(int) + df.development - 1).astype(str))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = cl.Triangle(df, origin="origin", development="valuation", columns="value", cumulative=True)
        m = cl.MackChainladder().fit(cl.Development(sigma_interpolation=interp).fit_transform(t))
    return {
        "ultimate": m.ultimate_.values[0, 0, :, -1],
        "ibnr": np.nan_to_num(m.ibnr_.values[0, 0, :, -1]),
        "se": np.nan_to_num(m.mack_std_err_.values[0, 0, :, -1]),
        "se_total": float(m.total_mack_std_err_.values[0, 0]),
    }


@pytest.mark.parametrize("interp", ["log-linear", "mack"])
@pytest.mark.parametrize("name", NAMES)
def test_agrees_with_chainladder(shared: Path, name: str, interp: str) -> None:
    path = shared / "reference" / "triangles" / f"{name}_cumulative.csv"
    ref = _reference(path, interp)
    res = fit(read_long_csv(path), sigma_interpolation=interp)
    assert np.allclose(res.ultimate, ref["ultimate"], rtol=1e-3, atol=0)
    assert np.allclose(res.ibnr, ref["ibnr"], rtol=1e-3, atol=1e-6)
    assert math.isclose(float(res.ibnr.sum()), float(np.sum(ref["ibnr"])), rel_tol=1e-3)
    assert np.allclose(res.mack_se, ref["se"], rtol=1e-2, atol=1e-6)
    assert math.isclose(res.total_se(), ref["se_total"], rel_tol=1e-2)


def test_published_figures(shared: Path) -> None:
    """Independent of the package: Mack (1993) GenIns and the R ChainLadder RAA output."""
    base = shared / "reference" / "triangles"
    raa = fit(read_long_csv(base / "raa_cumulative.csv"))
    assert round(float(raa.ibnr.sum()), 2) == 52135.23
    assert round(raa.total_se(), 2) == 26880.74
    genins = fit(read_long_csv(base / "genins_cumulative.csv"), sigma_interpolation="mack")
    assert round(float(genins.ibnr.sum())) == 18680856
    assert round(genins.total_se()) == 2447095


def test_incremental_input_matches_cumulative(shared: Path) -> None:
    base = shared / "reference" / "triangles"
    a = fit(read_long_csv(base / "ukmotor_cumulative.csv"))
    b = fit(read_long_csv(base / "ukmotor_incremental.csv", cumulative=False))
    assert np.allclose(a.ultimate, b.ultimate)
    assert math.isclose(a.total_se(), b.total_se())


def test_subset_total_between_single_and_sum(shared: Path) -> None:
    res = fit(read_long_csv(shared / "reference" / "triangles" / "raa_cumulative.csv"))
    sub = ["1989", "1990"]
    se = res.total_se(sub)
    singles = [res.mack_se[res.triangle.origins.index(o)] for o in sub]
    # parameter risk is positively correlated: above the quadrature sum, below the plain sum
    assert math.sqrt(sum(s * s for s in singles)) < se < sum(singles)
    assert math.isclose(res.total_se(res.triangle.origins), res.total_se())


def test_zero_negative_and_sparse_cells() -> None:
    cells = [("a", 0, 100.0), ("a", 1, 150.0), ("a", 2, 160.0),
             ("b", 0, 0.0), ("b", 1, 120.0), ("b", 2, 130.0),     # zero start: left out of step 0
             ("c", 0, 110.0), ("c", 1, 160.0),
             ("d", 0, -20.0)]                                     # net credit: not projected
    res = fit(triangle_from_cells(cells))
    assert res.factors[0] == pytest.approx((150 + 160) / (100 + 110))
    assert res.factors[1] == pytest.approx((160 + 130) / (150 + 120))
    d = res.triangle.origins.index("d")
    assert res.ultimate[d] == -20.0 and res.ibnr[d] == 0.0
    assert res.not_projected == ["d"]
    assert all(np.isfinite(res.mack_se))
    # a development step without any usable pair: factor 1, reported
    res2 = fit(triangle_from_cells([("a", 0, 0.0), ("a", 1, 10.0), ("b", 0, 0.0)]))
    assert res2.factors[0] == 1.0 and res2.no_data_steps == [0]


def test_incremental_ages_fill_missing_with_zero() -> None:
    tri = triangle_from_cells([("x", 0, 5.0), ("x", 2, 3.0), ("y", 0, 4.0)], cumulative=False,
                              ages={"x": 3, "y": 1})
    assert list(tri.values[0]) == [5.0, 5.0, 8.0, 8.0]
    assert list(tri.values[1][:2]) == [4.0, 4.0] and np.isnan(tri.values[1][2])


def test_exponential_tail_raises_ultimates(shared: Path) -> None:
    path = shared / "reference" / "triangles" / "genins_cumulative.csv"
    plain = fit(read_long_csv(path))
    tailed = fit(read_long_csv(path), tail="exponential")
    assert tailed.tail > 1.0
    assert np.all(tailed.ultimate >= plain.ultimate)
    assert tailed.total_se() > plain.total_se()
    fixed = fit(read_long_csv(path), tail=1.05)
    assert np.allclose(fixed.ultimate, plain.ultimate * 1.05)


def test_interval_lognormal_and_normal() -> None:
    lo, hi = interval(100.0, 50.0, 10.0, 1.2815515655446004)
    assert 100 < lo < 150 < hi
    lo2, hi2 = interval(100.0, -5.0, 10.0, 1.96)
    assert lo2 == pytest.approx(95 - 19.6, rel=1e-3) and hi2 == pytest.approx(95 + 19.6, rel=1e-3)
    assert interval(100.0, 0.0, 0.0, 1.96) == (100.0, 100.0)


def test_incremental_keeps_development_labels(shared: Path) -> None:
    tri = read_long_csv(shared / "reference" / "triangles" / "raa_incremental.csv", cumulative=False)
    assert tri.devs[0] == 1 and len(tri.devs) == 10


@pytest.mark.parametrize("name", NAMES)
def test_develop_steps_reaches_total_se(shared: Path, name: str) -> None:
    """The h-step prediction error (used for the held-out calibration) is Mack's total error at the last
    development, zero at h = 0 and grows with h; also for a subset of origins."""
    res = fit(read_long_csv(shared / "reference" / "triangles" / f"{name}_cumulative.csv"))
    pred, se = res.develop(len(res.triangle.devs))
    assert pred == pytest.approx(float(res.ultimate.sum()))
    assert se == pytest.approx(res.total_se(), rel=1e-12)
    sub = res.triangle.origins[-4:]
    assert res.develop(100, sub)[1] == pytest.approx(res.total_se(sub), rel=1e-12)
    assert res.develop(0, sub) == (pytest.approx(float(np.nansum(res.latest[-4:]))), 0.0)
    ses = [res.develop(h, sub)[1] for h in range(1, 5)]
    assert all(a < b for a, b in zip(ses, ses[1:], strict=False))


def test_loglinear_sigma_fill_never_exceeds_the_estimated_sigmas() -> None:
    """Two estimated sigmas rising, 58 to fill (a sparse monthly triangle): the straight line in log(sigma) would
    reach e^(0.69*60), about 1e18 times the data; the fill stays at the largest estimate."""
    import numpy as np

    from jeugdregie.analysis.chainladder import _loglinear_fill

    sigma = np.full(60, np.nan)
    sigma[0], sigma[1] = 1.0, 2.0
    filled = _loglinear_fill(sigma)
    assert filled[0] == 1.0 and filled[1] == 2.0
    assert np.all(filled[2:] == 2.0)
    falling = np.full(10, np.nan)
    falling[:4] = [8.0, 4.0, 2.0, 1.0]
    assert np.all(_loglinear_fill(falling)[4:] < 1.0)  # the decreasing case is untouched
