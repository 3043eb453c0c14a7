"""The case documents the ``iqcore`` command reads, and the result records it stores.

Nothing here imports click or rich: tools that read what ``iqcore demo`` stored, or that write
case files for ``iqcore assess``, can use this module without the command line.

A **case document** (:class:`CaseInput`) is one JSON object::

    {"id": "case-1", "as_of": "2024-03-01", "network": "iq-be",
     "occupation": "office_management_clerk",
     "qualification": {...a ForeignQualification...},
     "applicant": {...a Migrant, optional...}}

A case file holds one such object, a JSON array of them, or JSON Lines (one object per line;
blank lines are skipped). :func:`read_documents` reads any of the three and reports every
problem of every document at once, each with its place: ``$[3].qualification.duration_months``
in a JSON array, ``line 4: $.qualification.duration_months`` in JSON Lines.

The results of the demo are kept in a store as two record kinds registered here:
``case_assessment`` (:class:`CaseAssessment`, the prognosis of a case) and ``case_plan``
(:class:`CasePlan`, its ranked training plans). Both concern the case's pseudonymous person, so
``Store.export_person`` and ``Store.erase_person`` include them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import attrs
import orjson

from iqcore.errors import Problem, ValidationError
from iqcore.model._validators import check_id, instance, optional_check_id, optional_instance
from iqcore.model.people import Migrant
from iqcore.model.qualifications import ForeignQualification
from iqcore.planning import Plan, Unclosable
from iqcore.rules.assessment import Assessment
from iqcore.storage.kinds import IndexField, RecordKind, register_kind

__all__ = [
    "CASE_ASSESSMENT",
    "CASE_PLAN",
    "CaseAssessment",
    "CaseInput",
    "CasePlan",
    "read_documents",
]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class CaseInput:
    """One case to pre-assess: a qualification, a reference occupation, a date and a place.

    ``occupation`` is the id of a reference occupation (shipped or registered by a plugin);
    ``network`` the id of the regional network whose rules apply (None: the Land of the
    applicant's residence, else federal rules only); ``applicant`` the pseudonymous person
    (languages matter for licensing and planning).
    """

    id: str = attrs.field(validator=check_id)
    as_of: date = attrs.field(validator=instance(date))
    occupation: str = attrs.field(validator=check_id)
    qualification: ForeignQualification = attrs.field(validator=instance(ForeignQualification))
    network: str | None = attrs.field(default=None, validator=optional_check_id)
    applicant: Migrant | None = attrs.field(default=None, validator=optional_instance(Migrant))


@attrs.frozen(kw_only=True)
class CaseAssessment:
    """The stored prognosis of one case (record kind ``case_assessment``, keyed by case id)."""

    id: str = attrs.field(validator=check_id)
    migrant_id: str | None = attrs.field(default=None, validator=optional_check_id)
    network_id: str | None = attrs.field(default=None, validator=optional_check_id)
    assessment: Assessment = attrs.field(validator=instance(Assessment))


@attrs.frozen(kw_only=True)
class CasePlan:
    """The stored training plans of one case (record kind ``case_plan``, keyed by case id).

    ``plans`` are ranked best first; ``unclosable`` lists the remaining differences no scheme of
    the catalogue closes, with the reason.
    """

    id: str = attrs.field(validator=check_id)
    migrant_id: str | None = attrs.field(default=None, validator=optional_check_id)
    plans: tuple[Plan, ...] = ()
    unclosable: tuple[Unclosable, ...] = ()


def _outcome(record: CaseAssessment) -> object:
    return record.assessment.outcome


#: The record kind of :class:`CaseAssessment` (filter by ``occupation_id``, ``outcome``).
CASE_ASSESSMENT: RecordKind[CaseAssessment] = register_kind(
    RecordKind(
        name="case_assessment",
        cls=CaseAssessment,
        key=lambda r: r.id,
        person=lambda r: r.migrant_id,
        indexes=(
            IndexField(name="occupation_id", type="text", get=lambda r: r.assessment.occupation_id),
            IndexField(name="outcome", type="text", get=_outcome, indexed=False),
        ),
    )
)

#: The record kind of :class:`CasePlan`.
CASE_PLAN: RecordKind[CasePlan] = register_kind(
    RecordKind(name="case_plan", cls=CasePlan, key=lambda r: r.id, person=lambda r: r.migrant_id)
)


def _is_json_lines(text: bytes) -> bool:
    """True if *text* is JSON Lines: more than one non-blank line, each starting an object."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    first = lines[0].lstrip()
    if not first.startswith(b"{"):
        return False
    try:
        orjson.loads(lines[0])
    except orjson.JSONDecodeError:
        return False
    return True


def _documents(data: bytes) -> Iterator[tuple[str, Any]]:
    """(place, parsed document or a ValidationError) for every document in *data*."""
    if _is_json_lines(data):
        for number, line in enumerate(data.splitlines(), start=1):
            if not line.strip():
                continue
            place = f"line {number}: $"
            try:
                yield place, orjson.loads(line)
            except orjson.JSONDecodeError:
                yield place, ValidationError([Problem(place, "json", "not valid JSON text")])
        return
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError:
        yield "$", ValidationError([Problem("$", "json", "not valid JSON text or JSON Lines")])
        return
    if isinstance(parsed, list):
        for i, doc in enumerate(parsed):
            yield f"$[{i}]", doc
    else:
        yield "$", parsed


def _relocate(problem: Problem, place: str) -> Problem:
    if place == "$" or not problem.path.startswith("$"):
        return problem
    return Problem(place + problem.path[1:], problem.code, problem.message)


def read_documents(source: Path | str | bytes, cls: type[T]) -> list[T]:
    """Read every document of *cls* from a file (a path) or its bytes.

    The input is one JSON object, a JSON array of objects, or JSON Lines. Raises
    :class:`~iqcore.errors.ValidationError` with the problems of every document at once, each
    path prefixed by the document's place (see the module documentation).
    """
    from iqcore.serialization import from_dict

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    out: list[T] = []
    problems: list[Problem] = []
    for place, doc in _documents(data):
        if isinstance(doc, ValidationError):
            problems.extend(doc.problems)
            continue
        if not isinstance(doc, dict):
            problems.append(Problem(place, "type", "must be a JSON object"))
            continue
        try:
            out.append(from_dict(doc, cls))
        except ValidationError as exc:
            problems.extend(_relocate(p, place) for p in exc.problems)
    if problems:
        raise ValidationError(problems, type_name=cls.__name__)
    if not out:
        raise ValidationError([Problem("$", "missing", "the input holds no document")])
    return out
