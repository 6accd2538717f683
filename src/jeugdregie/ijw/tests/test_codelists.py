from pathlib import Path

from jeugdregie.ijw.codelists import codelist_files, codes


def test_packaged_codelists_equal_the_shared_reference(shared: Path) -> None:
    for name, path in codelist_files():
        assert path.read_bytes() == (shared / "domain" / "codelists" / f"{name}.csv").read_bytes(), name


def test_codes_keep_leading_zeros() -> None:
    assert codes("eenheid")["04"] == "Uur"
    assert "45" in codes("productcategorie")
