"""Fixtures shared by the analysis tests."""

from jeugdregie.analysis.tests.access_scenario import store  # noqa: F401  (pytest fixture)
