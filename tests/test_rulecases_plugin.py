"""The rule-case plugin itself: collection, passing and failing cases, format errors, xfail.

The plugin runs in a fresh pytest session made by ``pytester``, against the real engine. The
cases here define their reference occupation inline, so they depend on the engine's rules but
not on the shipped reference data.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from iqcore.testing.rulecases import (
    RuleCaseFailure,
    RuleCaseFormatError,
    check_case,
    is_rule_case_file,
    load_rule_cases,
)

pytest_plugins = ["pytester"]

PLUGIN = ("-p", "iqcore.testing.rulecases")

_OCCUPATION = """\
      id: test-clerk
      title_de: Testkaufmann
      title_en: Test clerk
      regulation: NON_REGULATED
      law: FEDERAL
      legal_basis: BQFG_BUND
      legal_reference: "§4 BQFG"
      qualification_kind: VOCATIONAL_DUAL
      nominal_duration_months: 36
      source: plugin test fixture
      competence_areas:
        - {id: office, title_de: Büroorganisation, title_en: Office organisation}
        - {id: customers, title_de: Kundenbeziehungen, title_en: Customer relations}
        - {id: bookkeeping, title_de: Buchführung, title_en: Bookkeeping}
"""


def assert_lines_in_order(text: str, parts: list[str]) -> None:
    """Each part occurs in *text*, each after the one before (plain text, no wildcards)."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"not found after position {at}: {part!r}\n{text}"
        at = found + len(part)


def case_file(expect: str, *, extra: str = "", qualification_extra: str = "") -> str:
    """One case: a clerk trained in a third country whose training lacks bookkeeping."""
    return f"""\
description: Plugin test cases.
cases:
  - name: clerk-missing-bookkeeping
    as_of: 2024-03-01
{extra}    qualification:
      title_original: Office clerk
      country_of_training: UA
      kind: VOCATIONAL_SCHOOL
      duration_months: 36
      competence_areas: [office, customers]
{qualification_extra}    occupation:
{_OCCUPATION}    expect:
{textwrap.indent(textwrap.dedent(expect), "      ")}"""


GOOD = case_file(
    """\
    outcome: PARTIAL_EQUIVALENCE
    differences:
      remaining: [bookkeeping]
      compensated: []
    measures: []
    """
)


def test_a_passing_case_passes(pytester: pytest.Pytester) -> None:
    pytester.makefile(".rulecase.yaml", clerk=GOOD)
    result = pytester.runpytest(*PLUGIN, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*clerk.rulecase.yaml::clerk-missing-bookkeeping PASSED*"])


def test_a_wrong_expectation_fails_with_a_readable_diff(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".rulecase.yaml",
        clerk=case_file(
            """\
            outcome: FULL_EQUIVALENCE
            differences:
              remaining: [office]
            """
        ),
    )
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            (
                "*rule case 'clerk-missing-bookkeeping' (*clerk.rulecase.yaml:3) does not hold,"
                " as of 2024-03-01:"
            ),
            "  expect.outcome",
            "    expected: FULL_EQUIVALENCE",
            "    got:      PARTIAL_EQUIVALENCE",
            "  expect.differences.remaining",
            "    expected: [office]",
            "    got:      [bookkeeping]",
            "    missing:    [office]",
            "    unexpected: [bookkeeping]",
            "  trace (rules considered):",
        ]
    )
    # The report is the diff, not a Python traceback of the plugin.
    assert "def runtest" not in result.stdout.str()


def test_only_what_is_written_is_checked(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".rulecase.yaml",
        clerk=case_file(
            """\
            differences:
              remaining: {includes: [bookkeeping], excludes: [office, customers]}
            """
        ),
    )
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=1)


def test_a_partial_set_that_does_not_hold_fails(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".rulecase.yaml",
        clerk=case_file("differences:\n  remaining: {excludes: [bookkeeping]}\n"),
    )
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  expect.differences.remaining.excludes", "    unexpected: *"])


def test_trace_expectations_are_checked(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".rulecase.yaml",
        clerk=case_file(
            """\
            trace:
              applied: [no-such-rule]
              not_applied: [another-missing-rule]
            """
        ),
    )
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  expect.trace.applied",
            "    missing:    [no-such-rule]",
            "  expect.trace.not_applied",
            "    got:      not in the trace*",
        ]
    )


BAD_VALUE = "EQUIVALENTISH"


def test_a_malformed_case_is_a_collection_error_naming_file_case_and_field(
    pytester: pytest.Pytester,
) -> None:
    text = case_file(f"outcome: {BAD_VALUE}\noutcom: FULL_EQUIVALENCE\n").replace(
        "duration_months: 36\n      competence", "duration_months: 977\n      competence"
    )
    pytester.makefile(".rulecase.yaml", clerk=text)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    case = "  case 'clerk-missing-bookkeeping', "
    assert_lines_in_order(
        out,
        [
            "clerk.rulecase.yaml: 3 problem(s) in this rule-case file",
            case + "cases[0].expect.outcom: unknown field; the fields here are: differences,",
            case + "cases[0].expect.outcome: must be one of COMPENSATION_MEASURE_REQUIRED,",
            "PARTIAL_EQUIVALENCE [unknown_value]",
            case + "cases[0].qualification.duration_months: ",
        ],
    )
    # Messages name the field and the rule, never the value written in the file.
    assert BAD_VALUE not in out
    assert "977" not in out


def test_a_yaml_syntax_error_names_the_file_and_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(".rulecase.yaml", broken="cases:\n  - name: a\n    as_of: [2024\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(errors=1)
    assert_lines_in_order(
        result.stdout.str(),
        [
            "broken.rulecase.yaml: 1 problem(s) in this rule-case file",
            "  line 3, column ",
            "[yaml_syntax]",
        ],
    )


def test_a_known_disagreement_is_a_strict_xfail(pytester: pytest.Pytester) -> None:
    wrong = case_file(
        "outcome: FULL_EQUIVALENCE\n",
        extra='    known_disagreement: "the engine is wrong here"\n',
    )
    pytester.makefile(".rulecase.yaml", wrong=wrong)
    result = pytester.runpytest(*PLUGIN, "-rx")
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(["*known disagreement with the engine: the engine is wrong here*"])


def test_a_known_disagreement_that_holds_fails(pytester: pytest.Pytester) -> None:
    right = case_file(
        "outcome: PARTIAL_EQUIVALENCE\n",
        extra='    known_disagreement: "the engine was wrong here"\n',
    )
    pytester.makefile(".rulecase.yaml", right=right)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*XPASS(strict)*"])


def test_files_under_a_configured_folder_are_collected(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nrulecase_paths = policy\n")
    (pytester.path / "policy" / "commerce").mkdir(parents=True)
    (pytester.path / "policy" / "commerce" / "clerks.yaml").write_text(GOOD, encoding="utf-8")
    (pytester.path / "elsewhere").mkdir()
    (pytester.path / "elsewhere" / "settings.yaml").write_text("not: a case\n", encoding="utf-8")
    result = pytester.runpytest(*PLUGIN, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*policy/commerce/clerks.yaml::clerk-missing-bookkeeping PASSED*"])


def test_cases_can_be_selected_by_tag(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".rulecase.yaml", clerk=GOOD.replace("    as_of:", "    tags: [bbig]\n    as_of:")
    )
    result = pytester.runpytest(*PLUGIN, "-k", "bbig")
    result.assert_outcomes(passed=1)
    result = pytester.runpytest(*PLUGIN, "-k", "nursing")
    result.assert_outcomes()


# -- the loader on its own --------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "cases.rulecase.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_no_stays_norway_and_dates_stay_text(tmp_path: Path) -> None:
    text = GOOD.replace("country_of_training: UA", "country_of_training: NO").replace(
        "      competence_areas: [office, customers]\n",
        "      competence_areas: [office, customers]\n      completed_on: 2019-07-15\n",
    )
    (case,) = load_rule_cases(write(tmp_path, text))
    assert case.qualification["country_of_training"] == "NO"
    assert case.qualification["completed_on"] == "2019-07-15"
    assert case.as_of.isoformat() == "2024-03-01"
    assert case.line == 3


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    text = GOOD.replace("    as_of: 2024-03-01\n", "    as_of: 2024-03-01\n    as_of: 2024-03-02\n")
    with pytest.raises(RuleCaseFormatError) as info:
        load_rule_cases(write(tmp_path, text))
    assert "a key is given twice" in str(info.value)
    assert "line 5" in str(info.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        cases:
          - name: Not A Valid Name
            expect: {route: SOMEWHERE}
          - name: second
            as_of: 31.12.2023
            qualification: {}
            occupation: 42
            expect: {measures: [PRAYER], differences: {remaining: [x/SIZE]}}
            decisive: {rule: r, counter_case: nobody}
        """
    )
    with pytest.raises(RuleCaseFormatError) as info:
        load_rule_cases(write(tmp_path, text))
    found = {(case, p.path, p.code) for case, p in info.value.problems}
    assert found >= {
        (None, "cases[0].name", "bad_name"),
        (None, "cases[0].as_of", "missing_field"),
        (None, "cases[0].qualification", "missing_field"),
        (None, "cases[0].expect.route", "unknown_value"),
        ("second", "cases[1].as_of", "bad_date"),
        ("second", "cases[1].occupation", "bad_occupation"),
        ("second", "cases[1].expect.measures[0]", "unknown_value"),
        ("second", "cases[1].expect.differences.remaining", "unknown_value"),
    }


def test_a_counter_case_must_exist(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    as_of:", "    decisive: {rule: some-rule, counter_case: nobody}\n    as_of:"
    )
    with pytest.raises(RuleCaseFormatError) as info:
        load_rule_cases(write(tmp_path, text))
    assert [(p.path, p.code) for _, p in info.value.problems] == [
        ("cases[0].decisive[0].counter_case", "unknown_case")
    ]


def test_an_unknown_occupation_id_is_a_format_error(tmp_path: Path) -> None:
    start = GOOD.index("    occupation:\n")
    end = GOOD.index("    expect:")
    text = GOOD[:start] + "    occupation: no-such-occupation\n" + GOOD[end:]
    with pytest.raises(RuleCaseFormatError) as info:
        load_rule_cases(write(tmp_path, text))
    assert [(p.path, p.code) for _, p in info.value.problems] == [
        ("cases[0].occupation", "unknown_occupation")
    ]


def test_check_case_raises_with_every_mismatch(tmp_path: Path) -> None:
    text = case_file("outcome: NO_EQUIVALENCE\nmeasures: [APTITUDE_TEST]\n")
    (case,) = load_rule_cases(write(tmp_path, text))
    with pytest.raises(RuleCaseFailure) as info:
        check_case(case)
    assert [m.path for m in info.value.mismatches] == ["expect.outcome", "expect.measures"]
    assert info.value.observed.outcome == "PARTIAL_EQUIVALENCE"


@pytest.mark.parametrize(
    ("name", "folders", "collected"),
    [
        ("a.rulecase.yaml", (), True),
        ("a.rulecase.yml", (), True),
        ("a.yaml", (), False),
        ("sub/a.yaml", ("sub",), True),
        ("sub/a.txt", ("sub",), False),
        ("other/a.yaml", ("sub",), False),
    ],
)
def test_which_files_are_rule_cases(
    tmp_path: Path, name: str, folders: tuple[str, ...], collected: bool
) -> None:
    path = tmp_path / name
    assert is_rule_case_file(path, [tmp_path / f for f in folders]) is collected


def test_the_how_to_page_example_is_a_case_that_holds(tmp_path: Path) -> None:
    page = Path(__file__).resolve().parents[1] / "docs" / "howto" / "write-rule-cases.md"
    text = page.read_text(encoding="utf-8")
    start = text.index("```yaml\ndescription:") + len("```yaml\n")
    example = text[start : text.index("```", start)]
    (case,) = load_rule_cases(write(tmp_path, example))
    assert case.expect.outcome == "PARTIAL_EQUIVALENCE"
    check_case(case)
