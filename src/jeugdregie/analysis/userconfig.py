"""User configuration files (YAML) merged over shipped defaults: the access rule files and the signal thresholds.

A user file only needs the keys it changes; ``merge`` folds it over the default, nested mappings key by key
(except the keys named in ``replaced``, whose mapping the user file replaces as a whole).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml


def merge(base: dict[str, Any], over: dict[str, Any], replaced: Collection[str] = ()) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in replaced:
            out[k] = merge(out[k], v, replaced)
        else:
            out[k] = v
    return out


def read_mapping(path: str | Path, kind: str, error: type[ValueError]) -> dict[str, Any]:
    """The mapping in the user's YAML file ``path`` (empty file: ``{}``); a missing file, invalid YAML or a
    non-mapping raises ``error`` with a Dutch message naming the file as ``kind`` (e.g. "Regelbestand")."""
    p = Path(path)
    if not p.is_file():
        raise error(f"{kind} niet gevonden: {p}")
    try:
        user = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise error(f"{kind} {p} is geen geldige YAML: {exc}") from None
    if not isinstance(user, dict):
        raise error(f"{kind} {p} moet een mapping (sleutel: waarde) bevatten")
    return user
