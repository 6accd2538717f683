"""Rule files for the access analyses: YAML with documented defaults shipped in ``rules/``.

``load(name, path)`` reads the user's file when given, else the shipped default ``rules/<name>.yaml``.
A user file only needs the keys it changes: it is merged over the default (nested mappings of thresholds
merged key by key). Mappings that define sets (``productgroepen`` in wlz.yaml, ``zwaarte`` in flows.yaml) are
replaced as a whole, so a municipality can also drop a default group.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from jeugdregie.analysis.userconfig import merge, read_mapping

NAMES = ("wlz", "adulthood", "residence", "complex_segment", "flows", "providers", "stacking", "intake",
         "noncontracted", "lta", "protection")
#: keys whose mapping a user file replaces instead of merging
REPLACED = frozenset({"productgroepen", "zwaarte"})


class RuleError(ValueError):
    pass


def default_path(name: str) -> Path:
    return Path(str(resources.files("jeugdregie.analysis.access") / "rules" / f"{name}.yaml"))


def load(name: str, path: str | Path | None = None) -> dict[str, Any]:
    if name not in NAMES:
        raise RuleError(f"unknown rule file {name!r}")
    base_path = default_path(name)
    rules = yaml.safe_load(base_path.read_text(encoding="utf-8")) or {}
    rules["_dir"] = str(base_path.parent)
    if path is not None:
        p = Path(path)
        user = read_mapping(p, "Regelbestand", RuleError)
        rules = merge(rules, user, REPLACED)
        rules["_dir"] = str(p.resolve().parent)
    return rules


def resolve(rules: dict[str, Any], rel: str) -> Path:
    """A path from a rule file, relative to the rule file's folder (then to the shipped defaults)."""
    p = Path(rel)
    if p.is_absolute():
        return p
    cand = Path(rules.get("_dir", ".")) / p
    if cand.exists():
        return cand
    return default_path("wlz").parent / p
