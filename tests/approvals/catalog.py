"""Compile a .po catalog to .mo in pure Python, so the translation tests need no gettext
on the machine (scripts/setup compiles the shipped catalogs with ``msgfmt`` when present).

Only what our catalogs use: msgid, msgid_plural, msgstr, msgstr[n], comments; entries
left untranslated are skipped, as msgfmt does.
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path


def _parse(po: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    fields: dict[str, str] = {}
    current = ""

    def flush() -> None:
        if "msgid" not in fields:
            return
        key = fields["msgid"]
        if "msgid_plural" in fields:
            key += "\0" + fields["msgid_plural"]
            forms = [fields[f"msgstr[{n}]"] for n in range(10) if f"msgstr[{n}]" in fields]
            value = "\0".join(forms) if all(forms) else ""
        else:
            value = fields.get("msgstr", "")
        if value:
            entries[key] = value

    for line in po.splitlines() + [""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if not line:
                flush()
                fields, current = {}, ""
            continue
        if line.startswith('"'):
            fields[current] += ast.literal_eval(line)
            continue
        current, _, rest = line.partition(" ")
        fields[current] = ast.literal_eval(rest)
    return entries


def compile_po(po_path: Path, mo_path: Path) -> int:
    """Write ``mo_path`` from ``po_path``; returns the number of translated messages."""
    entries = _parse(po_path.read_text(encoding="utf-8"))
    keys = sorted(entries)
    ids = [k.encode() for k in keys]
    strs = [entries[k].encode() for k in keys]
    count = len(keys)
    start = 7 * 4 + 16 * count
    table_ids: list[tuple[int, int]] = []
    table_strs: list[tuple[int, int]] = []
    blob = b""
    for data, table in [(d, table_ids) for d in ids] + [(d, table_strs) for d in strs]:
        table.append((len(data), start + len(blob)))
        blob += data + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, 28, 28 + 8 * count, 0, 0)
    tables = b"".join(struct.pack("<2I", *pair) for pair in table_ids + table_strs)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    mo_path.write_bytes(header + tables + blob)
    return count - (1 if "" in entries else 0)
