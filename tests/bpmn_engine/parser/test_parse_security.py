"""Hardened loading: size limit, no DTDs or entities, clear messages for bad XML."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from bpmn_engine.parser import BpmnParseError, parse_bpmn

from .parser_diagrams import diagram_bytes, parse_error

DOCTYPE_REFUSED = "declarations are not allowed in BPMN files"


def refuse(data: bytes) -> BpmnParseError:
    with pytest.raises(BpmnParseError) as caught:
        parse_bpmn(data, filename="upload.bpmn")
    return caught.value


def test_data_above_max_bytes_is_refused_before_parsing_with_size_and_limit() -> None:
    data = b"<not even xml" + b" " * 200
    error = refuse_with_limit(data, 100)
    assert len(error.issues) == 1
    assert error.issues[0].message == (
        f"the file is {len(data)} bytes, above the limit of 100 bytes"
    )


def refuse_with_limit(data: bytes, limit: int) -> BpmnParseError:
    with pytest.raises(BpmnParseError) as caught:
        parse_bpmn(data, filename="big.bpmn", max_bytes=limit)
    return caught.value


def test_data_at_the_limit_is_parsed() -> None:
    data = diagram_bytes("pure_collaboration.bpmn")
    assert parse_bpmn(data, max_bytes=len(data)).definitions.id == "Definitions_Collab"


@pytest.mark.parametrize(
    ("name", "line"),
    [("xxe_file.bpmn", 2), ("external_dtd.bpmn", 2), ("billion_laughs.bpmn", 2)],
)
def test_doctype_payloads_are_refused_outright(name: str, line: int) -> None:
    error = parse_error(name)
    assert len(error.issues) == 1
    assert DOCTYPE_REFUSED in error.issues[0].message
    assert error.issues[0].line == line
    assert str(error) == f"{name}:{line}: {error.issues[0].message}"


def test_entity_declaration_without_doctype_is_refused() -> None:
    error = refuse(b'<?xml version="1.0"?>\n\n<!ENTITY x SYSTEM "file:///etc/passwd">\n<a/>')
    assert error.issues[0].message.startswith("<!ENTITY> declarations are not allowed")
    assert error.issues[0].line == 3


def test_xxe_in_utf16_is_refused_after_parse_without_reading_the_file(tmp_path: Path) -> None:
    """UTF-16 hides '<!DOCTYPE' from the byte scan; lxml must not resolve, then we refuse."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="D"><bpmn:documentation>&x;</bpmn:documentation></bpmn:definitions>'
    )
    error = refuse(text.encode("utf-16"))
    assert DOCTYPE_REFUSED in error.issues[0].message
    assert "TOP-SECRET" not in str(error)


def test_external_dtd_in_utf16_opens_no_network_connection() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(0.3)
        port = server.getsockname()[1]
        text = (
            '<?xml version="1.0" encoding="UTF-16"?>\n'
            f'<!DOCTYPE d SYSTEM "http://127.0.0.1:{port}/x.dtd">\n'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>'
        )
        error = refuse(text.encode("utf-16"))
        assert DOCTYPE_REFUSED in error.issues[0].message
        with pytest.raises(TimeoutError):
            server.accept()


def test_billion_laughs_in_utf16_is_refused_quickly() -> None:
    data = diagram_bytes("billion_laughs.bpmn").decode().replace("UTF-8", "UTF-16")
    started = time.monotonic()
    error = refuse(data.encode("utf-16"))
    assert time.monotonic() - started < 2
    assert DOCTYPE_REFUSED in error.issues[0].message


def test_malformed_xml_is_one_issue_with_line_and_column() -> None:
    error = parse_error("malformed.bpmn")
    assert len(error.issues) == 1
    issue = error.issues[0]
    assert issue.message == (
        "not well-formed XML: Opening and ending tag mismatch: startEvent line 4 and process"
    )
    assert (issue.line, issue.column) == (5, 18)
    assert str(issue).startswith("line 5, column 18: not well-formed XML")


def test_empty_data_is_malformed_xml() -> None:
    issue = refuse(b"").issues[0]
    assert issue.message == "not well-formed XML: Document is empty"
    assert (issue.line, issue.column) == (1, 1)


def test_non_bpmn_root_is_refused_with_the_expected_namespace() -> None:
    issue = parse_error("not_bpmn.bpmn").issues[0]
    assert issue.message == (
        "the root element is {http://www.omg.org/spec/DMN/20191111/MODEL/}definitions, "
        "not a BPMN 2.0 <definitions> element in namespace "
        "http://www.omg.org/spec/BPMN/20100524/MODEL"
    )
    assert issue.line == 2


def test_imports_are_recorded_never_loaded() -> None:
    data = diagram_bytes("approval_camunda.bpmn")
    (imported,) = parse_bpmn(data).definitions.imports
    assert imported.location == "types.xsd"
    assert imported.namespace == "http://example.com/types"
    assert imported.import_type == "http://www.w3.org/2001/XMLSchema"
    assert imported.line == 3


def test_utf16_declarations_are_found_by_the_byte_scan_with_their_line() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>\n\n<!DOCTYPE d [<!ENTITY x "y">]>\n<d/>'
    issue = refuse(text.encode("utf-16")).issues[0]
    assert issue.message.startswith("<!DOCTYPE> declarations are not allowed")
    assert issue.line == 3


def test_a_doctype_that_slipped_past_the_scan_is_still_refused_after_parsing() -> None:
    """The post-parse check covers encodings the byte scan does not know."""
    from lxml import etree

    from bpmn_engine.parser import xml

    root = etree.fromstring(b'<!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>', xml._parser())
    with pytest.raises(BpmnParseError) as caught:
        xml._check_no_doctype(root, "sneaky.bpmn")
    assert DOCTYPE_REFUSED in caught.value.issues[0].message
