"""User YAML files merged over shipped defaults (access rules, signal thresholds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jeugdregie.analysis.userconfig import merge, read_mapping


class _Err(ValueError):
    pass


def test_merge_folds_nested_mappings_except_replaced_keys() -> None:
    base = {"a": {"x": 1, "y": 2}, "groups": {"p": 1, "q": 2}, "n": 3}
    over = {"a": {"y": 5}, "groups": {"r": 9}}
    assert merge(base, over) == {"a": {"x": 1, "y": 5}, "groups": {"p": 1, "q": 2, "r": 9}, "n": 3}
    assert merge(base, over, {"groups"}) == {"a": {"x": 1, "y": 5}, "groups": {"r": 9}, "n": 3}
    assert base["a"] == {"x": 1, "y": 2}  # the default is not changed


def test_read_mapping_reads_a_mapping_and_refuses_the_rest(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("a:\n  b: 1\n", encoding="utf-8")
    assert read_mapping(good, "Regelbestand", _Err) == {"a": {"b": 1}}
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert read_mapping(empty, "Regelbestand", _Err) == {}
    with pytest.raises(_Err, match="Drempelbestand niet gevonden"):
        read_mapping(tmp_path / "missing.yaml", "Drempelbestand", _Err)
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1\n", encoding="utf-8")
    with pytest.raises(_Err, match="geen geldige YAML"):
        read_mapping(bad, "Regelbestand", _Err)
    seq = tmp_path / "seq.yaml"
    seq.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(_Err, match="moet een mapping"):
        read_mapping(seq, "Regelbestand", _Err)
