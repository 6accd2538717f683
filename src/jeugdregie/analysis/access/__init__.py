"""Steering at the access (toegang): norms and budget box, signal lists, referrals, flows, waiting
times and outcomes. Every function takes a ``Database`` and returns plain dicts/dataclasses; aggregated
figures pass through ``jeugdregie.analysis.smallcells``. See ``docs/access.md``.
"""
