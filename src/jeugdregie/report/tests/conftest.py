"""Fixtures of the report tests: the synthetic region of the measures tests."""

from jeugdregie.measures.tests.region import region_db, region_template  # noqa: F401  (pytest fixtures)
