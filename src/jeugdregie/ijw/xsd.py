"""Optional validation against the official iJw 3.2 XSDs (``settings.xsd_dir``; not shipped in the repo)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

from jeugdregie.ijw.rules import Finding


class XsdValidator:
    def __init__(self, xsd_dir: Path) -> None:
        self.xsd_dir = Path(xsd_dir)
        if not (self.xsd_dir / "basisschema.xsd").is_file():
            raise FileNotFoundError(f"Geen iJw-XSD's gevonden in {self.xsd_dir} (basisschema.xsd ontbreekt)")

    @cache  # noqa: B019 - one validator per run, few message types
    def schema(self, message_type: str) -> etree.XMLSchema:
        path = self.xsd_dir / f"{message_type}.xsd"
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        return etree.XMLSchema(etree.parse(str(path), parser=parser))

    def validate(self, message_type: str, doc: etree._Element) -> list[Finding]:
        schema = self.schema(message_type)
        if schema.validate(doc):
            return []
        out = []
        for err in list(schema.error_log)[:5]:
            text = _redact(err.message)
            out.append(Finding("XSD", err.path or "/", f"regel {err.line}: {text}", f"line {err.line}: {text}"))
        return out


def _redact(message: str) -> str:
    """XSD errors quote element values; values may be personal data, so quoted values are removed."""
    message = re.sub(r"The value '[^']*'", "The value", message)
    message = re.sub(r"'[^']*' is not", "value is not", message)
    return re.sub(r"\d{9}", "#########", message)
