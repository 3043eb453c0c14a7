"""The person export document (GDPR Art. 20): one JSON file with every record about a person.

Layout::

    {"format": "iqcore.person-export", "format_version": 1, "iqcore_version": "…",
     "network": "iq-example", "migrant_id": "m-1",
     "records": [{"kind": "counselling_case", "id": "c-1", "document": {…}}, …]}

Each ``document`` is the record exactly as :func:`iqcore.serialization.to_json` writes it,
including its ``schema_version``. Records are sorted by kind and id, so two exports of the same
data are equal byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import orjson

from iqcore._version import __version__
from iqcore.errors import Problem, ValidationError
from iqcore.storage._codec import decode
from iqcore.storage.kinds import kind_named

__all__ = ["EXPORT_FORMAT", "EXPORT_FORMAT_VERSION", "PersonExport", "build_export", "parse_export"]

EXPORT_FORMAT = "iqcore.person-export"
EXPORT_FORMAT_VERSION = 1


@attrs.frozen(kw_only=True)
class PersonExport:
    """A parsed export: the network and person it came from, and the decoded records."""

    network: str | None
    migrant_id: str
    records: tuple[object, ...]


def build_export(
    network: str | None, migrant_id: str, records: Iterable[tuple[str, str, bytes | str]]
) -> bytes:
    """The export document for ``(kind, id, stored JSON)`` triples."""
    items = sorted(records, key=lambda r: (r[0], r[1]))
    doc = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "iqcore_version": __version__,
        "network": network,
        "migrant_id": migrant_id,
        "records": [
            {"kind": kind, "id": id_, "document": orjson.loads(raw)} for kind, id_, raw in items
        ],
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


def parse_export(data: bytes | str) -> PersonExport:
    """Parse and validate an export document; every problem is reported at once."""
    try:
        doc: Any = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise ValidationError(
            [Problem("$", "invalid_json", "not a JSON document")], type_name="person export"
        ) from None
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        raise ValidationError(
            [Problem("$", "wrong_type", "must be an object")], type_name="person export"
        )
    if doc.get("format") != EXPORT_FORMAT:
        problems.append(Problem("$.format", "wrong_format", "not an iqcore person export"))
    if doc.get("format_version") != EXPORT_FORMAT_VERSION:
        problems.append(
            Problem("$.format_version", "unsupported_version", "unsupported export version")
        )
    migrant_id = doc.get("migrant_id")
    if not isinstance(migrant_id, str):
        problems.append(Problem("$.migrant_id", "wrong_type", "must be a string"))
    network = doc.get("network")
    if network is not None and not isinstance(network, str):
        problems.append(Problem("$.network", "wrong_type", "must be a string or null"))
    raw_records = doc.get("records")
    if not isinstance(raw_records, list):
        problems.append(Problem("$.records", "wrong_type", "must be a list"))
        raw_records = []
    records: list[object] = []
    for i, item in enumerate(raw_records):
        path = f"$.records[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("kind"), str):
            problems.append(Problem(path, "wrong_type", "must be an object with a kind"))
            continue
        try:
            kind = kind_named(item["kind"])
        except Exception:
            problems.append(Problem(f"{path}.kind", "unknown_kind", "not a registered kind"))
            continue
        try:
            obj = decode(orjson.dumps(item.get("document")), kind.cls)
        except ValidationError as exc:
            problems.extend(
                Problem(path + ".document" + p.path.removeprefix("$"), p.code, p.message)
                for p in exc.problems
            )
            continue
        if kind.person(obj) != migrant_id:
            problems.append(
                Problem(f"{path}.document", "other_person", "record concerns another person")
            )
            continue
        records.append(obj)
    if problems:
        raise ValidationError(problems, type_name="person export")
    assert isinstance(migrant_id, str)
    return PersonExport(network=network, migrant_id=migrant_id, records=tuple(records))
