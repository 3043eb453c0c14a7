"""The shipped hypothesis strategies: complete, valid, overridable, registered with hypothesis."""

from __future__ import annotations

import enum
import subprocess
import sys
import warnings
from collections import Counter
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import FailedHealthCheck, Unsatisfiable

import iqcore.model as model
from iqcore.model import (
    CaseStatus,
    ConsentPurpose,
    Country,
    CountryGroup,
    Decision,
    DecisionOutcome,
    ForeignQualification,
    FundingPhase,
    PriorityArea,
    RecognitionApplication,
    RecognitionRoute,
    ReferenceOccupation,
    RegionalNetwork,
    ResidenceStatus,
    StakeholderNetworkSizeWarning,
)
from iqcore.testing import strategies as s

FAST = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

PUBLIC_CLASSES = sorted(
    (obj for name in model.__all__ if isinstance(obj := getattr(model, name), type)),
    key=lambda c: c.__name__,
)
ATTRS_CLASSES = [c for c in PUBLIC_CLASSES if attrs.has(c)]


def test_every_public_model_class_has_a_strategy() -> None:
    assert set(s.STRATEGIES) == set(PUBLIC_CLASSES)
    for cls in model.TOP_LEVEL_TYPES:
        assert cls in s.STRATEGIES


@pytest.mark.parametrize("cls", ATTRS_CLASSES, ids=lambda c: c.__name__)
def test_strategy_generates_only_valid_objects(cls: type) -> None:
    @FAST
    @given(s.strategy_for(cls))
    def check(obj: Any) -> None:
        assert type(obj) is cls
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. no oversized workshop by default
            # Re-making the object runs every validator and invariant again.
            again = cls(**{f.name: getattr(obj, f.name) for f in attrs.fields(cls)})
        assert again == obj

    check()


@pytest.mark.parametrize(
    "cls", [c for c in PUBLIC_CLASSES if issubclass(c, enum.Enum)], ids=lambda c: c.__name__
)
def test_enum_strategies_reach_every_member(cls: type[enum.Enum]) -> None:
    seen: set[enum.Enum] = set()

    @settings(max_examples=max(40, 8 * len(cls)), database=None)
    @given(s.strategy_for(cls))
    def check(member: enum.Enum) -> None:
        assert isinstance(member, cls)
        seen.add(member)

    check()
    assert seen == set(cls)


def test_size_warning_strategy() -> None:
    @FAST
    @given(s.strategy_for(StakeholderNetworkSizeWarning))
    def check(w: StakeholderNetworkSizeWarning) -> None:
        assert isinstance(w, StakeholderNetworkSizeWarning)

    check()


@FAST
@given(s.foreign_qualifications(country_of_training=st.just(Country(code="SY"))))
def test_override_country_of_training(q: ForeignQualification) -> None:
    assert q.country_of_training == Country(code="SY")


@FAST
@given(s.decisions(outcome=st.just(DecisionOutcome.PARTIAL_EQUIVALENCE)))
def test_override_outcome_partial_adapts_the_other_fields(d: Decision) -> None:
    assert d.outcome is DecisionOutcome.PARTIAL_EQUIVALENCE
    assert not d.regulated
    assert d.remaining_differences
    assert d.existing_qualifications
    assert not d.permitted_measures


@FAST
@given(s.decisions(outcome=st.just(DecisionOutcome.COMPENSATION_MEASURE_REQUIRED)))
def test_override_outcome_compensation(d: Decision) -> None:
    assert d.regulated
    assert d.remaining_differences
    assert d.permitted_measures


@FAST
@given(s.decisions(regulated=st.just(True)))
def test_override_regulated_never_gives_partial_equivalence(d: Decision) -> None:
    assert d.regulated
    assert d.outcome is not DecisionOutcome.PARTIAL_EQUIVALENCE


@FAST
@given(s.recognition_applications(route=st.just(RecognitionRoute.AUTOMATIC_SECTORAL)))
def test_override_automatic_sectoral_route(a: RecognitionApplication) -> None:
    assert a.sectoral is not None
    assert a.regulated
    assert a.qualification.country_of_training.group(a.received_on).is_eu_eea_ch


@FAST
@given(
    s.recognition_applications(
        route=st.just(RecognitionRoute.AUTOMATIC_SECTORAL),
        received_on=st.dates(date(2020, 2, 1), date(2026, 12, 31)),
    )
)
def test_automatic_sectoral_after_brexit_never_draws_the_uk(a: RecognitionApplication) -> None:
    assert a.qualification.country_of_training.code != "GB"


@FAST
@given(s.subprojects(priority_area=st.just(PriorityArea.REGIONAL_SKILLED_WORKER_NETWORKS)))
def test_override_priority_area_picks_a_phase_where_it_exists(sp: model.Subproject) -> None:
    assert sp.phase is FundingPhase.P2019_2022


@FAST
@given(s.migrants(residence_status=st.sampled_from([r for r in ResidenceStatus if r.sensitive])))
def test_override_sensitive_status_brings_the_consent(m: model.Migrant) -> None:
    assert any(c.purpose is ConsentPurpose.SPECIAL_CATEGORY_DATA for c in m.consents)


@FAST
@given(s.counselling_cases(status=st.just(CaseStatus.CLOSED)))
def test_override_closed_case(c: model.CounsellingCase) -> None:
    assert c.closure_reason is not None
    assert c.closed_on is not None


@FAST
@given(s.training_schemes(audience=st.just(model.Audience.STAFF)))
def test_override_staff_scheme(t: model.TrainingScheme) -> None:
    assert not t.target_occupations
    assert t.measure_type is None


def test_default_strategies_cover_every_outcome_and_route() -> None:
    outcomes: Counter[DecisionOutcome] = Counter()
    groups: Counter[CountryGroup] = Counter()

    @settings(max_examples=150, database=None, deadline=None)
    @given(s.decisions(), s.recognition_applications())
    def check(d: Decision, a: RecognitionApplication) -> None:
        outcomes[d.outcome] += 1
        groups[a.qualification.country_of_training.group(a.received_on)] += 1

    check()
    assert set(outcomes) == set(DecisionOutcome)
    assert CountryGroup.THIRD_COUNTRY in groups
    assert CountryGroup.EU in groups


def test_contradicting_overrides_are_filtered_out() -> None:
    @settings(max_examples=5, database=None, deadline=None)
    @given(
        s.decisions(outcome=st.just(DecisionOutcome.PARTIAL_EQUIVALENCE), regulated=st.just(True))
    )
    def check(d: Decision) -> None:
        raise AssertionError("a partial equivalence for a regulated occupation was drawn")

    with pytest.raises((Unsatisfiable, FailedHealthCheck)):
        check()


def test_unknown_override_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="no field 'colour'"):
        s.decisions(colour=st.just("red"))


def test_override_must_be_a_strategy() -> None:
    with pytest.raises(TypeError, match="must be a hypothesis strategy"):
        s.decisions(outcome=DecisionOutcome.FULL_EQUIVALENCE)  # type: ignore[arg-type]


def test_enum_strategies_take_no_overrides() -> None:
    with pytest.raises(TypeError):
        s.strategy_for(DecisionOutcome, value=st.just("x"))


def test_strategy_for_an_unknown_class_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        s.strategy_for(date)


def test_from_type_uses_the_registered_strategies() -> None:
    @FAST
    @given(st.from_type(ReferenceOccupation), st.from_type(RegionalNetwork))
    def check(occ: ReferenceOccupation, net: RegionalNetwork) -> None:
        # hypothesis' own attrs support would write random text; ours marks generated data.
        assert occ.source == s.GENERATED_SOURCE
        assert net.source == s.GENERATED_SOURCE

    check()


_ENTRY_POINT_CHECK = """
import sys
from hypothesis import strategies as st
assert "iqcore.testing.strategies" in sys.modules, "entry point did not run"
assert "pycountry" not in sys.modules, "registration must be lazy"
from iqcore import ForeignQualification, ReferenceOccupation
from iqcore.testing.strategies import GENERATED_SOURCE
st.from_type(ForeignQualification).example()
assert st.from_type(ReferenceOccupation).example().source == GENERATED_SOURCE
print("ok")
"""


def test_hypothesis_entry_point_registers_the_strategies_in_a_fresh_interpreter() -> None:
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _ENTRY_POINT_CHECK],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_importing_iqcore_testing_does_not_import_hypothesis() -> None:
    code = "import sys, iqcore.testing; assert 'hypothesis' not in sys.modules; print('ok')"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
