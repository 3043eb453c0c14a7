# mypy: disable-error-code="arg-type"
"""The typed host: hooks and host methods match, loading order, allow and block lists, the
listing, the configure, authority, converter, store and notification hooks, provenance."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from datetime import date
from typing import Any

import cattrs
import pytest

import iqcore
from iqcore.errors import NotFound, PluginError, ValidationError
from iqcore.model import (
    AuthorityKind,
    CompetentAuthority,
    Country,
    FederalState,
    ForeignQualification,
    QualificationKind,
    ReferenceOccupation,
)
from iqcore.plugins import (
    BUILTIN_PLUGINS,
    HOOK_NAMES,
    AuthorityRegistrar,
    PluginHost,
    RuleRegistrar,
    format_plugins,
    hookimpl,
    hookspecs,
    make_host,
)
from iqcore.reference_data import occupation
from iqcore.rules import (
    Assessment,
    CaseContext,
    Finding,
    Jurisdiction,
    LegalReference,
    Rule,
    Stage,
    Validity,
    applied,
)

REF = LegalReference(act="Test act (not a real act)", verified=False)
AS_OF = date(2024, 3, 1)


def _spec_functions() -> dict[str, Any]:
    return {n: getattr(hookspecs, n) for n in HOOK_NAMES}


# -- hookspecs and host ----------------------------------------------------------------------


def test_every_hook_is_listed_and_prefixed() -> None:
    declared = {n for n, v in vars(hookspecs).items() if n.startswith("iqcore_") and callable(v)}
    assert declared == set(HOOK_NAMES)
    pm_hooks = {
        n for n in dir(make_host(autoload=False).plugin_manager.hook) if n.startswith("iqcore")
    }
    assert pm_hooks == set(HOOK_NAMES)


def test_host_methods_match_hookspecs_argument_for_argument() -> None:
    for name, spec in _spec_functions().items():
        method = getattr(PluginHost, name)
        got = list(inspect.signature(method).parameters.values())[1:]
        want = list(inspect.signature(spec).parameters.values())
        assert [(p.name, p.annotation, p.kind) for p in got] == [
            (p.name, p.annotation, p.kind) for p in want
        ], name
        assert (
            inspect.signature(method).return_annotation == inspect.signature(spec).return_annotation
        )
        assert all(p.default is p.empty for p in want), f"{name} has a default"


def test_hookspecs_are_fully_annotated_with_the_fixed_docstring_layout() -> None:
    for name, spec in _spec_functions().items():
        sig = inspect.signature(spec)
        assert sig.return_annotation is not sig.empty, name
        assert all(p.annotation is not p.empty for p in sig.parameters.values()), name
        doc = inspect.getdoc(spec) or ""
        parts = [
            *(f":param {p}:" for p in sig.parameters),
            "Result:",
            "Called:",
            "Since:",
        ]
        positions = [doc.find(part) for part in parts]
        assert -1 not in positions, (name, parts, positions)
        assert positions == sorted(positions), name
        assert doc.splitlines()[0].endswith("."), name
        result = doc[doc.find("Result:") :]
        assert ("first result wins" in result) or ("every implementation is called" in result)


def test_hook_kinds() -> None:
    pm = make_host(autoload=False).plugin_manager
    opts = {n: getattr(pm.hook, n).spec.opts for n in HOOK_NAMES}
    assert opts["iqcore_configure"]["historic"]
    assert opts["iqcore_find_authority"]["firstresult"]
    assert [n for n, o in opts.items() if o["firstresult"]] == ["iqcore_find_authority"]


def test_the_engine_never_calls_pm_hook() -> None:
    from pathlib import Path

    src = Path(iqcore.__file__).parent
    offenders = [
        p.relative_to(src).as_posix()
        for p in src.rglob("*.py")
        if ".hook." in p.read_text(encoding="utf-8") and p.parent.name != "plugins"
    ]
    assert offenders == []


def test_no_module_level_plugin_manager() -> None:
    import iqcore.plugins.host as host_module

    assert not [
        v
        for v in vars(host_module).values()
        if isinstance(v, type(make_host(autoload=False).plugin_manager))
    ]
    assert make_host(autoload=False).plugin_manager is not make_host(autoload=False).plugin_manager


# -- loading ---------------------------------------------------------------------------------


def _names(host: PluginHost) -> list[str]:
    return [s.name for s in host.plugins()]


def test_builtins_then_entry_points_then_explicit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IQCORE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("IQCORE_DISABLE_PLUGINS", raising=False)

    class Explicit:
        iqcore_plugin_name = "explicit.test"

    host = make_host(plugins=[Explicit()])
    summaries = {s.name: s for s in host.plugins()}
    for name, _ in BUILTIN_PLUGINS:
        assert summaries[name].source == "built-in"
        assert (summaries[name].distribution, summaries[name].version) == (
            "iqcore",
            iqcore.__version__,
        )
    assert summaries["sqlite"].source == "entry point"
    assert "iqcore_register_stores" in summaries["sqlite"].hooks
    assert summaries["explicit.test"].source == "explicit"
    # explicit plugins are registered last, so pluggy calls them first
    order = [n for n, _ in host.plugin_manager.list_name_plugin()]
    assert order[: len(BUILTIN_PLUGINS)] == [n for n, _ in BUILTIN_PLUGINS]
    assert order[-1] == "explicit.test"


def test_allow_list_and_block_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IQCORE_LOAD_PLUGINS", "sqlite")
    assert [n for n in _names(make_host()) if not n.startswith("iqcore.")] == ["sqlite"]
    monkeypatch.setenv("IQCORE_LOAD_PLUGINS", "")
    assert _names(make_host()) == ["iqcore.federal", "iqcore.reference"]
    monkeypatch.setenv("IQCORE_LOAD_PLUGINS", " sqlite , postgres ")
    monkeypatch.setenv("IQCORE_DISABLE_PLUGINS", "postgres,iqcore.federal")
    assert _names(make_host()) == ["iqcore.reference", "sqlite"]
    assert _names(make_host(blocked=["sqlite"])) == ["iqcore.reference"]
    monkeypatch.delenv("IQCORE_DISABLE_PLUGINS")
    assert "sqlite" not in _names(make_host(autoload=False))


def test_misspelt_hook_fails_at_once_naming_the_plugin() -> None:
    class Misspelt:
        iqcore_plugin_name = "misspelt"

        @hookimpl
        def iqcore_register_rule(self, register: RuleRegistrar) -> None:
            """Not a hook."""

    with pytest.raises(PluginError, match=r"plugin misspelt.*unknown hook.*iqcore_register_rule"):
        make_host(autoload=False, plugins=[Misspelt()])
    host = make_host(autoload=False)
    with pytest.raises(PluginError, match="misspelt"):
        host.register(Misspelt())
    assert "misspelt" not in _names(host)


def test_wrong_argument_names_fail_at_once() -> None:
    class WrongArgs:
        iqcore_plugin_name = "wrong-args"

        @hookimpl
        def iqcore_register_rules(self, registrar: RuleRegistrar) -> None:
            """The argument is called register."""

    with pytest.raises(PluginError, match="wrong-args"):
        make_host(autoload=False, plugins=[WrongArgs()])


def test_listing() -> None:
    host = make_host(autoload=False)
    text = format_plugins(host)
    assert re.search(
        r"iqcore\.federal\s+iqcore\s+\S+\s+built-in\s+register_parameters, register_rules", text
    )
    assert "find_authority" in text


def test_python_m_iqcore_plugins_lists_the_plugins() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "iqcore.plugins"],
        capture_output=True,
        text=True,
        check=False,
        env={"IQCORE_LOAD_PLUGINS": "sqlite", "PATH": ""},
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["plugin", "distribution", "version", "source", "hooks"]
    assert [line.split()[0] for line in lines[1:]] == [
        "iqcore.federal",
        "iqcore.reference",
        "sqlite",
    ]


# -- configure (historic) --------------------------------------------------------------------


def test_configure_reaches_plugins_present_and_registered_later() -> None:
    seen: list[tuple[str, PluginHost]] = []

    class Early:
        iqcore_plugin_name = "early"

        @hookimpl
        def iqcore_configure(self, host: PluginHost) -> None:
            seen.append(("early", host))

    class Late:
        iqcore_plugin_name = "late"

        @hookimpl
        def iqcore_configure(self, host: PluginHost) -> None:
            seen.append(("late", host))

    host = make_host(autoload=False, plugins=[Early()])
    assert seen == [("early", host)]
    host.register(Late())
    assert seen == [("early", host), ("late", host)]
    assert host.faults == ()


def test_late_plugin_failing_to_configure_is_recorded() -> None:
    class Bad:
        iqcore_plugin_name = "bad-config"

        @hookimpl
        def iqcore_configure(self, host: PluginHost) -> None:
            raise RuntimeError("nope")

    host = make_host(autoload=False)
    host.register(Bad())
    (fault,) = host.faults
    assert "raised RuntimeError in iqcore_configure" in str(fault.error)
    assert fault.everywhere  # it registers nothing, so its place is unknown


# -- authorities -----------------------------------------------------------------------------


def _authority(aid: str, states: set[FederalState], occupations: set[str]) -> CompetentAuthority:
    return CompetentAuthority(
        id=aid,
        name="Test authority (not a real body)",
        kind=AuthorityKind.LAND_AUTHORITY,
        source="test",
        states=states,
        occupations=occupations,
    )


def test_find_authority_builtin_answers_from_registered_authorities() -> None:
    class Land:
        iqcore_plugin_name = "land.hb"

        @hookimpl
        def iqcore_register_authorities(self, register: AuthorityRegistrar) -> None:
            register(_authority("test-hb-school", {FederalState.HB}, {"teacher"}))

    host = make_host(autoload=False, plugins=[Land()])
    found = host.find_authority("teacher", state=FederalState.HB)
    assert [a.id for a in found] == ["test-hb-school", "school-authority"]
    assert host.origin("authorities", "test-hb-school") == "land.hb"
    in_network = host.find_authority(occupation("doctor"), network="iq-nrw-west")
    assert in_network[0].id == "zag-ah-nrw"
    with pytest.raises(NotFound):
        host.find_authority("doctor", network="no-such-network")
    with pytest.raises(ValidationError):
        host.find_authority(42)


def test_find_authority_first_answer_wins_and_is_checked() -> None:
    class Answers:
        iqcore_plugin_name = "answers"

        @hookimpl
        def iqcore_find_authority(
            self,
            occupation: ReferenceOccupation,
            state: FederalState | None,
            authorities: tuple[CompetentAuthority, ...],
        ) -> tuple[CompetentAuthority, ...] | None:
            if state is not FederalState.BY:
                return None  # let the next one answer
            return tuple(a for a in authorities if a.id == "reg-unterfranken")

    class WrongShape:
        iqcore_plugin_name = "wrong-shape"

        @hookimpl
        def iqcore_find_authority(self, occupation: ReferenceOccupation) -> list[str]:
            return ["not an authority"]

    host = make_host(autoload=False, plugins=[Answers()])
    assert [a.id for a in host.find_authority("doctor", state=FederalState.BY)] == [
        "reg-unterfranken"
    ]
    assert host.find_authority("doctor", state=FederalState.BW)[0].id == "rp-stuttgart"
    bad = make_host(autoload=False, plugins=[WrongShape()])
    with pytest.raises(PluginError, match=r"wrong-shape.*tuple of CompetentAuthority"):
        bad.find_authority("doctor", state=FederalState.BW)


# -- converter, stores, notifications ----------------------------------------------------------


def test_converter_is_configured_once_per_host() -> None:
    calls: list[cattrs.Converter] = []

    class Conv:
        iqcore_plugin_name = "conv"

        @hookimpl
        def iqcore_configure_converter(self, converter: cattrs.Converter) -> None:
            calls.append(converter)

    host = make_host(autoload=False, plugins=[Conv()])
    c = host.converter()
    assert host.converter() is c
    own = cattrs.Converter()
    host.converter(own)
    assert calls == [c, own]


def test_store_plugins_fail_apart() -> None:
    from iqcore.storage.registry import SchemeRegistrar, store_schemes

    def factory(url: str, *, network: str | None, role: str) -> Any:
        raise AssertionError("not opened in this test")

    class GoodStore:
        iqcore_plugin_name = "good-store"

        @hookimpl
        def iqcore_register_stores(self, register: SchemeRegistrar) -> None:
            register("testgoodscheme", factory)

    class BadStore:
        iqcore_plugin_name = "bad-store"

        @hookimpl
        def iqcore_register_stores(self, register: SchemeRegistrar) -> None:
            register("testbadscheme", factory)
            raise OSError("half way")

    host = make_host(autoload=False, plugins=[GoodStore(), BadStore()])
    with pytest.raises(PluginError, match="bad-store"):
        host.iqcore_register_stores(SchemeRegistrar("iqcore"))
    schemes = store_schemes()
    assert "testgoodscheme" in schemes
    assert "testbadscheme" not in schemes


def _q() -> ForeignQualification:
    return ForeignQualification(
        title_original="Office clerk",
        country_of_training=Country(code="PL"),
        kind=QualificationKind.VOCATIONAL_DUAL,
        duration_months=36,
        competence_areas=frozenset({"office_organisation"}),
    )


def test_assessment_done_is_called_only_when_implemented() -> None:
    seen: list[Assessment] = []

    class Audit:
        iqcore_plugin_name = "audit"

        @hookimpl
        def iqcore_assessment_done(self, assessment: Assessment) -> None:
            seen.append(assessment)

    quiet = make_host(autoload=False)
    assert not quiet.notifies
    iqcore.assess(_q(), occupation("office_management_clerk"), as_of=AS_OF, host=quiet)
    host = make_host(autoload=False, plugins=[Audit()])
    assert host.notifies
    a = iqcore.assess(_q(), occupation("office_management_clerk"), as_of=AS_OF, host=host)
    assert seen == [a]
    host.unregister("audit")
    assert not host.notifies


def test_assessment_done_raising_fails_the_assessment() -> None:
    class BrokenAudit:
        iqcore_plugin_name = "broken-audit"

        @hookimpl
        def iqcore_assessment_done(self, assessment: Assessment) -> None:
            raise OSError("disk full")

    host = make_host(autoload=False, plugins=[BrokenAudit()])
    with pytest.raises(
        PluginError, match=r"broken-audit.*raised OSError in iqcore_assessment_done"
    ):
        iqcore.assess(_q(), occupation("office_management_clerk"), as_of=AS_OF, host=host)


# -- provenance ------------------------------------------------------------------------------


def _note(ctx: CaseContext) -> Finding:
    return applied("noted")


def _rule(rule_id: str, jurisdiction: Jurisdiction, since: date) -> Rule:
    return Rule(
        id=rule_id,
        version=1,
        title="Test rule",
        reference=REF,
        validity=Validity(valid_from=since),
        stage=Stage.NEXT_STEPS,
        evaluate=_note,
        jurisdiction=jurisdiction,
    )


def test_provenance_names_the_plugins_in_force_with_distribution_and_version() -> None:
    by = Jurisdiction.of_state(FederalState.BY)

    class Now:
        iqcore_plugin_name = "now.by"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            register(_rule("now.by.note", by, date(2020, 1, 1)))

    class Later:
        iqcore_plugin_name = "later.by"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            register(_rule("later.by.note", by, date(2030, 1, 1)))

    host = make_host(autoload=False)
    host.register(Now(), distribution="iqcore-test-now", version="1.0")
    host.register(Later(), distribution="iqcore-test-later", version="2.0")
    a = iqcore.assess(
        _q(), occupation("office_management_clerk"), as_of=AS_OF, network="iq-by", host=host
    )
    assert [str(p) for p in a.provenance.plugins] == [
        f"iqcore.federal (iqcore {iqcore.__version__})",
        "now.by (iqcore-test-now 1.0)",
    ]
    elsewhere = iqcore.assess(
        _q(), occupation("office_management_clerk"), as_of=AS_OF, network="iq-bw", host=host
    )
    assert [p.name for p in elsewhere.provenance.plugins] == ["iqcore.federal"]
    later = iqcore.assess(
        _q(),
        occupation("office_management_clerk"),
        as_of=date(2031, 1, 1),
        network="iq-by",
        host=host,
    )
    assert [p.name for p in later.provenance.plugins] == ["iqcore.federal", "later.by", "now.by"]
