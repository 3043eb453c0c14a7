"""Rule cases as data: a YAML format in the domain's own words, and a pytest plugin that runs it.

A *rule case* states one situation (a foreign qualification, a German reference occupation, the
applicant, a date) and what the law says an assessment must find (outcome, route, differences,
measures, licensing gaps, next steps, and which rules applied). Policy experts write them as YAML;
the plugin collects every case as one pytest test and checks it against :func:`iqcore.assess`.

Only what a case writes is checked (expectations are partial). Errors in a case file name the
file, the case and the field path. See ``docs/howto/write-rule-cases.md`` for the format.

The plugin is registered with pytest through the ``pytest11`` entry point
``iqcore.testing.rulecases``, so installing ``iqcore[testing]`` is enough; without the entry
point, add ``pytest_plugins = ["iqcore.testing.rulecases"]`` to the top-level ``conftest.py``.
It collects every ``*.rulecase.yaml`` (or ``.yml``) file, and every ``*.yaml``/``*.yml`` file
under the folders named by the ``rulecase_paths`` ini option.

Importing this module is cheap: PyYAML and the engine are loaded when the first case file is
collected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from iqcore.errors import IqcoreError, Problem, ValidationError

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

    from iqcore.model import ForeignQualification, Migrant, ReferenceOccupation

__all__ = [
    "CASE_FILE_SUFFIXES",
    "DifferenceExpectation",
    "Expectation",
    "Mismatch",
    "Observed",
    "ObservedDifference",
    "ObservedTraceEntry",
    "ParameterExpectation",
    "RuleCase",
    "RuleCaseFailure",
    "RuleCaseFile",
    "RuleCaseFormatError",
    "RuleCaseItem",
    "SetExpectation",
    "build_inputs",
    "check_case",
    "compare",
    "is_rule_case_file",
    "load_rule_cases",
    "observe",
    "pytest_addoption",
    "pytest_collect_file",
    "result_signature",
    "run_case",
]

#: File names ending like this are rule-case files wherever they are.
CASE_FILE_SUFFIXES: tuple[str, ...] = (".rulecase.yaml", ".rulecase.yml")
_YAML_SUFFIXES = (".yaml", ".yml")
_INI_PATHS = "rulecase_paths"

# --------------------------------------------------------------------------------------------
# Errors


class RuleCaseFormatError(IqcoreError):
    """A rule-case file that does not follow the format: names the file, case and field path.

    ``problems`` lists every problem found in the file at once; each path is relative to the
    file (``cases[3].expect.outcome``). Messages never repeat values from the file.
    """

    def __init__(self, file: str, problems: Iterable[tuple[str | None, Problem]]) -> None:
        self.file = file
        self.problems: tuple[tuple[str | None, Problem], ...] = tuple(problems)
        lines = [f"{file}: {len(self.problems)} problem(s) in this rule-case file"]
        for case, problem in self.problems:
            where = f"case {case!r}, " if case else ""
            lines.append(f"  {where}{problem.path}: {problem.message} [{problem.code}]")
        super().__init__("\n".join(lines))


class RuleCaseFailure(AssertionError):
    """A rule case whose assessment does not match what the case expects."""

    def __init__(self, case: RuleCase, mismatches: Sequence[Mismatch], observed: Observed) -> None:
        self.case = case
        self.mismatches = tuple(mismatches)
        self.observed = observed
        super().__init__(render_failure(case, self.mismatches, observed))


# --------------------------------------------------------------------------------------------
# The format


@attrs.frozen(kw_only=True)
class SetExpectation:
    """An expected set of values: ``exact`` (a YAML list), or ``includes``/``excludes``.

    A YAML list states the whole set (``[]`` means none); a mapping with ``includes`` and/or
    ``excludes`` states only part of it.
    """

    exact: frozenset[str] | None = None
    includes: frozenset[str] = frozenset()
    excludes: frozenset[str] = frozenset()

    def check(self, path: str, got: Iterable[str]) -> list[Mismatch]:
        actual = frozenset(got)
        if self.exact is not None:
            if actual != self.exact:
                return [
                    Mismatch(
                        path=path,
                        expected=sorted(self.exact),
                        got=sorted(actual),
                        missing=sorted(self.exact - actual),
                        unexpected=sorted(actual - self.exact),
                    )
                ]
            return []
        out: list[Mismatch] = []
        if not self.includes <= actual:
            out.append(
                Mismatch(
                    path=f"{path}.includes",
                    expected=sorted(self.includes),
                    got=sorted(actual),
                    missing=sorted(self.includes - actual),
                )
            )
        if self.excludes & actual:
            out.append(
                Mismatch(
                    path=f"{path}.excludes",
                    expected=sorted(self.excludes),
                    got=sorted(actual),
                    unexpected=sorted(self.excludes & actual),
                )
            )
        return out

    def mentioned(self) -> frozenset[str]:
        """Every value the expectation names as present."""
        return (self.exact or frozenset()) | self.includes


@attrs.frozen(kw_only=True)
class DifferenceExpectation:
    """Expected differences: each entry is ``area``, ``area/BASIS`` or ``area/BASIS/EVIDENCE``.

    The observed differences are compared at the precision the entries use, so ``bookkeeping``
    matches a difference in that area on any basis.
    """

    entries: SetExpectation

    def check(self, path: str, got: Sequence[ObservedDifference]) -> list[Mismatch]:
        wanted = self.entries.mentioned() | self.entries.excludes
        return self.entries.check(path, _match_keys(wanted, got))


def _match_keys(wanted: Iterable[str], got: Sequence[ObservedDifference]) -> list[str]:
    """Observed differences as keys, each at the precision of the entry that names it."""
    depths = sorted({w.count("/") for w in wanted}, reverse=True)
    wanted_set = set(wanted)
    out: list[str] = []
    for d in got:
        for depth in depths:
            key = d.key(depth)
            if key in wanted_set:
                out.append(key)
                break
        else:
            out.append(d.key(max(depths, default=0)))
    return out


@attrs.frozen(kw_only=True)
class ParameterExpectation:
    """A dated parameter value a rule is expected to have read."""

    rule: str
    parameter: str
    value: Any


@attrs.frozen(kw_only=True)
class Expectation:
    """What a case expects; ``None`` (or an empty tuple) means "not checked"."""

    outcome: str | None = None
    route: str | None = None
    no_outcome: bool = False
    no_route: bool = False
    remaining: DifferenceExpectation | None = None
    compensated: DifferenceExpectation | None = None
    measures: SetExpectation | None = None
    licensing_gaps: SetExpectation | None = None
    next_steps: SetExpectation | None = None
    applied: frozenset[str] = frozenset()
    not_applied: frozenset[str] = frozenset()
    parameters: tuple[ParameterExpectation, ...] = ()


@attrs.frozen(kw_only=True)
class RuleCase:
    """One rule case as read from a file (inputs are kept as plain documents)."""

    name: str
    file: str
    line: int
    index: int
    as_of: date
    description: str | None = None
    network: str | None = None
    qualification: Mapping[str, Any]
    occupation: str | Mapping[str, Any]
    applicant: Mapping[str, Any] | None = None
    expect: Expectation
    known_disagreement: str | None = None
    decisive: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def occupation_id(self) -> str:
        occ = self.occupation
        return occ if isinstance(occ, str) else str(occ.get("id", ""))


# --------------------------------------------------------------------------------------------
# YAML loading with line numbers, strict booleans (``NO`` is Norway) and no implicit dates

_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _LineDict(dict[str, Any]):
    """A mapping that remembers the line it started on (1-based)."""

    line: int = 0


_LOADER: tuple[Any, Any] | None = None


def _loader() -> tuple[Any, Any]:
    """PyYAML and the case-file loader class made from it (built once, on first use).

    The module is kept with the class so that errors are caught from the same module that
    raised them, even if PyYAML is imported again later (as pytester's in-process runs do).
    """
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )

    def construct_map(loader: Any, node: Any) -> Iterator[_LineDict]:
        data = _LineDict()
        data.line = node.start_mark.line + 1
        yield data
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    "a key is given twice",
                    key_node.start_mark,
                )
            seen.add(key)
        data.update(loader.construct_mapping(node))

    Loader.add_constructor("tag:yaml.org,2002:map", construct_map)
    _LOADER = (yaml, Loader)
    return _LOADER


def _read_yaml(path: Path) -> Any:
    yaml, loader = _loader()
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        what = exc.problem or exc.context or "not valid YAML"
        raise RuleCaseFormatError(
            str(path), [(None, Problem(path=where, code="yaml_syntax", message=what))]
        ) from None
    except yaml.YAMLError:
        raise RuleCaseFormatError(
            str(path),
            [(None, Problem(path="$", code="yaml_syntax", message="not valid YAML"))],
        ) from None


# --------------------------------------------------------------------------------------------
# Parsing a case file into RuleCase objects, collecting every problem

_CASE_KEYS = frozenset(
    {
        "name",
        "description",
        "as_of",
        "network",
        "qualification",
        "occupation",
        "applicant",
        "expect",
        "known_disagreement",
        "decisive",
        "tags",
    }
)
_EXPECT_KEYS = frozenset(
    {"outcome", "route", "differences", "measures", "licensing_gaps", "next_steps", "trace"}
)
_DIFF_KEYS = frozenset({"remaining", "compensated"})
_TRACE_KEYS = frozenset({"applied", "not_applied", "parameters"})
_PARAM_KEYS = frozenset({"rule", "parameter", "value"})
_DECISIVE_KEYS = frozenset({"rule", "counter_case"})
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str | None, Problem]] = []
        self.case: str | None = None

    def add(self, path: str, code: str, message: str) -> None:
        self.items.append((self.case, Problem(path=path, code=code, message=message)))


def _choices(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def _enum_values(enum_name: str) -> frozenset[str]:
    import iqcore.model as m

    return frozenset(v.value for v in getattr(m, enum_name))


def _check_keys(
    raw: Mapping[str, Any], allowed: frozenset[str], path: str, problems: _Problems
) -> None:
    for key in raw:
        if key not in allowed:
            problems.add(
                f"{path}.{key}" if isinstance(key, str) else path,
                "unknown_field",
                f"unknown field; the fields here are: {_choices(allowed)}",
            )


def _str_list(raw: Any, path: str, problems: _Problems) -> list[str] | None:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(path, "not_a_list", "must be a list")
        return None
    out: list[str] = []
    for i, item in enumerate(raw):
        if not isinstance(item, str) or not item.strip():
            problems.add(f"{path}[{i}]", "not_a_string", "must be a non-empty string")
        else:
            out.append(item.strip())
    return out


def _set_expectation(
    raw: Any,
    path: str,
    problems: _Problems,
    allowed: frozenset[str] | None = None,
) -> SetExpectation | None:
    def check_values(values: list[str], at: str) -> None:
        if allowed is None:
            return
        for i, v in enumerate(values):
            if v not in allowed:
                problems.add(f"{at}[{i}]", "unknown_value", f"must be one of {_choices(allowed)}")

    if isinstance(raw, Mapping):
        _check_keys(raw, frozenset({"includes", "excludes"}), path, problems)
        inc = _str_list(raw.get("includes"), f"{path}.includes", problems) or []
        exc = _str_list(raw.get("excludes"), f"{path}.excludes", problems) or []
        check_values(inc, f"{path}.includes")
        check_values(exc, f"{path}.excludes")
        if not inc and not exc:
            problems.add(path, "empty", "give includes, excludes, or a list of the whole set")
        return SetExpectation(includes=frozenset(inc), excludes=frozenset(exc))
    if raw is None:
        return SetExpectation(exact=frozenset())
    values = _str_list(raw, path, problems)
    if values is None:
        problems.add(path, "bad_set", "must be a list, or a mapping with includes/excludes")
        return None
    check_values(values, path)
    return SetExpectation(exact=frozenset(values))


def _difference_expectation(
    raw: Any, path: str, problems: _Problems
) -> DifferenceExpectation | None:
    bases = _enum_values("DifferenceBasis")
    evidence = _enum_values("EvidenceKind")
    entries = _set_expectation(raw, path, problems)
    if entries is None:
        return None
    for value in entries.mentioned() | entries.excludes:
        parts = value.split("/")
        if len(parts) > 3 or not all(parts):
            problems.add(path, "bad_difference", "entries are area, area/BASIS or area/BASIS/BY")
            continue
        if len(parts) >= 2 and parts[1] not in bases:
            problems.add(path, "unknown_value", f"a basis must be one of {_choices(bases)}")
        if len(parts) == 3 and parts[2] not in evidence:
            problems.add(
                path, "unknown_value", f"compensating evidence must be one of {_choices(evidence)}"
            )
    return DifferenceExpectation(entries=entries)


def _expectation(raw: Any, path: str, problems: _Problems) -> Expectation:
    if not isinstance(raw, Mapping):
        problems.add(path, "not_a_mapping", "must be a mapping of expected results")
        return Expectation()
    _check_keys(raw, _EXPECT_KEYS, path, problems)
    if not raw:
        problems.add(path, "empty", "a case must expect at least one result")
    kwargs: dict[str, Any] = {}
    for key, enum_name in (("outcome", "DecisionOutcome"), ("route", "RecognitionRoute")):
        if key not in raw:
            continue
        value = raw[key]
        allowed = _enum_values(enum_name)
        if value is None:
            kwargs[f"no_{key}"] = True
        elif not isinstance(value, str) or value not in allowed:
            problems.add(f"{path}.{key}", "unknown_value", f"must be one of {_choices(allowed)}")
        else:
            kwargs[key] = value
    if "differences" in raw:
        diffs = raw["differences"]
        dpath = f"{path}.differences"
        if not isinstance(diffs, Mapping):
            problems.add(dpath, "not_a_mapping", "must be a mapping with remaining/compensated")
        else:
            _check_keys(diffs, _DIFF_KEYS, dpath, problems)
            for key in ("remaining", "compensated"):
                if key in diffs:
                    kwargs[key] = _difference_expectation(diffs[key], f"{dpath}.{key}", problems)
    if "measures" in raw:
        kwargs["measures"] = _set_expectation(
            raw["measures"],
            f"{path}.measures",
            problems,
            _enum_values("CompensationMeasureType"),
        )
    for key in ("licensing_gaps", "next_steps"):
        if key in raw:
            kwargs[key] = _set_expectation(raw[key], f"{path}.{key}", problems)
    if "trace" in raw:
        trace = raw["trace"]
        tpath = f"{path}.trace"
        if not isinstance(trace, Mapping):
            problems.add(tpath, "not_a_mapping", "must be a mapping with applied/not_applied")
        else:
            _check_keys(trace, _TRACE_KEYS, tpath, problems)
            applied = _str_list(trace.get("applied"), f"{tpath}.applied", problems) or []
            not_applied = (
                _str_list(trace.get("not_applied"), f"{tpath}.not_applied", problems) or []
            )
            both = set(applied) & set(not_applied)
            if both:
                problems.add(
                    tpath, "contradiction", "a rule is listed as both applied and not applied"
                )
            kwargs["applied"] = frozenset(applied)
            kwargs["not_applied"] = frozenset(not_applied)
            params: list[ParameterExpectation] = []
            raw_params = trace.get("parameters") or []
            if not isinstance(raw_params, list):
                problems.add(f"{tpath}.parameters", "not_a_list", "must be a list")
                raw_params = []
            for i, p in enumerate(raw_params):
                ppath = f"{tpath}.parameters[{i}]"
                if not isinstance(p, Mapping):
                    problems.add(
                        ppath, "not_a_mapping", "must be a mapping: rule, parameter, value"
                    )
                    continue
                _check_keys(p, _PARAM_KEYS, ppath, problems)
                missing = [k for k in ("rule", "parameter", "value") if k not in p]
                for k in missing:
                    problems.add(f"{ppath}.{k}", "missing_field", "this field is required")
                if not missing:
                    params.append(
                        ParameterExpectation(
                            rule=str(p["rule"]), parameter=str(p["parameter"]), value=p["value"]
                        )
                    )
            kwargs["parameters"] = tuple(params)
    return Expectation(**kwargs)


def _parse_case(raw: Any, index: int, file: str, problems: _Problems) -> RuleCase | None:
    path = f"cases[{index}]"
    if not isinstance(raw, Mapping):
        problems.case = None
        problems.add(path, "not_a_mapping", "a case must be a mapping")
        return None
    name = raw.get("name")
    if isinstance(name, str) and _NAME_RE.match(name):
        problems.case = name
    else:
        problems.case = None
        problems.add(
            f"{path}.name",
            "bad_name",
            "required: lower-case letters, digits and '.-_', 1-80 characters",
        )
    _check_keys(raw, _CASE_KEYS, path, problems)
    for key in ("as_of", "qualification", "occupation", "expect"):
        if key not in raw:
            problems.add(f"{path}.{key}", "missing_field", "this field is required")
    as_of: date | None = None
    raw_date = raw.get("as_of")
    if raw_date is not None:
        try:
            as_of = date.fromisoformat(str(raw_date))
        except ValueError:
            problems.add(f"{path}.as_of", "bad_date", "must be a date written YYYY-MM-DD")
    for key in ("description", "network", "known_disagreement"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.add(f"{path}.{key}", "not_a_string", "must be a non-empty string")
    qualification = raw.get("qualification")
    if "qualification" in raw and not isinstance(qualification, Mapping):
        problems.add(f"{path}.qualification", "not_a_mapping", "must be a mapping of fields")
    occupation = raw.get("occupation")
    if "occupation" in raw and not (
        (isinstance(occupation, str) and occupation) or isinstance(occupation, Mapping)
    ):
        problems.add(
            f"{path}.occupation",
            "bad_occupation",
            "must be a reference occupation id, or a mapping defining one",
        )
    applicant = raw.get("applicant")
    if applicant is not None and not isinstance(applicant, Mapping):
        problems.add(f"{path}.applicant", "not_a_mapping", "must be a mapping of fields")
    expect = (
        _expectation(raw.get("expect"), f"{path}.expect", problems) if "expect" in raw else None
    )
    decisive: list[tuple[str, str]] = []
    raw_decisive = raw.get("decisive")
    if raw_decisive is not None:
        entries = raw_decisive if isinstance(raw_decisive, list) else [raw_decisive]
        for i, d in enumerate(entries):
            dpath = f"{path}.decisive" + (f"[{i}]" if isinstance(raw_decisive, list) else "")
            if not isinstance(d, Mapping):
                problems.add(dpath, "not_a_mapping", "must be a mapping: rule, counter_case")
                continue
            _check_keys(d, _DECISIVE_KEYS, dpath, problems)
            if not isinstance(d.get("rule"), str) or not isinstance(d.get("counter_case"), str):
                problems.add(dpath, "missing_field", "needs rule and counter_case (strings)")
                continue
            decisive.append((d["rule"], d["counter_case"]))
    tags = _str_list(raw.get("tags"), f"{path}.tags", problems) or []
    if (
        problems.case is None
        or as_of is None
        or expect is None
        or not isinstance(qualification, Mapping)
        or not ((isinstance(occupation, str) and occupation) or isinstance(occupation, Mapping))
        or (applicant is not None and not isinstance(applicant, Mapping))
    ):
        return None
    return RuleCase(
        name=problems.case,
        file=file,
        line=getattr(raw, "line", 0),
        index=index,
        as_of=as_of,
        description=raw.get("description"),
        network=raw.get("network"),
        qualification=_plain(qualification),
        occupation=occupation if isinstance(occupation, str) else _plain(occupation),
        applicant=_plain(applicant) if applicant is not None else None,
        expect=expect,
        known_disagreement=raw.get("known_disagreement"),
        decisive=tuple(decisive),
        tags=tuple(tags),
    )


def _plain(value: Any) -> Any:
    """A YAML value as a plain JSON-like document (dicts, lists, str, int, float, bool, None)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_rule_cases(path: str | Path, *, build: bool = True) -> list[RuleCase]:
    """Read and check one rule-case file; raise :class:`RuleCaseFormatError` listing all problems.

    With ``build`` (the default) the inputs of every case are also made into iqcore objects
    (qualification, occupation, applicant), so that a bad field is reported here, with its path.
    """
    path = Path(path)
    file = str(path)
    data = _read_yaml(path)
    problems = _Problems()
    raw_cases: Any
    if isinstance(data, Mapping):
        _check_keys(data, frozenset({"cases", "description"}), "$", problems)
        raw_cases = data.get("cases")
    else:
        raw_cases = data
    if not isinstance(raw_cases, list) or not raw_cases:
        problems.add("cases", "no_cases", "the file must hold a non-empty list under 'cases'")
        raise RuleCaseFormatError(file, problems.items)
    cases: list[RuleCase] = []
    names: set[str] = set()
    for i, raw in enumerate(raw_cases):
        case = _parse_case(raw, i, file, problems)
        if case is None:
            continue
        if case.name in names:
            problems.case = case.name
            problems.add(f"cases[{i}].name", "duplicate_name", "two cases in this file share it")
            continue
        names.add(case.name)
        if build:
            problems.case = case.name
            for p in _build(case)[1]:
                problems.items.append((case.name, p))
        cases.append(case)
    for case in cases:
        for i, (_rule, counter) in enumerate(case.decisive):
            if counter not in names or counter == case.name:
                problems.case = case.name
                problems.add(
                    f"cases[{case.index}].decisive[{i}].counter_case",
                    "unknown_case",
                    "must name another case in the same file",
                )
    if problems.items:
        raise RuleCaseFormatError(file, problems.items)
    return cases


# --------------------------------------------------------------------------------------------
# Building inputs and running the engine


def _occupation_by_id(occupation_id: str) -> ReferenceOccupation:
    from iqcore.reference_data import occupation

    return occupation(occupation_id)


def _structure(doc: Mapping[str, Any], cls: type[Any], path: str) -> tuple[Any, list[Problem]]:
    from iqcore.serialization import from_dict

    try:
        return from_dict(dict(doc), cls), []
    except ValidationError as exc:
        return None, [
            Problem(path=path + p.path.removeprefix("$"), code=p.code, message=p.message)
            for p in exc.problems
        ]


def build_inputs(
    case: RuleCase,
) -> tuple[ForeignQualification, ReferenceOccupation, Migrant | None]:
    """The case's qualification, occupation and applicant as iqcore objects.

    Raises :class:`RuleCaseFormatError` (naming the case and field paths) if one is invalid.
    """
    built, problems = _build(case)
    if built is None:
        raise RuleCaseFormatError(case.file, [(case.name, p) for p in problems])
    return built


def _build(
    case: RuleCase,
) -> tuple[tuple[ForeignQualification, ReferenceOccupation, Migrant | None] | None, list[Problem]]:
    from iqcore.model import ForeignQualification, Migrant, ReferenceOccupation

    base = f"cases[{case.index}]"
    problems: list[Problem] = []
    qual, found = _structure(case.qualification, ForeignQualification, f"{base}.qualification")
    problems += found
    occ: Any = None
    if isinstance(case.occupation, str):
        try:
            occ = _occupation_by_id(case.occupation)
        except KeyError:
            problems.append(
                Problem(
                    path=f"{base}.occupation",
                    code="unknown_occupation",
                    message="no reference occupation has this id",
                )
            )
    else:
        occ, found = _structure(case.occupation, ReferenceOccupation, f"{base}.occupation")
        problems += found
    applicant: Any = None
    if case.applicant is not None:
        applicant, found = _structure(case.applicant, Migrant, f"{base}.applicant")
        problems += found
    if problems:
        return None, problems
    return (qual, occ, applicant), []


def _assess_function() -> Callable[..., Any]:
    import iqcore

    fn: Callable[..., Any] = iqcore.assess
    return fn


def run_case(case: RuleCase, *, assess: Callable[..., Any] | None = None, **options: Any) -> Any:
    """Assess the case's inputs as of its date; returns the engine's ``Assessment``.

    ``assess`` defaults to :func:`iqcore.assess`; ``options`` are passed on (e.g. ``host=``).
    """
    qualification, occupation, applicant = build_inputs(case)
    fn = assess or _assess_function()
    kwargs: dict[str, Any] = {"applicant": applicant, "as_of": case.as_of}
    if case.network is not None:
        kwargs["network"] = case.network
    kwargs.update(options)
    return fn(qualification, occupation, **kwargs)


# --------------------------------------------------------------------------------------------
# Observing an assessment in the terms of the format


@attrs.frozen(kw_only=True)
class ObservedDifference:
    """A difference as the format sees it: area, basis, and what compensated it."""

    area: str
    basis: str
    compensated_by: str | None = None

    def key(self, depth: int) -> str:
        parts = [self.area, self.basis, self.compensated_by or "-"]
        return "/".join(parts[: depth + 1])


@attrs.frozen(kw_only=True)
class ObservedTraceEntry:
    """One trace entry: stage, rule id, whether it applied, why, and parameter values read."""

    stage: str
    rule: str
    applied: bool
    reason: str = ""
    parameters: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Observed:
    """An assessment reduced to what rule cases can state."""

    outcome: str | None
    route: str | None
    remaining: tuple[ObservedDifference, ...]
    compensated: tuple[ObservedDifference, ...]
    measures: frozenset[str]
    licensing_gaps: frozenset[str]
    next_steps: frozenset[str]
    trace: tuple[ObservedTraceEntry, ...]

    @property
    def applied(self) -> frozenset[str]:
        return frozenset(e.rule for e in self.trace if e.applied)


def _value(x: Any) -> Any:
    """An enum's value, a date's ISO form, or the thing itself."""
    if x is None:
        return None
    value = getattr(x, "value", x)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _text(x: Any) -> str:
    return str(_value(x))


def _difference(d: Any) -> ObservedDifference:
    by = getattr(d, "compensated_by", None)
    return ObservedDifference(
        area=str(d.area),
        basis=_text(d.basis),
        compensated_by=_text(getattr(by, "kind", by)) if by is not None else None,
    )


def _first(obj: Any, *names: str) -> Any:
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


def _gap_key(gap: Any) -> str:
    """A licensing gap as ``SCOPE:LEVEL`` (e.g. ``OCCUPATIONAL:C1``) or its kind/id."""
    if isinstance(gap, str):
        return gap
    key = _first(gap, "key", "id", "code")
    if key is not None:
        return _text(key)
    scope = _first(gap, "scope")
    level = _first(gap, "level", "required", "required_level")
    req = _first(gap, "requirement")
    if req is not None and scope is None:
        scope, level = _first(req, "scope"), _first(req, "level")
    if scope is not None and level is not None:
        return f"{_text(scope)}:{_text(level)}"
    kind = _first(gap, "kind", "type")
    return _text(kind) if kind is not None else str(gap)


def _step_key(step: Any) -> str:
    if isinstance(step, str):
        return step
    kind = _first(step, "kind", "type", "code", "id")
    return _text(kind) if kind is not None else str(step)


def _trace_entry(e: Any) -> ObservedTraceEntry:
    rule = _first(e, "rule", "rule_id")
    rule_id = _first(rule, "id") if not isinstance(rule, str) else rule
    stage = _first(e, "stage")
    if stage is None:
        stage = _first(rule, "stage")
    params_raw = _first(e, "parameters", "parameters_read") or ()
    params: dict[str, Any] = {}
    if isinstance(params_raw, Mapping):
        params = {str(k): _value(v) for k, v in params_raw.items()}
    else:
        for p in params_raw:
            params[str(_first(p, "id", "parameter"))] = _value(_first(p, "value"))
    return ObservedTraceEntry(
        stage=_text(stage),
        rule=str(rule_id),
        applied=bool(_first(e, "applied")),
        reason=str(_first(e, "note", "reason") or ""),
        parameters=params,
    )


def observe(assessment: Any) -> Observed:
    """Reduce an ``Assessment`` to the terms of the rule-case format."""
    differences = tuple(_first(assessment, "differences") or ())
    remaining = _first(assessment, "remaining", "remaining_differences")
    compensated = _first(assessment, "compensated", "compensated_differences")
    if remaining is None:
        remaining = [d for d in differences if getattr(d, "compensated_by", None) is None]
    if compensated is None:
        compensated = [d for d in differences if getattr(d, "compensated_by", None) is not None]
    measures = _first(assessment, "permitted_measures", "measures") or ()
    gaps = _first(assessment, "licensing_gaps", "licence_gaps", "license_gaps") or ()
    steps = _first(assessment, "next_steps") or ()
    return Observed(
        outcome=_value(_first(assessment, "outcome")),
        route=_value(_first(assessment, "route")),
        remaining=tuple(_difference(d) for d in remaining),
        compensated=tuple(_difference(d) for d in compensated),
        measures=frozenset(_text(m) for m in measures),
        licensing_gaps=frozenset(_gap_key(g) for g in gaps),
        next_steps=frozenset(_step_key(s) for s in steps),
        trace=tuple(_trace_entry(e) for e in (_first(assessment, "trace") or ())),
    )


def result_signature(observed: Observed) -> tuple[Any, ...]:
    """Everything a counsellor reads in a result, for telling two results apart."""
    return (
        observed.outcome,
        observed.route,
        frozenset(d.key(1) for d in observed.remaining),
        frozenset(d.key(1) for d in observed.compensated),
        observed.measures,
        observed.licensing_gaps,
        observed.next_steps,
    )


# --------------------------------------------------------------------------------------------
# Comparing


@attrs.frozen(kw_only=True)
class Mismatch:
    """One expectation that does not hold: the field path, what was expected and what came."""

    path: str
    expected: Any
    got: Any
    missing: Sequence[str] = ()
    unexpected: Sequence[str] = ()


def compare(expect: Expectation, observed: Observed) -> list[Mismatch]:
    """Every expectation that the observed result does not meet (empty when the case holds)."""
    out: list[Mismatch] = []
    if expect.outcome is not None and observed.outcome != expect.outcome:
        out.append(Mismatch(path="expect.outcome", expected=expect.outcome, got=observed.outcome))
    if expect.no_outcome and observed.outcome is not None:
        out.append(Mismatch(path="expect.outcome", expected=None, got=observed.outcome))
    if expect.route is not None and observed.route != expect.route:
        out.append(Mismatch(path="expect.route", expected=expect.route, got=observed.route))
    if expect.no_route and observed.route is not None:
        out.append(Mismatch(path="expect.route", expected=None, got=observed.route))
    if expect.remaining is not None:
        out += expect.remaining.check("expect.differences.remaining", observed.remaining)
    if expect.compensated is not None:
        out += expect.compensated.check("expect.differences.compensated", observed.compensated)
    if expect.measures is not None:
        out += expect.measures.check("expect.measures", observed.measures)
    if expect.licensing_gaps is not None:
        out += expect.licensing_gaps.check("expect.licensing_gaps", observed.licensing_gaps)
    if expect.next_steps is not None:
        out += expect.next_steps.check("expect.next_steps", observed.next_steps)
    applied = observed.applied
    considered = frozenset(e.rule for e in observed.trace)
    if not expect.applied <= applied:
        out.append(
            Mismatch(
                path="expect.trace.applied",
                expected=sorted(expect.applied),
                got=sorted(applied),
                missing=sorted(expect.applied - applied),
            )
        )
    if expect.not_applied & applied:
        out.append(
            Mismatch(
                path="expect.trace.not_applied",
                expected=sorted(expect.not_applied),
                got=sorted(applied),
                unexpected=sorted(expect.not_applied & applied),
            )
        )
    unknown = (expect.not_applied - considered) - applied
    if unknown:
        out.append(
            Mismatch(
                path="expect.trace.not_applied",
                expected=sorted(unknown),
                got="not in the trace (no rule by this id was considered)",
            )
        )
    for i, p in enumerate(expect.parameters):
        path = f"expect.trace.parameters[{i}]"
        entries = [e for e in observed.trace if e.rule == p.rule]
        if not entries:
            out.append(Mismatch(path=path, expected=p.rule, got="rule not in the trace"))
            continue
        read = {k: v for e in entries for k, v in e.parameters.items()}
        if p.parameter not in read:
            out.append(
                Mismatch(
                    path=path,
                    expected=f"{p.rule} reads {p.parameter}",
                    got=f"parameters read: {sorted(read)}",
                )
            )
        elif read[p.parameter] != _value(p.value):
            out.append(
                Mismatch(
                    path=f"{path}.value",
                    expected=_value(p.value),
                    got=read[p.parameter],
                )
            )
    return out


def check_case(
    case: RuleCase, *, assess: Callable[..., Any] | None = None, **options: Any
) -> Observed:
    """Run a case and raise :class:`RuleCaseFailure` unless every expectation holds."""
    observed = observe(run_case(case, assess=assess, **options))
    mismatches = compare(case.expect, observed)
    if mismatches:
        raise RuleCaseFailure(case, mismatches, observed)
    return observed


def _fmt(value: Any) -> str:
    if isinstance(value, list | tuple | frozenset | set):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return "(none)" if value is None else str(value)


def render_failure(case: RuleCase, mismatches: Sequence[Mismatch], observed: Observed) -> str:
    """The readable report of a failed case: each mismatch as expected/got, then the trace."""
    head = f"rule case {case.name!r} ({case.file}:{case.line}) does not hold"
    lines = [f"{head}, as of {case.as_of.isoformat()}:"]
    for m in mismatches:
        lines.append(f"  {m.path}")
        lines.append(f"    expected: {_fmt(m.expected)}")
        lines.append(f"    got:      {_fmt(m.got)}")
        if m.missing:
            lines.append(f"    missing:    {_fmt(m.missing)}")
        if m.unexpected:
            lines.append(f"    unexpected: {_fmt(m.unexpected)}")
    if observed.trace:
        lines.append("  trace (rules considered):")
        for e in observed.trace:
            mark = "applied    " if e.applied else "not applied"
            reason = f" — {e.reason}" if e.reason else ""
            lines.append(f"    {e.stage:<12} {mark} {e.rule}{reason}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# pytest plugin


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``rulecase_paths`` ini option."""
    parser.addini(
        _INI_PATHS,
        type="paths",
        default=[],
        help="folders whose *.yaml/*.yml files are iqcore rule cases "
        "(files named *.rulecase.yaml are collected anywhere)",
    )


def is_rule_case_file(file_path: Path, folders: Sequence[Path] = ()) -> bool:
    """True for ``*.rulecase.yaml`` files, and for YAML files under one of ``folders``."""
    name = file_path.name
    if name.endswith(CASE_FILE_SUFFIXES):
        return True
    if not name.endswith(_YAML_SUFFIXES):
        return False
    resolved = file_path.resolve()
    return any(resolved.is_relative_to(Path(f).resolve()) for f in folders)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> RuleCaseFile | None:
    """Collect rule-case files as :class:`RuleCaseFile`."""
    folders = parent.config.getini(_INI_PATHS) or []
    if is_rule_case_file(file_path, folders):
        file: RuleCaseFile = RuleCaseFile.from_parent(parent, path=file_path)
        return file
    return None


class RuleCaseFile(pytest.File):
    """A YAML file of rule cases; each case becomes a :class:`RuleCaseItem`."""

    def collect(self) -> Iterable[pytest.Item]:
        cases = load_rule_cases(self.path)
        for case in cases:
            item = RuleCaseItem.from_parent(self, name=case.name, case=case)
            if case.known_disagreement:
                item.add_marker(
                    pytest.mark.xfail(
                        reason=f"known disagreement with the engine: {case.known_disagreement}",
                        raises=RuleCaseFailure,
                        strict=True,
                    )
                )
            for tag in case.tags:
                item.extra_keyword_matches.add(tag)
            yield item

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, RuleCaseFormatError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class RuleCaseItem(pytest.Item):
    """One rule case run as a test."""

    def __init__(self, *, case: RuleCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        check_case(self.case)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, RuleCaseFailure | RuleCaseFormatError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, max(self.case.line - 1, 0), f"rule case: {self.case.name}"
