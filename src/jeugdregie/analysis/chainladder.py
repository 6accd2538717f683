"""jeugdregie's own chain-ladder engine: volume-weighted development factors, ultimates, IBNR and Mack (1993)
standard errors with prediction intervals.

Input is a cumulative run-off triangle (origin x development, ``NaN`` = not yet observed). The method and its
formulas are documented in ``docs/forecast.md``. It agrees with the ``chainladder`` package (0.10.1, defaults:
``Development(average='volume', sigma_interpolation='log-linear')`` + ``MackChainladder``) on the published
triangles; the test ``analysis/tests/test_chainladder.py`` computes the reference values with that package.

Choices where triangles from youth-care declarations differ from textbook insurance triangles:

* **Non-positive cumulative cells** (nothing declared yet, or net credits exceeding debits) have no meaningful
  link ratio: pairs whose starting cell is <= 0 are left out of the factor and sigma estimates. An origin whose
  latest cumulative value is <= 0 (or that has no observation) is not projected (ultimate = latest, IBNR 0)
  and is listed in ``not_projected``. (chainladder turns 0 into missing and keeps negative cells with a negative weight.)
* **Sparse columns**: a development step without any usable pair gets factor 1 (no development observed) and
  is listed in ``no_data_steps``.
* **Zero sigmas** (all link ratios of a step identical, common in late monthly lags where nothing happens) are
  kept as 0 but left out of the log-linear sigma regression (chainladder would regress on log(1e-320)).
* **Tail**: none by default (factor 1, the latest development is final); ``tail="exponential"`` fits
  ``log(f_k - 1)`` linearly on the last factors above 1 and extrapolates (Sherman 1984 style), or a fixed
  factor can be given. The tail's sigma is extrapolated log-linearly, its standard error uses the volume of
  the last column.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

Z80 = 1.2815515655446004  # standard-normal quantile 0.90 (two-sided 80%)
Z95 = 1.959963984540054  # standard-normal quantile 0.975 (two-sided 95%)


@dataclass
class Triangle:
    """Cumulative triangle: ``values[i, k]`` for origin ``origins[i]`` at development ``devs[k]``."""

    origins: list[str]
    devs: list[int]
    values: np.ndarray

    @property
    def latest_index(self) -> list[int]:
        """Index of the last observed development per origin (-1 when the origin has no observation)."""
        out = []
        for row in self.values:
            seen = np.flatnonzero(np.isfinite(row))
            out.append(int(seen[-1]) if seen.size else -1)
        return out

    def latest(self) -> np.ndarray:
        idx = self.latest_index
        return np.array([self.values[i, k] if k >= 0 else np.nan for i, k in enumerate(idx)], dtype=float)

    def incremental(self) -> np.ndarray:
        inc = self.values.copy()
        inc[:, 1:] = self.values[:, 1:] - self.values[:, :-1]
        return inc

    def long_rows(self) -> list[dict[str, Any]]:
        rows = []
        for i, o in enumerate(self.origins):
            for k, d in enumerate(self.devs):
                v = self.values[i, k]
                if np.isfinite(v):
                    rows.append({"origin": o, "development": d, "value": float(v)})
        return rows


def triangle_from_cells(cells: Iterable[tuple[str, int, float]], cumulative: bool = True,
                        ages: dict[str, int] | None = None, first_dev: int | None = None) -> Triangle:
    """Build a triangle from ``(origin, development, value)`` cells.

    Cumulative input: missing cells stay unobserved. Incremental input: duplicate cells are summed, missing
    cells inside an origin's observed range count as 0 (the origin runs to its last development given, or to
    ``ages[origin]`` when given: the last development that could have been observed). ``first_dev`` fixes
    the first development column (default: the smallest given).
    """
    data: dict[tuple[str, int], float] = {}
    for o, d, v in cells:
        key = (str(o), int(d))
        data[key] = data.get(key, 0.0) + float(v) if not cumulative else float(v)
    origins = sorted({o for o, _ in data} | set(ages or {}), key=_origin_key)
    max_dev = max([d for _, d in data] + list((ages or {}).values()) or [0])
    min_dev = first_dev if first_dev is not None else min([d for _, d in data] or [0])
    devs = list(range(min_dev, max_dev + 1))
    values = np.full((len(origins), len(devs)), np.nan)
    for i, o in enumerate(origins):
        if cumulative:
            for k, d in enumerate(devs):
                if (o, d) in data:
                    values[i, k] = data[(o, d)]
        else:
            last = ages[o] if ages and o in ages else max((d for oo, d in data if oo == o), default=min_dev - 1)
            acc = 0.0
            for k, d in enumerate(devs):
                if d > last:
                    break
                acc += data.get((o, d), 0.0)
                values[i, k] = acc
    return Triangle(origins, devs, values)


def _origin_key(o: str) -> tuple[int, Any]:
    try:
        return (0, float(o))
    except ValueError:
        return (1, o)


def read_long_csv(path: str | Path, cumulative: bool = True, group: str | None = None) -> Triangle:
    """Read ``origin,development,value`` (comma or semicolon separated, header row; a semicolon file may use a
    decimal comma, as ``jeugdregie triangle --format csv`` writes). A ``group``/``groep`` column selects one
    group; a file with several groups needs ``group``."""
    text = Path(path).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    if not lines:
        raise ValueError(f"leeg bestand: {path}")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    cols = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    missing = {"origin", "development", "value"} - set(cols)
    if missing:
        raise ValueError(f"kolommen ontbreken in {path}: {', '.join(sorted(missing))} "
                         "(verwacht: origin,development,value)")
    gcol = cols.get("group") or cols.get("groep")
    records = list(reader)
    if gcol:
        groups = sorted({(r[gcol] or "").strip() for r in records})
        if group is None and len(groups) > 1:
            raise ValueError(f"{path} bevat meerdere groepen ({', '.join(groups[:8])}): kies er een met --group")
        if group is not None:
            if group not in groups:
                raise ValueError(f"groep {group!r} niet gevonden in {path}")
            records = [r for r in records if (r[gcol] or "").strip() == group]
    cells = []
    for r in records:
        raw = (r[cols["value"]] or "").strip().replace(" ", "")
        if not raw:
            continue
        if delimiter == ";" and "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        cells.append((r[cols["origin"]].strip(), int(r[cols["development"]]), float(raw)))
    if not cells:
        raise ValueError(f"geen cellen in {path}")
    return triangle_from_cells(cells, cumulative=cumulative)


@dataclass
class ChainLadderResult:
    triangle: Triangle
    factors: np.ndarray  # f_k for step k -> k+1 (len n_dev - 1)
    sigma: np.ndarray
    std_err: np.ndarray
    n_pairs: list[int]
    tail: float
    tail_sigma: float
    tail_std_err: float
    full: np.ndarray  # completed triangle (observed cells kept), before the tail
    latest: np.ndarray
    ultimate: np.ndarray
    ibnr: np.ndarray
    process_se: np.ndarray
    parameter_se: np.ndarray
    mack_se: np.ndarray
    not_projected: list[str] = field(default_factory=list)
    no_data_steps: list[int] = field(default_factory=list)
    sigma_interpolation: str = "log-linear"

    @property
    def cdf(self) -> np.ndarray:
        """Cumulative development factor to ultimate per origin (from its latest development)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.latest > 0, self.ultimate / self.latest, np.nan)

    def total_se(self, origins: Sequence[str] | None = None) -> float:
        """Mack prediction error of the sum of the IBNR over ``origins`` (all when None), with the
        parameter-risk covariance between origins (they share the estimated factors)."""
        tri = self.triangle
        sel = set(tri.origins if origins is None else origins)
        idx = [i for i, o in enumerate(tri.origins) if o in sel]
        latest_k = tri.latest_index
        n_dev = len(tri.devs)
        process = float(np.sum(self.process_se[idx] ** 2))
        param = 0.0
        projected = [i for i in idx if tri.origins[i] not in self.not_projected and latest_k[i] >= 0]
        for k in range(n_dev - 1):
            vol = sum(self.full[i, k] for i in projected if latest_k[i] <= k)
            param = self.factors[k] ** 2 * param + (vol * self.std_err[k]) ** 2
        vol = sum(self.full[i, n_dev - 1] for i in projected)
        if self.tail != 1.0:
            param = self.tail ** 2 * param + (vol * self.tail_std_err) ** 2
        return math.sqrt(process + param)

    def develop(self, steps: int, origins: Sequence[str] | None = None) -> tuple[float, float]:
        """Prediction of the summed cumulative amount ``steps`` developments after each origin's latest (no
        tail; capped at the last development) and its Mack prediction error, for ``origins`` (all when None).

        The same recursions as the projection to ultimate, stopped at ``e_i = min(a_i + steps, n - 1)``:
        process ``P^2`` per origin summed; parameter risk, first order in the factor errors (as Mack 1993),
        ``sum_k se(f_k)^2 (sum_{i: a_i <= k < e_i} C_{i,k} prod_{k<j<e_i} f_j)^2``. With ``e_i = n - 1`` and
        no tail this is ``total_se``. Used to calibrate the error on held-out diagonals (``analysis.calibration``).
        """
        tri = self.triangle
        sel = set(tri.origins if origins is None else origins)
        latest_k = tri.latest_index
        n_dev = len(tri.devs)
        idx = [i for i, o in enumerate(tri.origins) if o in sel and o not in self.not_projected and latest_k[i] >= 0]
        if not idx:
            return 0.0, 0.0
        a = np.array([latest_k[i] for i in idx])
        e = np.minimum(a + steps, n_dev - 1)
        pred = float(sum(self.full[i, k] for i, k in zip(idx, e, strict=True)))
        process = 0.0
        for i, a_i, e_i in zip(idx, a, e, strict=True):
            p2 = 0.0
            for k in range(int(a_i), int(e_i)):
                p2 = self.factors[k] ** 2 * p2 + abs(self.full[i, k]) * self.sigma[k] ** 2
            process += p2
        rest = np.ones(len(idx))  # prod_{k<j<e_i} f_j, built from the last step down
        param = 0.0
        for k in range(n_dev - 2, -1, -1):
            if k + 1 < n_dev - 1:
                rest = np.where(k + 1 < e, rest * self.factors[k + 1], rest)
            rest = np.where(k == e - 1, 1.0, rest)
            live = (a <= k) & (k < e)
            if live.any():
                vol = float(np.sum(self.full[idx, k][live] * rest[live]))
                param += (vol * self.std_err[k]) ** 2
        return pred, math.sqrt(process + param)

    def summary(self, origins: Sequence[str] | None = None) -> dict[str, Any]:
        tri = self.triangle
        sel = set(tri.origins if origins is None else origins)
        idx = [i for i, o in enumerate(tri.origins) if o in sel]
        latest = float(np.nansum(self.latest[idx]))
        ibnr = float(np.nansum(self.ibnr[idx]))
        se = self.total_se([tri.origins[i] for i in idx])
        return {"latest": latest, "ibnr": ibnr, "ultimate": latest + ibnr, "se": se,
                "interval_80": interval(latest, ibnr, se, Z80), "interval_95": interval(latest, ibnr, se, Z95)}

    def as_dict(self) -> dict[str, Any]:
        tri = self.triangle
        s = self.summary()

        def per(arr: np.ndarray) -> dict[str, float | None]:
            return {o: (None if not np.isfinite(v) else float(v)) for o, v in zip(tri.origins, arr, strict=True)}

        return {
            "origins": tri.origins,
            "developments": tri.devs,
            "factors": [float(f) for f in self.factors],
            "sigma": [float(x) for x in self.sigma],
            "factor_std_err": [float(x) for x in self.std_err],
            "tail": self.tail,
            "latest": per(self.latest),
            "ultimate": per(self.ultimate),
            "ibnr": per(self.ibnr),
            "mack_se": per(self.mack_se),
            "process_se": per(self.process_se),
            "parameter_se": per(self.parameter_se),
            "latest_total": s["latest"],
            "ibnr_total": s["ibnr"],
            "ultimate_total": s["ultimate"],
            "mack_se_total": s["se"],
            "interval_80_total": list(s["interval_80"]),
            "interval_95_total": list(s["interval_95"]),
            "sigma_interpolation": self.sigma_interpolation,
            "not_projected": self.not_projected,
            "no_data_steps": [tri.devs[k] for k in self.no_data_steps],
        }


def interval(latest: float, ibnr: float, se: float, z: float) -> tuple[float, float]:
    """Prediction interval for the ultimate = latest + IBNR. The outstanding amount is taken lognormal with
    mean IBNR and standard deviation ``se`` (Mack 1999); when IBNR <= 0 a normal interval is used."""
    if se <= 0 or not math.isfinite(se):
        return (latest + ibnr, latest + ibnr)
    if ibnr <= 0:
        return (latest + ibnr - z * se, latest + ibnr + z * se)
    s2 = math.log(1.0 + (se / ibnr) ** 2)
    mu = math.log(ibnr) - s2 / 2.0
    s = math.sqrt(s2)
    return (latest + math.exp(mu - z * s), latest + math.exp(mu + z * s))


def _loglinear_fill(sigma: np.ndarray) -> np.ndarray:
    """Fill missing sigmas by a straight line through log(sigma) against the step number (chainladder's
    'log-linear' interpolation), fitted on the finite, positive sigmas.

    A filled sigma is capped at the largest estimated one: with few estimated sigmas the fitted slope can be
    positive, and over the 60 monthly steps of a five-year lag the line then grows without bound (standard errors
    of 1e22 cents were seen on sparse budget lines). chainladder-python does not cap; on the reference triangles
    (decreasing sigmas) the cap never binds, so the agreement tests are unaffected."""
    out = sigma.copy()
    x = np.arange(1, len(sigma) + 1, dtype=float)
    ok = np.isfinite(sigma) & (sigma > 0)
    if ok.sum() >= 2:
        slope, intercept = np.polyfit(x[ok], np.log(sigma[ok]), 1)
        fill = np.minimum(np.exp(intercept + slope * x), float(sigma[ok].max()))
    elif ok.sum() == 1:
        fill = np.full_like(sigma, sigma[ok][0])
    else:
        fill = np.zeros_like(sigma)
    missing = ~np.isfinite(out)
    out[missing] = fill[missing]
    return out


def _mack_fill(sigma: np.ndarray) -> np.ndarray:
    """Mack (1993): sigma_k^2 = min(sigma_{k-1}^4 / sigma_{k-2}^2, sigma_{k-2}^2, sigma_{k-1}^2)."""
    out = sigma.copy()
    for k in range(len(out)):
        if np.isfinite(out[k]):
            continue
        if k >= 2 and np.isfinite(out[k - 1]) and np.isfinite(out[k - 2]) and out[k - 2] > 0:
            a, b = out[k - 2] ** 2, out[k - 1] ** 2
            out[k] = math.sqrt(min(b * b / a, a, b))
        else:
            out[k] = 0.0
    return out


def _exponential_tail(factors: np.ndarray, fit_last: int = 12, extrapolate: int = 100) -> float:
    """Tail factor from an exponential decay of (f_k - 1) over the last factors above 1."""
    ks = np.arange(len(factors), dtype=float)
    start = max(0, len(factors) - fit_last)
    ok = (factors[start:] > 1.0) & np.isfinite(factors[start:])
    if ok.sum() < 2:
        return 1.0
    x = ks[start:][ok]
    y = np.log(factors[start:][ok] - 1.0)
    slope, intercept = np.polyfit(x, y, 1)
    if slope >= 0:  # no decay: refuse to extrapolate a growing development
        return 1.0
    future = np.arange(len(factors), len(factors) + extrapolate, dtype=float)
    return float(np.prod(1.0 + np.exp(intercept + slope * future)))


def fit(tri: Triangle, sigma_interpolation: str = "log-linear", tail: str | float | None = None) -> ChainLadderResult:
    """Chain ladder with volume-weighted factors and Mack standard errors (see the module docstring)."""
    c = tri.values.astype(float)
    n_o, n_d = c.shape
    factors = np.ones(max(n_d - 1, 0))
    sigma = np.full(max(n_d - 1, 0), np.nan)
    volume = np.zeros(max(n_d - 1, 0))
    n_pairs: list[int] = []
    no_data: list[int] = []
    for k in range(n_d - 1):
        x, y = c[:, k], c[:, k + 1]
        ok = np.isfinite(x) & np.isfinite(y) & (x > 0)
        n = int(ok.sum())
        n_pairs.append(n)
        if n == 0:
            no_data.append(k)
            continue
        sx = float(x[ok].sum())
        f = float(y[ok].sum()) / sx
        factors[k] = f
        volume[k] = sx
        if n >= 2:
            sigma[k] = math.sqrt(float(np.sum(x[ok] * (y[ok] / x[ok] - f) ** 2)) / (n - 1))
    if sigma_interpolation == "mack":
        sigma = _mack_fill(sigma)
    elif sigma_interpolation == "log-linear":
        sigma = _loglinear_fill(sigma)
    else:
        raise ValueError(f"onbekende sigma-interpolatie {sigma_interpolation!r}: log-linear of mack")
    with np.errstate(divide="ignore", invalid="ignore"):
        std_err = np.where(volume > 0, sigma / np.sqrt(np.where(volume > 0, volume, 1.0)), 0.0)

    if tail is None or tail == "none":
        tail_f = 1.0
    elif tail == "exponential":
        tail_f = _exponential_tail(factors)
    else:
        tail_f = float(tail)
    tail_sigma = 0.0
    tail_se = 0.0
    if tail_f != 1.0 and n_d >= 2:
        tail_sigma = float(_loglinear_fill(np.append(sigma, np.nan))[-1])
        last_vol = float(np.nansum(np.where(c[:, -1] > 0, c[:, -1], 0.0)))
        tail_se = tail_sigma / math.sqrt(last_vol) if last_vol > 0 else 0.0

    latest_k = tri.latest_index
    latest = tri.latest()
    full = c.copy()
    process = np.zeros(n_o)
    param = np.zeros(n_o)
    ultimate = latest.copy()
    not_projected: list[str] = []
    for i in range(n_o):
        k0 = latest_k[i]
        if k0 < 0 or latest[i] <= 0:
            not_projected.append(tri.origins[i])
            continue
        p2 = q2 = 0.0
        for k in range(k0, n_d - 1):
            full[i, k + 1] = full[i, k] * factors[k]
            p2 = factors[k] ** 2 * p2 + abs(full[i, k]) * sigma[k] ** 2
            q2 = factors[k] ** 2 * q2 + (full[i, k] * std_err[k]) ** 2
        last = full[i, n_d - 1]
        if tail_f != 1.0:
            p2 = tail_f ** 2 * p2 + abs(last) * tail_sigma ** 2
            q2 = tail_f ** 2 * q2 + (last * tail_se) ** 2
        ultimate[i] = last * tail_f
        process[i] = math.sqrt(p2)
        param[i] = math.sqrt(q2)
    ibnr = ultimate - latest
    return ChainLadderResult(
        triangle=tri, factors=factors, sigma=sigma, std_err=std_err, n_pairs=n_pairs, tail=tail_f,
        tail_sigma=tail_sigma, tail_std_err=tail_se, full=full, latest=latest, ultimate=ultimate, ibnr=ibnr,
        process_se=process, parameter_se=param, mack_se=np.sqrt(process ** 2 + param ** 2),
        not_projected=not_projected, no_data_steps=no_data, sigma_interpolation=sigma_interpolation)
