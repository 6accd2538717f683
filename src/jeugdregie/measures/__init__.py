"""Measures register (maatregelen): model, store access, file formats and the maatwerkbudget ledger.

Public API for the CLI and the web layer: ``jeugdregie.measures.register`` (list/get/save/delete measures,
totals) and ``jeugdregie.measures.files`` (import/export YAML, CSV, Excel and the seed tables). See
docs/measures.md.
"""
