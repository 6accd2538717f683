"""Population denominators of the synthetic region: ``population.csv`` for ``jeugdregie population import``.

Calibration (docs/synth.md): about 9.8 % of 0-23-year-olds receive youth care (VNG 2022, national figure 2020,
``seeds-data/vng_other_figures.csv`` row ``share_0_23_2020``). The simulation aims at a number of annual clients
per municipality (``config.client_targets``); the residents aged 0 t/m 22 are that target divided by 9.8 %, so
the first service year has a reach of about 9.8 % and later years show the client-growth knob as rising reach.
The population itself is held constant over the years and spread evenly over the 23 single ages.
"""

from __future__ import annotations

import csv
from pathlib import Path

from jeugdregie.analysis.reach import BANDS  # the age bands the denominators are for (inclusive ages)
from jeugdregie.synth.config import YOUTH_CARE_SHARE, SynthOptions, client_targets, municipalities_for

AGES = 23  # 0 t/m 22
HEADER = ["gemeente", "jaar", "leeftijd_van", "leeftijd_tot", "inwoners"]


def residents_0_22(opts: SynthOptions) -> dict[str, int]:
    """Residents aged 0 t/m 22 per municipality (constant over the years)."""
    targets = client_targets(opts, municipalities_for(opts.scale_spec))
    return {code: round(t / YOUTH_CARE_SHARE) for code, t in targets.items()}


def split_bands(total: int) -> list[int]:
    """``total`` residents over ``BANDS`` by number of ages, largest remainder: the parts add up exactly."""
    exact = [total * (b - a + 1) / AGES for a, b in BANDS]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(BANDS)), key=lambda i: parts[i] - exact[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts


def population_rows(opts: SynthOptions) -> list[tuple[str, int, int, int, int]]:
    rows = []
    for code, total in sorted(residents_0_22(opts).items()):
        for year in range(opts.first_year, opts.last_year + 1):
            for (a, b), n in zip(BANDS, split_bands(total), strict=True):
                rows.append((code, year, a, b, n))
    return rows


def write_population(path: Path, opts: SynthOptions) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(population_rows(opts))
