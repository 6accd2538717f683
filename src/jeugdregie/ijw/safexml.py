"""Safe, streaming XML reading for untrusted iJw files.

Refused outright: any DOCTYPE (so no DTD, no entity declarations, no billion laughs, no external entities).
The lxml parser is additionally configured with ``resolve_entities=False``, ``no_network=True``,
``load_dtd=False`` and ``huge_tree=False`` as defence in depth. XInclude is never processed.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import IO

from lxml import etree

PROLOG_SCAN_BYTES = 64 * 1024


class UnsafeXMLError(ValueError):
    """The document uses a construct we never accept (DTD, entities)."""


class XMLSyntaxError(ValueError):
    """The document is not well-formed XML."""


def check_prolog(head: bytes) -> None:
    """Reject a DOCTYPE (and thereby any DTD or entity declaration) before parsing.

    Scans the prolog: XML declaration, processing instructions, comments and whitespace up to the first
    element. Anything starting with ``<!`` other than a comment is refused.
    """
    data = head
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for enc in ("utf-16", "utf-32"):
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                data = data.decode(enc, errors="ignore").encode("utf-8")
            except LookupError:
                pass
            break
    i, n = 0, len(data)
    while i < n:
        c = data[i:i + 1]
        if c in (b" ", b"\t", b"\r", b"\n"):
            i += 1
            continue
        if data.startswith(b"<?", i):
            end = data.find(b"?>", i + 2)
            if end < 0:
                return
            i = end + 2
            continue
        if data.startswith(b"<!--", i):
            end = data.find(b"-->", i + 4)
            if end < 0:
                return
            i = end + 3
            continue
        if data.startswith(b"<!", i):
            raise UnsafeXMLError(
                "DOCTYPE/DTD is niet toegestaan (DOCTYPE, DTDs and entity declarations are refused)"
            )
        return  # first element reached
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise UnsafeXMLError("DOCTYPE/DTD is niet toegestaan (DOCTYPE, DTDs and entity declarations are refused)")


def iterparse(source: IO[bytes] | bytes, events: tuple[str, ...] = ("end",),
              tag: str | list[str] | None = None) -> Iterator[tuple[str, etree._Element]]:
    """Streaming parse of an untrusted document. Raises UnsafeXMLError or XMLSyntaxError."""
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    head = stream.read(PROLOG_SCAN_BYTES)
    check_prolog(head)
    rest = _Chain(head, stream)
    ctx = etree.iterparse(
        rest, events=events, tag=tag, resolve_entities=False, no_network=True, load_dtd=False,
        dtd_validation=False, huge_tree=False, remove_comments=True, remove_pis=True,
    )
    try:
        yield from ctx
    except etree.XMLSyntaxError as exc:
        raise XMLSyntaxError(f"Geen geldige XML (not well-formed XML): {exc.msg}") from None
    finally:
        del ctx
    # entity references that slipped through would appear as Entity nodes; we never resolve them


_PARSERS = threading.local()  # lxml parsers are reusable but not thread-safe: one per thread


def _parser() -> etree.XMLParser:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                   huge_tree=False, dtd_validation=False)
    return parser


def parse_bytes(data: bytes) -> etree._Element:
    """Whole-document parse (small documents only, e.g. for XSD validation), same protections."""
    check_prolog(data[:PROLOG_SCAN_BYTES])
    try:
        return etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise XMLSyntaxError(f"Geen geldige XML (not well-formed XML): {exc.msg}") from None


class _Chain(io.RawIOBase):
    """A read-only stream that replays ``head`` and then continues with ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._pos = 0
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._pos < len(self._head):
            chunk = self._head[self._pos:self._pos + len(b)]
            self._pos += len(chunk)
        else:
            chunk = self._stream.read(len(b))
        b[:len(chunk)] = chunk
        return len(chunk)
