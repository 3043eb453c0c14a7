"""The deadlines of the recognition procedure as dated, cited parameters.

Sources (domain notes §1.6): the BQFG text [S1] for §§ 5, 6, 13, 14 and 19; the start of the
three-month decision deadline on 1 December 2012 [S1][S5b] (S5b: asyl.net, "Gesetz zur
Anerkennung von Berufsqualifikationen in Kraft getreten"); the accelerated skilled-worker
procedure of §14a BQFG with §81a AufenthG, in force since 1 March 2020 [S4][S27].

The procedural rules of §§ 5-7 and 12-15 BQFG are binding on the Länder (§19 BQFG: "Von den ...
getroffenen Regelungen des Verwaltungsverfahrens kann durch Landesrecht nicht abgewichen
werden"), so every parameter here is federal. A federal professional law (Fachrecht) may set
other deadlines for its own profession; a plugin can pass its own :class:`ProcedureParameters`
to :func:`iqcore.procedure.clock`.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import attrs

from iqcore.model._validators import instance
from iqcore.model.cases import SuspensionReason
from iqcore.procedure.periods import Period
from iqcore.rules.dated import BQFG_IN_FORCE, LegalReference, Parameter

__all__ = [
    "ACCELERATED_PROCEDURE_IN_FORCE",
    "DECISION_DEADLINE_IN_FORCE",
    "ProcedureParameters",
    "procedure_parameters",
]

#: The three-month decision deadline applies to BQFG procedures from this day on [S1][S5b].
DECISION_DEADLINE_IN_FORCE = date(2012, 12, 1)
#: §14a BQFG and §81a AufenthG (Fachkräfteeinwanderungsgesetz) came into force on this day [S4].
ACCELERATED_PROCEDURE_IN_FORCE = date(2020, 3, 1)

_BQFG = "BQFG"
_BQFG_URL = "https://bundestag.github.io/gesetze/b/bqfg/"
_BQFG_14A_URL = "https://www.buzer.de/gesetz/9978/al85996-0.htm"


def _ref(section: str, url: str = _BQFG_URL, act: str = _BQFG) -> LegalReference:
    return LegalReference(act=act, section=section, url=url)


def _period_parameter(
    id: str, title: str, value: Period, reference: LegalReference, valid_from: date
) -> Parameter[Period]:
    return Parameter[Period].constant(
        id=id, title=title, value=value, reference=reference, valid_from=valid_from
    )


def _grounds_parameter(id: str, title: str, reference: LegalReference) -> Parameter[Any]:
    grounds = frozenset(
        {SuspensionReason.DOCUMENTS_REQUESTED, SuspensionReason.QUALIFICATION_ANALYSIS}
    )
    return Parameter[frozenset[SuspensionReason]].constant(
        id=id, title=title, value=grounds, reference=reference, valid_from=BQFG_IN_FORCE
    )


def _checked(kind: str) -> Any:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        instance(Parameter)(_inst, attribute, value)
        assert isinstance(value, Parameter)
        for item in value.values:
            ok = (
                isinstance(item.value, Period)
                if kind == "period"
                else isinstance(item.value, frozenset)
                and all(isinstance(r, SuspensionReason) for r in item.value)
            )
            if not ok:
                raise TypeError(f"{attribute.name} holds a value of the wrong type")

    return check


@attrs.frozen(kw_only=True)
class ProcedureParameters:
    """The dated deadlines and suspension grounds the procedure clock reads.

    Non-regulated occupations follow §6 BQFG, regulated professions §13 BQFG; the accelerated
    procedure (§14a BQFG with §81a AufenthG) shortens both deadlines for either kind. Each
    field is a :class:`~iqcore.rules.Parameter`, asked as of the day its period starts.
    """

    acknowledgement: Parameter[Period] = attrs.field(validator=_checked("period"))
    acknowledgement_regulated: Parameter[Period] = attrs.field(validator=_checked("period"))
    decision: Parameter[Period] = attrs.field(validator=_checked("period"))
    decision_regulated: Parameter[Period] = attrs.field(validator=_checked("period"))
    accelerated_acknowledgement: Parameter[Period] = attrs.field(validator=_checked("period"))
    accelerated_decision: Parameter[Period] = attrs.field(validator=_checked("period"))
    extension_cap_eu_eea_ch: Parameter[Period] = attrs.field(validator=_checked("period"))
    suspension_grounds: Parameter[frozenset[SuspensionReason]] = attrs.field(
        validator=_checked("grounds")
    )
    suspension_grounds_regulated: Parameter[frozenset[SuspensionReason]] = attrs.field(
        validator=_checked("grounds")
    )

    def as_tuple(self) -> tuple[Parameter[Any], ...]:
        """Every parameter, in field order (for a rule book, a plugin or the docs)."""
        return tuple(getattr(self, a.name) for a in attrs.fields(ProcedureParameters))


@functools.cache
def procedure_parameters() -> ProcedureParameters:
    """The federal deadlines of the recognition procedure, with their legal references.

    >>> from datetime import date
    >>> p = procedure_parameters()
    >>> str(p.decision.at(date(2024, 1, 1))), str(p.decision.value_at(date(2024, 1, 1)).reference)
    ('3 months', '§6(3) BQFG')
    >>> p.accelerated_decision.in_force(date(2020, 2, 29))
    False
    """
    return ProcedureParameters(
        acknowledgement=_period_parameter(
            "bqfg.s6.acknowledgement",
            "Acknowledgement of receipt (non-regulated occupations)",
            Period(months=1),
            _ref("§6(2)"),
            BQFG_IN_FORCE,
        ),
        acknowledgement_regulated=_period_parameter(
            "bqfg.s13.acknowledgement",
            "Acknowledgement of receipt (regulated professions)",
            Period(months=1),
            _ref("§13(2)"),
            BQFG_IN_FORCE,
        ),
        decision=_period_parameter(
            "bqfg.s6.decision",
            "Decision after receipt of the complete documents (non-regulated occupations)",
            Period(months=3),
            _ref("§6(3)"),
            DECISION_DEADLINE_IN_FORCE,
        ),
        decision_regulated=_period_parameter(
            "bqfg.s13.decision",
            "Decision after receipt of the complete documents (regulated professions)",
            Period(months=3),
            _ref("§13(3)"),
            DECISION_DEADLINE_IN_FORCE,
        ),
        accelerated_acknowledgement=_period_parameter(
            "bqfg.s14a.acknowledgement",
            "Acknowledgement of receipt in the accelerated procedure (§81a AufenthG)",
            Period(weeks=2),
            _ref("§14a", _BQFG_14A_URL),
            ACCELERATED_PROCEDURE_IN_FORCE,
        ),
        accelerated_decision=_period_parameter(
            "bqfg.s14a.decision",
            "Decision in the accelerated procedure (§81a AufenthG; 'soll')",
            Period(months=2),
            _ref("§14a", _BQFG_14A_URL),
            ACCELERATED_PROCEDURE_IN_FORCE,
        ),
        extension_cap_eu_eea_ch=_period_parameter(
            "bqfg.s13.extension_cap_eu_eea_ch",
            "Longest extension of the decision deadline, regulated professions, "
            "qualification from the EU, EEA or Switzerland",
            Period(months=1),
            _ref("§13(3) sentence 4"),
            BQFG_IN_FORCE,
        ),
        suspension_grounds=_grounds_parameter(
            "bqfg.s6.suspension_grounds",
            "Grounds that suspend the decision deadline: a deadline set for further "
            "information or documents (§5(4),(5)) and a qualification analysis (§14)",
            _ref("§6(4)"),
        ),
        suspension_grounds_regulated=_grounds_parameter(
            "bqfg.s13.suspension_grounds",
            "Grounds that suspend the decision deadline: a deadline set for further "
            "information or documents (§12(4),(5)) and a qualification analysis (§14)",
            _ref("§13(4)"),
        ),
    )
