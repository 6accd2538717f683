"""Hostile XML is refused before any entity is expanded or any file or URL is touched."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from jeugdregie.ijw import safexml
from jeugdregie.ijw.reader import read_message

NS = 'xmlns="http://www.istandaarden.nl/ijw/3_2/jw323/schema"'

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Bericht %s><Header>&lol4;</Header></Bericht>""" % NS.encode()


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(safexml.UnsafeXMLError):
        list(safexml.iterparse(BILLION_LAUGHS))


def test_external_file_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>
<Bericht {NS}><Header>&xxe;</Header></Bericht>""".encode()
    with pytest.raises(safexml.UnsafeXMLError):
        list(safexml.iterparse(doc))
    msg = read_message(doc, "xxe.xml")
    assert msg.findings and msg.findings[0].rule == "XML"
    assert "TOPSECRET" not in repr(msg)


def test_no_network_access_for_external_dtd() -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY e "pwned">')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/evil.dtd"
        for doc in (
            f'<?xml version="1.0"?><!DOCTYPE Bericht SYSTEM "{url}"><Bericht {NS}/>'.encode(),
            f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "{url}"> %p;]><Bericht {NS}/>'.encode(),
        ):
            with pytest.raises(safexml.UnsafeXMLError):
                list(safexml.iterparse(doc))
    finally:
        server.shutdown()
    assert hits == []


def test_doctype_hidden_after_comment_and_bom_is_refused() -> None:
    doc = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- harmless -->\n<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'
    with pytest.raises(safexml.UnsafeXMLError):
        list(safexml.iterparse(doc))


def test_xinclude_is_not_processed(tmp_path: Path) -> None:
    (tmp_path / "inc.xml").write_text("<secret>TOPSECRET</secret>")
    doc = (f'<Bericht {NS} xmlns:xi="http://www.w3.org/2001/XInclude">'
           f'<xi:include href="{tmp_path / "inc.xml"}"/></Bericht>').encode()
    texts = [e.text for _, e in safexml.iterparse(doc)]
    assert "TOPSECRET" not in str(texts)


def test_malformed_xml_is_a_finding_not_a_crash() -> None:
    msg = read_message(f"<Bericht {NS}><oops></Bericht>".encode(), "broken.xml")
    assert [f.rule for f in msg.findings] == ["XML"]
    assert "not well-formed" in msg.findings[0].reason_en


def test_non_ijw_root_is_reported() -> None:
    msg = read_message(b"<html><body/></html>", "page.xml")
    assert [f.rule for f in msg.findings] == ["STRUCT"]
