"""The stored assessment (:class:`iqcore.storage.AssessmentRecord`, kind ``assessment``) in every
iqcore backend: put and get, filters, export and import, erasure, the audit log."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import orjson
import pytest

import iqcore
from iqcore import CounsellingCase, ForeignQualification, Migrant
from iqcore.errors import ConfigurationError, ValidationError
from iqcore.model import Country, QualificationKind
from iqcore.reference_data import occupation
from iqcore.rules.assessment import Assessment
from iqcore.serialization import from_json, to_json
from iqcore.storage import AssessmentRecord, Range, Store, kind_for, kind_named, open_store

NET = "iq-test"


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    qualification = ForeignQualification(
        title_original="Büro Yönetimi ve Yönetici Asistanlığı",
        country_of_training=Country(code="TR"),
        kind=QualificationKind.VOCATIONAL_SCHOOL,
        duration_months=36,
        competence_areas={"office_organisation", "customer_relations", "procurement"},
    )
    return iqcore.assess(
        qualification, occupation("office_management_clerk"), as_of=date(2025, 3, 3)
    )


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = "memory://" if request.param == "memory" else f"sqlite://{tmp_path}/db.sqlite3"
    with open_store(url, network=NET) as s:
        yield s


def _record(a: Assessment, rid: str, mid: str, case_id: str | None = None) -> AssessmentRecord:
    return AssessmentRecord(id=rid, migrant_id=mid, case_id=case_id, assessment=a)


def test_the_kind_is_registered_on_first_use() -> None:
    code = (
        "import sys, iqcore.storage as s; assert 'iqcore.rules.engine' not in sys.modules;"
        " assert s.kind_named('assessment').cls.__name__ == 'AssessmentRecord'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert kind_for(AssessmentRecord) is kind_named("assessment")
    assert kind_named("assessment").database_indexes() == (("occupation_id", "as_of"), ("case_id",))


def test_a_record_needs_an_id_a_person_and_an_assessment(assessment: Assessment) -> None:
    with pytest.raises(ValueError, match="id"):
        AssessmentRecord(id="", migrant_id="m-1", assessment=assessment)
    with pytest.raises(TypeError):
        AssessmentRecord(id="as-1", migrant_id="m-1", assessment="not one")  # type: ignore[arg-type]
    record = _record(assessment, "as-1", "m-1", "c-1")
    assert from_json(to_json(record), AssessmentRecord) == record


def test_put_get_find(store: Store, assessment: Assessment) -> None:
    later = iqcore.assess(
        ForeignQualification(
            title_original="Muhasebe",
            country_of_training=Country(code="TR"),
            kind=QualificationKind.VOCATIONAL_SCHOOL,
            duration_months=24,
        ),
        occupation("office_management_clerk"),
        as_of=date(2025, 9, 1),
    )
    records = [
        _record(assessment, "as-1", "m-1", "c-1"),
        _record(later, "as-2", "m-1", "c-1"),
        _record(assessment, "as-3", "m-2"),
    ]
    store.put_many(records)
    assert store.get(AssessmentRecord, "as-2") == records[1]

    def ids(**f: object) -> list[str]:
        return [r.id for r in store.find(AssessmentRecord, **f)]

    assert ids(migrant_id="m-1") == ["as-1", "as-2"]
    assert ids(case_id="c-1") == ["as-1", "as-2"]
    assert ids(case_id=None) == ["as-3"]
    assert ids(occupation_id="office_management_clerk", as_of=Range(end=date(2025, 6, 1))) == [
        "as-1",
        "as-3",
    ]
    assert ids(outcome=assessment.outcome) == sorted(
        r.id for r in records if r.assessment.outcome == assessment.outcome
    )
    with pytest.raises(ValidationError):
        store.find(AssessmentRecord, network_id="x")


def test_export_erase_and_audit_cover_stored_assessments(
    store: Store, assessment: Assessment
) -> None:
    store.put(Migrant(id="m-1"))
    store.put(
        CounsellingCase(id="c-1", migrant_id="m-1", network_id=NET, opened_on=date(2025, 1, 2))
    )
    store.put(_record(assessment, "as-1", "m-1", "c-1"))
    store.put(_record(assessment, "as-2", "m-2"))
    store.get(AssessmentRecord, "as-1")
    exported = store.export_person("m-1")
    kinds = [(r["kind"], r["id"]) for r in orjson.loads(exported)["records"]]
    assert ("assessment", "as-1") in kinds
    assert ("assessment", "as-2") not in kinds
    ops = [(e.operation, e.kind) for e in store.audit_log(migrant_id="m-1")]
    assert ("put", "assessment") in ops
    assert ("get", "assessment") in ops
    report = store.erase_person("m-1")
    assert report.counts() == {"assessment": 1, "counselling_case": 1, "migrant": 1}
    assert [r.id for r in store.find(AssessmentRecord)] == ["as-2"]
    assert store.import_person(exported) == 3
    assert store.get(AssessmentRecord, "as-1").assessment == assessment
    assert store.verify_audit().ok


def test_unknown_kind_names_are_still_refused() -> None:
    with pytest.raises(ConfigurationError):
        kind_named("no_such_kind")
