"""The bundled synthetic demo: cases, a training catalogue and programme records, and the job
that ``iqcore demo`` runs over them.

Everything here is **synthetic**: pseudonymous ids, no names of people, invented schemes and
organisations (each record's ``source`` says so). The files are written by
:mod:`iqcore.demo._generate` with a fixed seed:

* ``cases.jsonl``: 120 case documents (:class:`~iqcore.cli.cases.CaseInput`) across eight
  regional networks in five Länder and ten reference occupations; ``iqcore assess`` and
  ``iqcore plan`` read it as it is (``iqcore demo --files`` prints where it is);
* ``procedures.json``: per case, when counselling opened and the application's dates;
* ``catalogue.json``: a synthetic catalogue of training schemes and German courses;
* ``programme.json``: subprojects, staff trainings and one regional workshop
  (:class:`~iqcore.model.StakeholderNetwork`) of the Leipzig network, whose partners are the
  kinds of organisation the IQ Saxony good practice names, with contact points as functions.

:func:`run` is the main job: assess every case, plan training, derive the application and (for
the synthetic notices) the decision, and store everything in a store, one network at a time.
"""

from __future__ import annotations

import functools
import os
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import orjson

from iqcore.errors import NotFound
from iqcore.model._validators import instance, int_range, optional_instance
from iqcore.model.cases import (
    ApplicationStatus,
    CaseStatus,
    ClosureReason,
    Contact,
    ContactChannel,
    CounsellingCase,
    RecognitionApplication,
    ReferralSource,
)
from iqcore.model.decisions import Decision, DecisionOutcome
from iqcore.model.institutions import StakeholderNetwork, Subproject
from iqcore.model.training import TrainingScheme

__all__ = [
    "DEMO_TODAY",
    "CaseRecords",
    "DemoSummary",
    "Procedure",
    "Programme",
    "catalogue",
    "data_files",
    "default_url",
    "load_cases",
    "procedures",
    "process_case",
    "programme",
    "run",
    "workshops",
]

#: The day the demo stands on: notices dated later have not been issued yet.
DEMO_TODAY = date(2025, 6, 30)
_FILES = ("cases.jsonl", "procedures.json", "catalogue.json", "programme.json")


def data_files() -> dict[str, Path]:
    """The bundled data files, by name, with their paths."""
    root = resources.files(__name__)
    return {name: Path(str(root.joinpath(name))) for name in _FILES}


def _read(name: str) -> bytes:
    return resources.files(__name__).joinpath(name).read_bytes()


@attrs.frozen(kw_only=True)
class Procedure:
    """The synthetic dates of one case: counselling opened, application received and complete,
    and after how many days from complete documents the notice came (None: not yet)."""

    opened_on: date = attrs.field(validator=instance(date))
    referral_source: ReferralSource = attrs.field(validator=instance(ReferralSource))
    received_on: date = attrs.field(validator=instance(date))
    complete_on: date | None = attrs.field(default=None, validator=optional_instance(date))
    decision_days: int | None = attrs.field(
        default=None, validator=int_range(1, 365, optional=True)
    )


@attrs.frozen(kw_only=True)
class Programme:
    """The synthetic programme records: subprojects, staff trainings, schemes for staff and
    regional workshops."""

    source: str
    subprojects: tuple[Subproject, ...]
    staff_trainings: tuple[Any, ...]
    staff_schemes: tuple[TrainingScheme, ...]
    workshops: tuple[StakeholderNetwork, ...]


def load_cases() -> list[Any]:
    """The bundled case documents, as :class:`~iqcore.cli.cases.CaseInput`."""
    from iqcore.cli.cases import CaseInput, read_documents

    return read_documents(_read("cases.jsonl"), CaseInput)


@functools.cache
def procedures() -> dict[str, Procedure]:
    """The synthetic dates of every bundled case, by case id."""
    from iqcore.serialization import from_dict

    raw = orjson.loads(_read("procedures.json"))
    return {k: from_dict(v, Procedure) for k, v in raw.items()}


@functools.cache
def catalogue() -> tuple[TrainingScheme, ...]:
    """The synthetic training catalogue (schemes and German courses)."""
    from iqcore.serialization import from_dict

    return tuple(from_dict(d, TrainingScheme) for d in orjson.loads(_read("catalogue.json")))


@functools.cache
def programme() -> Programme:
    """The synthetic programme records."""
    from iqcore.reporting import StaffTraining
    from iqcore.serialization import from_dict

    raw = orjson.loads(_read("programme.json"))
    return Programme(
        source=raw["source"],
        subprojects=tuple(from_dict(d, Subproject) for d in raw["subprojects"]),
        staff_trainings=tuple(from_dict(d, StaffTraining) for d in raw["staff_trainings"]),
        staff_schemes=tuple(from_dict(d, TrainingScheme) for d in raw["staff_schemes"]),
        workshops=tuple(from_dict(d, StakeholderNetwork) for d in raw["workshops"]),
    )


def workshops(network_id: str | None = None) -> tuple[StakeholderNetwork, ...]:
    """The bundled regional workshops (of one network, or all)."""
    return tuple(
        w for w in programme().workshops if network_id is None or w.network_id == network_id
    )


def default_url() -> str:
    """The demo's own SQLite file, beside the embedded store's default file.

    ``$IQCORE_HOME/iqcore-demo.sqlite3``, else ``$XDG_DATA_HOME/iqcore/iqcore-demo.sqlite3``,
    else ``~/.local/share/iqcore/iqcore-demo.sqlite3`` (the same folders as ``sqlite://``), so
    synthetic records never mix with real ones.
    """
    return "sqlite://" + _default_path().as_posix()


def _default_path() -> Path:
    home = os.environ.get("IQCORE_HOME")
    if home:
        return Path(home) / "iqcore-demo.sqlite3"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "iqcore" / "iqcore-demo.sqlite3"


@attrs.frozen(kw_only=True)
class CaseRecords:
    """What the demo made of one case: the records to store and the results."""

    network: str
    records: tuple[object, ...]
    assessment: Any
    plans: Any
    application: RecognitionApplication


def _decision(case: Any, assessment: Any, on: date) -> Decision | None:
    outcome = assessment.outcome
    if outcome is None:
        return None
    measures = (
        assessment.permitted_measures
        if outcome is DecisionOutcome.COMPENSATION_MEASURE_REQUIRED
        else frozenset()
    )
    existing = (
        (case.qualification.title_original,)
        if outcome is DecisionOutcome.PARTIAL_EQUIVALENCE
        else ()
    )
    return Decision(
        id=f"{case.id}-notice",
        outcome=outcome,
        decided_on=on,
        occupation_id=assessment.occupation_id,
        regulated=assessment.regulated,
        route=assessment.route,
        existing_qualifications=existing,
        differences=assessment.differences,
        permitted_measures=measures,
    )


def process_case(case: Any, procedure: Procedure, host: Any = None) -> CaseRecords:
    """Assess one case, plan training, and build its records (migrant, counselling case,
    application with the synthetic notice, stored prognosis and plans).

    The synthetic notice follows the prognosis (the demo has no authority); it is issued
    ``procedure.decision_days`` after complete documents, if that is not after
    :data:`DEMO_TODAY`.
    """
    from iqcore import reference_data
    from iqcore.cli.cases import CaseAssessment, CasePlan
    from iqcore.planning import plan
    from iqcore.rules.engine import assess

    if case.network is None:
        raise NotFound("a demo case needs a network")
    occupation = reference_data.occupation(case.occupation)
    applicant = case.applicant
    assessment = assess(
        case.qualification,
        occupation,
        applicant=applicant,
        as_of=case.as_of,
        network=case.network,
        host=host,
    )
    plans = plan(assessment, applicant, _catalogue_index(), network=case.network, start=case.as_of)
    migrant_id = applicant.id if applicant is not None else f"{case.id}-person"
    decision = None
    if procedure.complete_on is not None and procedure.decision_days is not None:
        on = procedure.complete_on + timedelta(days=procedure.decision_days)
        if on <= DEMO_TODAY:
            decision = _decision(case, assessment, on)
    if decision is not None:
        status = ApplicationStatus.DECIDED
    elif procedure.complete_on is not None:
        status = ApplicationStatus.UNDER_EXAMINATION
    else:
        status = ApplicationStatus.INCOMPLETE
    application = RecognitionApplication(
        id=f"{case.id}-application",
        migrant_id=migrant_id,
        qualification=case.qualification,
        occupation_id=occupation.id,
        regulated=occupation.regulated,
        received_on=procedure.received_on,
        status=status,
        sectoral=occupation.sectoral,
        route=assessment.route,
        acknowledged_on=procedure.received_on + timedelta(days=7),
        complete_on=procedure.complete_on,
        decision=decision,
    )
    counselling = _counselling_case(case, procedure, migrant_id, decision, plans)
    records: list[object] = []
    if applicant is not None:
        records.append(applicant)
    records += [
        counselling,
        application,
        CaseAssessment(
            id=case.id, migrant_id=migrant_id, network_id=case.network, assessment=assessment
        ),
        CasePlan(
            id=case.id, migrant_id=migrant_id, plans=tuple(plans), unclosable=plans.unclosable
        ),
    ]
    return CaseRecords(
        network=case.network,
        records=tuple(records),
        assessment=assessment,
        plans=plans,
        application=application,
    )


@functools.cache
def _catalogue_index() -> Any:
    from iqcore.planning import Catalogue

    return Catalogue(catalogue())


def _counselling_case(
    case: Any, procedure: Procedure, migrant_id: str, decision: Decision | None, plans: Any
) -> CounsellingCase:
    contacts = [
        Contact(on=procedure.opened_on, channel=ContactChannel.IN_PERSON, minutes=60),
        Contact(on=procedure.received_on, channel=ContactChannel.EMAIL, minutes=15),
    ]
    status = CaseStatus.DOCUMENTS
    closure: ClosureReason | None = None
    closed_on: date | None = None
    schemes: tuple[str, ...] = ()
    if procedure.complete_on is not None:
        status = CaseStatus.AWAITING_DECISION
    if decision is not None:
        status = CaseStatus.DECISION_RECEIVED
        done = decision.decided_on + timedelta(days=14)
        if decision.outcome is DecisionOutcome.FULL_EQUIVALENCE and done <= DEMO_TODAY:
            status, closure, closed_on = CaseStatus.CLOSED, ClosureReason.RECOGNISED_FULL, done
        elif decision.outcome is DecisionOutcome.NO_EQUIVALENCE and done <= DEMO_TODAY:
            status, closure = CaseStatus.CLOSED, ClosureReason.NO_RECOGNITION_POSSIBLE
            closed_on = done
        elif plans and plans[0].complete:
            status = CaseStatus.IN_MEASURE
            schemes = tuple(dict.fromkeys(s.scheme.id for s in plans[0].steps))
        contacts.append(Contact(on=decision.decided_on, channel=ContactChannel.PHONE, minutes=30))
    return CounsellingCase(
        id=case.id,
        migrant_id=migrant_id,
        network_id=case.network,
        opened_on=procedure.opened_on,
        status=status,
        occupation_id=case.occupation,
        referral_source=procedure.referral_source,
        contacts=tuple(contacts),
        application_ids=(f"{case.id}-application",),
        scheme_ids=schemes,
        closure_reason=closure,
        closed_on=closed_on,
    )


@attrs.frozen(kw_only=True)
class DemoSummary:
    """What :func:`run` did: where it stored, how much, and the results in numbers."""

    url: str
    cases: int
    networks: tuple[str, ...]
    records: int
    prognoses: dict[str, int]
    with_plan: int
    unclosable: int
    decisions: int
    seconds: float


def _remove_sqlite_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        target = path.with_name(path.name + suffix)
        if target.exists():
            target.unlink()


def run(
    url: str | None = None,
    *,
    fresh: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """The main job over the bundled cases: assess, plan, store; returns a summary.

    ``url`` is the store (default :func:`default_url`, a SQLite file of the demo's own). With
    ``fresh`` (the default for the demo's own file) that file is made anew, so re-running gives
    the same database; any other store gets upserts (records keep their ids, so re-running
    replaces them). ``progress(done, total)`` is called after each case and each stored network.
    """
    from iqcore.plugins import default_host
    from iqcore.reporting import StaffTraining
    from iqcore.storage import open_store

    started = time.perf_counter()
    own = url is None
    url = url or default_url()
    if fresh is None:
        fresh = own
    if own:
        path = _default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            _remove_sqlite_file(path)
    host = default_host()
    cases = load_cases()
    dates = procedures()
    total = len(cases)
    by_network: dict[str, list[object]] = {}
    prognoses: Counter[str] = Counter()
    with_plan = unclosable = decisions = 0
    for done, case in enumerate(cases, start=1):
        result = process_case(case, dates[case.id], host)
        by_network.setdefault(result.network, []).extend(result.records)
        outcome = result.assessment.outcome
        prognoses[outcome.value if outcome is not None else "NO_OUTCOME"] += 1
        with_plan += bool(result.plans)
        unclosable += bool(result.plans.unclosable)
        decisions += result.application.decision is not None
        if progress is not None:
            progress(done, total)
    prog = programme()
    extra: list[Subproject | StaffTraining | StakeholderNetwork] = [
        *prog.subprojects,
        *prog.staff_trainings,
        *prog.workshops,
    ]
    for record in extra:
        by_network.setdefault(record.network_id, []).append(record)
    written = 0
    for network in sorted(by_network):
        store = open_store(url, network=network, role="demo")
        try:
            written += store.put_many(by_network[network], chunk_size=500)
        finally:
            store.close()
    return DemoSummary(
        url=url,
        cases=total,
        networks=tuple(sorted(by_network)),
        records=written,
        prognoses=dict(sorted(prognoses.items())),
        with_plan=with_plan,
        unclosable=unclosable,
        decisions=decisions,
        seconds=time.perf_counter() - started,
    )
