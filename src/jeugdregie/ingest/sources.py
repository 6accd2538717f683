"""Input enumeration: single files, directories (recursive) and zip archives, streamed member by member."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # iJw files are <= 25 MB (OP192); refuse zip bombs
MAX_RATIO = 200


@dataclass(frozen=True)
class Source:
    """One input file: a path on disk or a member of a zip archive."""

    name: str
    path: Path
    member: str | None = None
    size: int = 0
    data: bytes | None = field(default=None, repr=False, compare=False)  # in-memory content (benchmarks)

    @property
    def kind(self) -> str:
        n = (self.member or self.path.name).lower()
        if n.endswith(".xml"):
            return "xml"
        if n.endswith(".csv"):
            return "csv"
        if n.endswith((".xlsx", ".xlsm")):
            return "xlsx"
        return "other"

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        if self.member is None:
            return self.path.read_bytes()
        with zipfile.ZipFile(self.path) as zf:
            info = zf.getinfo(self.member)
            _check_member(info)
            with zf.open(info) as fh:
                data = fh.read(MAX_MEMBER_BYTES + 1)
            if len(data) > MAX_MEMBER_BYTES:
                raise ValueError(f"{self.name}: zip-onderdeel te groot (member too large)")
            return data


def _check_member(info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_MEMBER_BYTES or (
            info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_RATIO):
        raise ValueError(f"{info.filename}: verdacht zip-onderdeel (suspicious zip member: size/ratio)")


def iter_sources(paths: list[Path]) -> Iterator[Source]:
    """All ingestible files under the given paths, in a stable order."""
    for p in paths:
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                yield from _from_file(f)
        elif p.is_file():
            yield from _from_file(p)
        else:
            raise FileNotFoundError(f"Bestand of map niet gevonden: {p}")


def _from_file(f: Path) -> Iterator[Source]:
    if f.suffix.lower() == ".zip":
        with zipfile.ZipFile(f) as zf:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                if info.is_dir():
                    continue
                src = Source(f"{f}!{info.filename}", f, info.filename, info.file_size)
                if src.kind in {"xml", "csv", "xlsx"}:
                    yield src
    else:
        src = Source(str(f), f, None, f.stat().st_size)
        if src.kind in {"xml", "csv", "xlsx"}:
            yield src
