"""Storage records that wrap results which are not model entities themselves.

:func:`iqcore.assess` returns an :class:`~iqcore.rules.assessment.Assessment`: a prognosis
with its trace and provenance, but without an id or a person, because the engine never needs
either. To keep one in a store, wrap it::

    record = AssessmentRecord(id="as-1", migrant_id="m-1", case_id="c-1", assessment=result)
    store.put(record)
    store.find(AssessmentRecord, migrant_id="m-1")
    store.find(AssessmentRecord, occupation_id="nurse", as_of=Range(start=date(2024, 1, 1)))

The wrapper lives here, in the storage package, rather than in the model: the model keeps the
nouns of the domain, and an assessment becomes a record only when someone stores it. The record
kind is ``assessment``. It concerns ``migrant_id`` (required: a stored prognosis is always about
someone), so :meth:`~iqcore.storage.Store.export_person` and
:meth:`~iqcore.storage.Store.erase_person` include it, and every read and write of it is
audited. ``case_id`` links it to a :class:`~iqcore.model.CounsellingCase` when there is one.

Filters: ``migrant_id``, ``case_id``, ``occupation_id``, ``outcome``, ``route`` and ``as_of``
(the date the prognosis was made as of). Indexed: ``case_id``, and ``occupation_id`` with
``as_of``.
"""

from __future__ import annotations

import attrs

from iqcore.model._validators import check_id, instance, optional_check_id
from iqcore.rules.assessment import Assessment
from iqcore.storage.kinds import CompositeIndex, IndexField, RecordKind, register_kind

__all__ = ["ASSESSMENT", "AssessmentRecord"]


@attrs.frozen(kw_only=True)
class AssessmentRecord:
    """A stored :class:`~iqcore.rules.assessment.Assessment` of one person (kind ``assessment``).

    ``id`` is the record's own key (one person may have many assessments: other occupations,
    other dates); ``case_id`` names the counselling case it was made for, if any.
    """

    id: str = attrs.field(validator=check_id)
    migrant_id: str = attrs.field(validator=check_id)
    case_id: str | None = attrs.field(default=None, validator=optional_check_id)
    assessment: Assessment = attrs.field(validator=instance(Assessment))


def _occupation(r: AssessmentRecord) -> object:
    return r.assessment.occupation_id


def _outcome(r: AssessmentRecord) -> object:
    return r.assessment.outcome


def _route(r: AssessmentRecord) -> object:
    return r.assessment.route


def _as_of(r: AssessmentRecord) -> object:
    return r.assessment.as_of


def _case(r: AssessmentRecord) -> object:
    return r.case_id


def _key(r: AssessmentRecord) -> str:
    return r.id


def _person(r: AssessmentRecord) -> str | None:
    return r.migrant_id


#: The record kind of :class:`AssessmentRecord`.
ASSESSMENT: RecordKind[AssessmentRecord] = register_kind(
    RecordKind(
        name="assessment",
        cls=AssessmentRecord,
        key=_key,
        person=_person,
        indexes=(
            IndexField(name="case_id", type="text", get=_case),
            IndexField(name="occupation_id", type="text", get=_occupation, indexed=False),
            IndexField(name="outcome", type="text", get=_outcome, indexed=False),
            IndexField(name="route", type="text", get=_route, indexed=False),
            IndexField(name="as_of", type="date", get=_as_of, indexed=False),
        ),
        composites=(CompositeIndex(fields=("occupation_id", "as_of")),),
    )
)
