"""Fixtures shared by the analysis tests."""

from jeugdregie.analysis.tests.access_scenario import no_small_cells, store  # noqa: F401  (pytest fixtures)
