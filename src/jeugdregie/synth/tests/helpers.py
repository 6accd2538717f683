"""Independent reading of generated messages for the tests: plain zipfile + lxml, no jeugdregie reader."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path


def iter_messages(root: Path, mtype: str | None = None) -> Iterator[tuple[str, bytes]]:
    """(zip member name, bytes) of every written message, optionally of one type."""
    for z in sorted((root / "ijw").glob("*/*/*.zip")):
        if mtype and z.stem != mtype:
            continue
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                yield name, zf.read(name)
