"""Risk-based signals about providers for contract management (issue 5).

Public interface (used by the CLI, the web pages and the half-year report)::

    compute_signals(db, period, provider=None, types=None, municipality=None) -> list[Signal]
    rank(signals) -> list[dict]   # the JSON of `jeugdregie signals --format json`

Rules, formulas, thresholds and the score are documented in docs/signals.md.
"""

from jeugdregie.analysis.signals.engine import compute_signals, coverage_notes
from jeugdregie.analysis.signals.model import (
           LABELS_NL,
           RULE_TYPES,
           STAT_TYPES,
           TYPES,
           Signal,
           SignalError,
           load_thresholds,
)
from jeugdregie.analysis.signals.ranking import SCORE_FORMULA, rank

__all__ = ["LABELS_NL", "RULE_TYPES", "SCORE_FORMULA", "STAT_TYPES", "TYPES", "Signal", "SignalError",
           "compute_signals", "coverage_notes", "load_thresholds", "rank"]
