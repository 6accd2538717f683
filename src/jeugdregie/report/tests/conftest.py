"""Fixtures of the report tests: the synthetic region of the measures tests."""

from jeugdregie.measures.tests.region import anomaly_region, region_db, region_template  # noqa: F401
