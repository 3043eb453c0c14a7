"""Plain-language explanations of an assessment, in German and English.

The text is for a counsellor to hand to the client: what the pre-assessment expects, why, what
would close each remaining gap, what recognition does not settle, what to do next, and the legal
references, with every value no source confirms flagged as such.
"""

from __future__ import annotations

from datetime import date

from iqcore.model.decisions import (
    CompensationMeasureType,
    DecisionOutcome,
    DifferenceBasis,
    SubstantialDifference,
)
from iqcore.model.people import LanguageScope
from iqcore.model.qualifications import RecognitionRoute
from iqcore.rules.assessment import Assessment
from iqcore.rules.dated import LegalReference
from iqcore.rules.results import LegalPath, LicensingStatus, NextStep, NextStepKind

__all__ = ["LANGUAGES", "explain"]

LANGUAGES = ("de", "en")

_OUTCOME = {
    "de": {
        DecisionOutcome.FULL_EQUIVALENCE: "volle Gleichwertigkeit",
        DecisionOutcome.PARTIAL_EQUIVALENCE: "teilweise Gleichwertigkeit",
        DecisionOutcome.COMPENSATION_MEASURE_REQUIRED: "Auflage einer Ausgleichsmaßnahme",
        DecisionOutcome.NO_EQUIVALENCE: "keine Gleichwertigkeit",
    },
    "en": {
        DecisionOutcome.FULL_EQUIVALENCE: "full equivalence",
        DecisionOutcome.PARTIAL_EQUIVALENCE: "partial equivalence",
        DecisionOutcome.COMPENSATION_MEASURE_REQUIRED: "a compensation measure is required",
        DecisionOutcome.NO_EQUIVALENCE: "no equivalence",
    },
}

_ROUTE = {
    "de": {
        RecognitionRoute.GENERAL_SYSTEM: "allgemeine Anerkennungsregelung der Richtlinie "
        "2005/36/EG",
        RecognitionRoute.AUTOMATIC_SECTORAL: "automatische Anerkennung als sektoraler Beruf "
        "(Richtlinie 2005/36/EG)",
        RecognitionRoute.AUTOMATIC_EXPERIENCE: "automatische Anerkennung auf Grund von "
        "Berufserfahrung",
        RecognitionRoute.NATIONAL: "Gleichwertigkeitsprüfung nach deutschem Recht",
        RecognitionRoute.ACADEMIC_COMPARABILITY: "akademische Vergleichbarkeit",
    },
    "en": {
        RecognitionRoute.GENERAL_SYSTEM: "the general system of Directive 2005/36/EC",
        RecognitionRoute.AUTOMATIC_SECTORAL: "automatic recognition as a sectoral profession "
        "(Directive 2005/36/EC)",
        RecognitionRoute.AUTOMATIC_EXPERIENCE: "automatic recognition on the basis of "
        "professional experience",
        RecognitionRoute.NATIONAL: "an equivalence assessment under German law",
        RecognitionRoute.ACADEMIC_COMPARABILITY: "academic comparability",
    },
}

_PATH = {
    "de": {
        LegalPath.BQFG: "das Berufsqualifikationsfeststellungsgesetz des Bundes (BQFG)",
        LegalPath.FEDERAL_FACHRECHT: "das Berufsrecht des Bundes (Fachrecht), das dem BQFG vorgeht",
        LegalPath.LAND_LAW: "das Recht des Landes",
        LegalPath.ACADEMIC: "kein berufliches Anerkennungsverfahren; der Abschluss kann "
        "akademisch bewertet werden",
        LegalPath.BVFG: "das besondere Verfahren für Spätaussiedler nach § 10 BVFG",
        LegalPath.NO_PROCEDURE: "an diesem Datum kein Anerkennungsverfahren",
    },
    "en": {
        LegalPath.BQFG: "the federal Professional Qualifications Assessment Act (BQFG)",
        LegalPath.FEDERAL_FACHRECHT: "federal professional law (Fachrecht), which takes "
        "precedence over the BQFG",
        LegalPath.LAND_LAW: "the law of the Land",
        LegalPath.ACADEMIC: "no professional recognition procedure; the degree can be "
        "assessed academically",
        LegalPath.BVFG: "the separate procedure for resettled ethnic Germans under §10 BVFG",
        LegalPath.NO_PROCEDURE: "no recognition procedure on this date",
    },
}

_MEASURE = {
    "de": {
        CompensationMeasureType.ADAPTATION_PERIOD: "Anpassungslehrgang",
        CompensationMeasureType.APTITUDE_TEST: "Eignungsprüfung",
        CompensationMeasureType.KNOWLEDGE_EXAM: "Kenntnisprüfung",
    },
    "en": {
        CompensationMeasureType.ADAPTATION_PERIOD: "adaptation period",
        CompensationMeasureType.APTITUDE_TEST: "aptitude test",
        CompensationMeasureType.KNOWLEDGE_EXAM: "knowledge exam",
    },
}

_OBSTACLE = {
    "de": {
        "NOT_A_PROFESSIONAL_QUALIFICATION": "Ein Schulabschluss ist keine Berufsqualifikation "
        "im Sinne des Gesetzes.",
        "NOT_ENTITLED_TO_PRACTISE": "Im Ausbildungsstaat besteht keine Berechtigung, den Beruf "
        "auszuüben.",
        "LEVEL_TOO_LOW": "Das Qualifikationsniveau (Art. 11 der Richtlinie 2005/36/EG) liegt "
        "zu weit unter dem geforderten Niveau.",
        "TOO_LITTLE_IN_COMMON": "Die Ausbildung hat zu wenig mit dem Referenzberuf gemeinsam.",
        "NO_PROCEDURE_BEFORE_BQFG": "Vor dem 1. April 2012 gab es für nicht reglementierte "
        "Berufe kein Anerkennungsverfahren.",
    },
    "en": {
        "NOT_A_PROFESSIONAL_QUALIFICATION": "A school-leaving certificate is not a "
        "professional qualification under the act.",
        "NOT_ENTITLED_TO_PRACTISE": "There is no entitlement to practise the profession in the "
        "country of training.",
        "LEVEL_TOO_LOW": "The qualification level (Art. 11 of Directive 2005/36/EC) is too far "
        "below the required level.",
        "TOO_LITTLE_IN_COMMON": "The training has too little in common with the reference "
        "occupation.",
        "NO_PROCEDURE_BEFORE_BQFG": "Before 1 April 2012 there was no recognition procedure "
        "for non-regulated occupations.",
    },
}

_STEP = {
    "de": {
        NextStepKind.QUALIFICATION_ANALYSIS: "Eine Qualifikationsanalyse (§ 14 BQFG) "
        "beantragen: Die Berufsqualifikation wird dann z. B. durch Arbeitsproben oder ein "
        "Fachgespräch festgestellt.",
        NextStepKind.STATEMENT_OF_COMPARABILITY: "Eine Zeugnisbewertung bei der Zentralstelle "
        "für ausländisches Bildungswesen (ZAB) beantragen.",
        NextStepKind.SUBMIT_MISSING_DOCUMENTS: "Fehlende Unterlagen nachreichen",
        NextStepKind.CERTIFICATE_OF_ENTITLEMENT: "Eine Bescheinigung beschaffen, dass Sie den "
        "Beruf im Ausbildungsstaat ausüben dürfen.",
        NextStepKind.PROOF_OF_INTENT_TO_WORK: "Nachweisen, dass Sie in Deutschland arbeiten "
        "wollen (z. B. Visumantrag, Kontakt zu Arbeitgebern, Geschäftsplan).",
        NextStepKind.ADAPTATION_QUALIFICATION: "Eine Anpassungsqualifizierung zu den "
        "Unterschieden absolvieren und danach einen Folgeantrag auf volle Gleichwertigkeit "
        "stellen",
        NextStepKind.COMPENSATION_MEASURE: "Eine der zugelassenen Ausgleichsmaßnahmen "
        "absolvieren und danach die Berufszulassung beantragen.",
        NextStepKind.BVFG_PROCEDURE: "Die Anerkennung im Verfahren nach § 10 BVFG beantragen.",
    },
    "en": {
        NextStepKind.QUALIFICATION_ANALYSIS: "Apply for a qualification analysis (§14 BQFG): "
        "the qualification is then established through work samples or a professional "
        "interview, for example.",
        NextStepKind.STATEMENT_OF_COMPARABILITY: "Apply for a Statement of Comparability from "
        "the Central Office for Foreign Education (ZAB).",
        NextStepKind.SUBMIT_MISSING_DOCUMENTS: "Submit the missing documents",
        NextStepKind.CERTIFICATE_OF_ENTITLEMENT: "Obtain a certificate that you may practise "
        "the profession in the country of training.",
        NextStepKind.PROOF_OF_INTENT_TO_WORK: "Show that you intend to work in Germany (e.g. a "
        "visa application, contacts with employers, a business plan).",
        NextStepKind.ADAPTATION_QUALIFICATION: "Complete an adaptation qualification for the "
        "differences, then file a follow-up application for full equivalence",
        NextStepKind.COMPENSATION_MEASURE: "Complete one of the permitted compensation "
        "measures, then apply for the licence to practise.",
        NextStepKind.BVFG_PROCEDURE: "Apply for recognition in the procedure under §10 BVFG.",
    },
}

_DOCUMENT = {
    "de": {
        "CV": "tabellarischer Lebenslauf",
        "IDENTITY": "Identitätsnachweis",
        "TRAINING_CERTIFICATE": "Ausbildungsnachweis",
        "TRANSCRIPT": "Fächer- und Notenübersicht",
        "EXPERIENCE_EVIDENCE": "Nachweise über Berufserfahrung",
        "OTHER_QUALIFICATION": "sonstige Befähigungsnachweise",
        "TRANSLATION": "Übersetzungen",
        "ENTITLEMENT_TO_PRACTISE": "Bescheinigung der Berufsausübungsberechtigung",
        "NO_PRIOR_APPLICATION_DECLARATION": "Erklärung, dass noch kein Antrag gestellt wurde",
        "INTENT_TO_WORK": "Nachweis der Erwerbsabsicht",
    },
    "en": {
        "CV": "CV in tabular form",
        "IDENTITY": "proof of identity",
        "TRAINING_CERTIFICATE": "training certificate",
        "TRANSCRIPT": "transcript",
        "EXPERIENCE_EVIDENCE": "evidence of work experience",
        "OTHER_QUALIFICATION": "other certificates",
        "TRANSLATION": "translations",
        "ENTITLEMENT_TO_PRACTISE": "certificate of entitlement to practise",
        "NO_PRIOR_APPLICATION_DECLARATION": "declaration that no earlier application was filed",
        "INTENT_TO_WORK": "proof of intent to work",
    },
}

_UNITS = {
    "de": {"months": "Monate", "percent": "%"},
    "en": {"months": "months", "percent": "%"},
}

_WORDS = {
    "de": {
        "title": "Vorab-Einschätzung zur Anerkennung (keine Entscheidung einer Behörde)",
        "occupation": "Referenzberuf",
        "as_of": "Stand",
        "regulated": "reglementierter Beruf",
        "not_regulated": "nicht reglementierter Beruf",
        "law": "Maßgeblich ist {path}.",
        "route": "Verfahrensweg: {route}.",
        "outcome": "Voraussichtliches Ergebnis: {outcome}.",
        "no_outcome": "Eine Gleichwertigkeitsprüfung nach dem Anerkennungsgesetz findet nicht "
        "statt.",
        "reasons": "Gründe:",
        "remaining": "Wesentliche Unterschiede, die noch bestehen:",
        "compensated": "Unterschiede, die ausgeglichen sind:",
        "minor": "Unterschiede in nicht wesentlichen Bereichen (stehen der Gleichwertigkeit "
        "nicht entgegen):",
        "content": "Inhalt",
        "duration": "Dauer der Ausbildung",
        "by_experience": "ausgeglichen durch {months} Monate nachgewiesene Berufserfahrung",
        "by_other": "ausgeglichen durch weitere Nachweise",
        "would": "Ausgleichen würde ihn: ",
        "more_months": "{months} weitere Monate nachgewiesene Berufserfahrung in diesem Bereich",
        "more_months_duration": "{months} weitere Monate nachgewiesene Berufserfahrung im Beruf",
        "module": "ein Modul oder Lehrgang zu „{area}“",
        "or": " oder ",
        "measures": "Zugelassene Ausgleichsmaßnahmen:",
        "chooses": "Sie können zwischen diesen Maßnahmen wählen.",
        "covers": "Die Maßnahme beschränkt sich auf die festgestellten Unterschiede "
        "(§ 11 Abs. 2 BQFG).",
        "max_months": "höchstens {months} Monate",
        "licensing": "Was die Anerkennung nicht regelt (Berufszulassung):",
        "german": "Deutsch",
        "general": "allgemein",
        "occupational": "Fachsprache",
        "met": "erfüllt",
        "unmet": "nicht erfüllt",
        "unknown": "nicht bekannt",
        "held": "vorhanden",
        "next": "Nächste Schritte:",
        "references": "Rechtsgrundlagen:",
        "unverified": "nicht durch eine Quelle bestätigt",
        "unverified_head": "Achtung: Diese Werte und Regeln sind nicht durch eine Quelle "
        "bestätigt und müssen geprüft werden:",
        "provenance": "Erstellt mit iqcore {version}; Regelwerk {fingerprint}; Plugins: {plugins}.",
        "prognosis": "Dies ist eine Einschätzung für die Beratung. Verbindlich entscheidet "
        "nur die zuständige Stelle.",
    },
    "en": {
        "title": "Pre-assessment of recognition (not a decision of an authority)",
        "occupation": "Reference occupation",
        "as_of": "as of",
        "regulated": "regulated profession",
        "not_regulated": "non-regulated occupation",
        "law": "The case falls under {path}.",
        "route": "Route: {route}.",
        "outcome": "Expected outcome: {outcome}.",
        "no_outcome": "No equivalence assessment under the Recognition Act takes place.",
        "reasons": "Reasons:",
        "remaining": "Substantial differences that remain:",
        "compensated": "Differences that are compensated:",
        "minor": "Differences in non-essential areas (they do not stand in the way):",
        "content": "content",
        "duration": "duration of training",
        "by_experience": "compensated by {months} months of evidenced work experience",
        "by_other": "compensated by other evidence",
        "would": "What would compensate it: ",
        "more_months": "{months} more months of evidenced experience in this area",
        "more_months_duration": "{months} more months of evidenced experience in the occupation",
        "module": "a module or course covering “{area}”",
        "or": " or ",
        "measures": "Permitted compensation measures:",
        "chooses": "You can choose between these measures.",
        "covers": "A measure covers only the differences found (§11(2) BQFG).",
        "max_months": "at most {months} months",
        "licensing": "What recognition does not settle (licence to practise):",
        "german": "German",
        "general": "general",
        "occupational": "occupational language",
        "met": "met",
        "unmet": "not met",
        "unknown": "not known",
        "held": "held",
        "next": "Next steps:",
        "references": "Legal references:",
        "unverified": "not confirmed by a source",
        "unverified_head": "Note: these values and rules are not confirmed by a source and "
        "must be checked:",
        "provenance": "Made with iqcore {version}; rule book {fingerprint}; plugins: {plugins}.",
        "prognosis": "This is an estimate for counselling. Only the competent authority decides.",
    },
}


def _date(d: date, lang: str) -> str:
    return d.strftime("%d.%m.%Y") if lang == "de" else d.isoformat()


def _reference(ref: LegalReference, lang: str) -> str:
    if lang == "de":
        section = ref.section.replace(" No. ", " Nr. ") if ref.section else None
        text = f"{section} {ref.act}" if section else ref.act
        return text if ref.verified else f"{text} ({_WORDS['de']['unverified']})"
    return str(ref).replace("(unverified)", f"({_WORDS['en']['unverified']})")


def _difference_line(a: Assessment, d: SubstantialDifference, lang: str) -> str:
    w = _WORDS[lang]
    if d.basis is DifferenceBasis.DURATION:
        head = w["duration"]
    else:
        head = f"{a.area_title(d.area, lang)} ({w['content']})"
    if d.compensated_by is not None:
        ev = d.compensated_by
        how = w["by_experience"].format(months=ev.months) if ev.months else w["by_other"]
        return f"  - {head}: {how}"
    line = f"  - {head}"
    remedies = [r for r in a.remedies if r.area == d.area and r.basis is d.basis]
    options: list[str] = []
    for r in remedies:
        if r.more_experience_months:
            key = "more_months" if d.basis is DifferenceBasis.CONTENT else "more_months_duration"
            options.append(w[key].format(months=r.more_experience_months))
        if r.module and d.basis is DifferenceBasis.CONTENT:
            options.append(w["module"].format(area=a.area_title(d.area, lang)))
    if options:
        line += f". {w['would']}{w['or'].join(options)}."
    return line


def _step_line(step: NextStep, lang: str) -> str:
    text = _STEP[lang].get(step.kind, step.kind.value)
    if step.kind is NextStepKind.SUBMIT_MISSING_DOCUMENTS:
        names = [_DOCUMENT[lang].get(i, i) for i in step.items]
        return f"  - {text}" + (f": {', '.join(names)}." if names else ".")
    if step.kind is NextStepKind.ADAPTATION_QUALIFICATION:
        return f"  - {text}."
    return f"  - {text}"


def explain(a: Assessment, lang: str = "de") -> str:
    """Render *a* as plain text in German (``"de"``) or English (``"en"``)."""
    if lang not in LANGUAGES:
        raise ValueError("lang must be 'de' or 'en'")
    w = _WORDS[lang]
    title = a.occupation_title_de if lang == "de" else a.occupation_title_en
    kind = w["regulated"] if a.regulated else w["not_regulated"]
    lines = [
        w["title"],
        "",
        f"{w['occupation']}: {title} ({kind}); {w['as_of']} {_date(a.as_of, lang)}",
    ]
    if a.legal_path is not None:
        lines.append(w["law"].format(path=_PATH[lang][a.legal_path]))
    if a.route is not None:
        lines.append(w["route"].format(route=_ROUTE[lang][a.route]))
    if a.outcome is not None:
        lines.append(w["outcome"].format(outcome=_OUTCOME[lang][a.outcome]))
    else:
        lines.append(w["no_outcome"])
    if a.obstacles:
        lines += ["", w["reasons"]]
        lines += [f"  - {_OBSTACLE[lang].get(o.code, o.note)}" for o in a.obstacles]
    remaining = a.remaining
    if remaining:
        lines += ["", w["remaining"]]
        lines += [_difference_line(a, d, lang) for d in remaining]
    compensated = a.compensated
    if compensated:
        lines += ["", w["compensated"]]
        lines += [_difference_line(a, d, lang) for d in compensated]
    minor = [d for d in a.differences if not d.essential and not d.compensated]
    if minor:
        lines += ["", w["minor"]]
        lines += [f"  - {a.area_title(d.area, lang)}" for d in minor]
    if a.measures:
        lines += ["", w["measures"]]
        for m in a.measures:
            text = _MEASURE[lang][m.type]
            if m.max_months is not None:
                text += f" ({w['max_months'].format(months=m.max_months)})"
            lines.append(f"  - {text}")
        if a.applicant_chooses and len(a.measures) > 1:
            lines.append(w["chooses"])
        lines.append(w["covers"])
    if a.licensing:
        lines += ["", w["licensing"]]
        for c in a.licensing:
            scope = w["general"] if c.scope is LanguageScope.GENERAL else w["occupational"]
            status = w[c.status.value.lower()]
            language = w["german"] if c.language in ("de", "deu") else c.language
            text = f"  - {language} {c.required.value} ({scope}): {status}"
            if c.status is LicensingStatus.UNMET and c.held is not None:
                text += f" ({w['held']}: {c.held.value})"
            lines.append(text)
    if a.next_steps:
        lines += ["", w["next"]]
        lines += [_step_line(s, lang) for s in a.next_steps]
    refs: list[str] = []
    for e in a.trace:
        if e.applied:
            text = _reference(e.rule.reference, lang)
            if text not in refs:
                refs.append(text)
    if refs:
        lines += ["", w["references"], "  " + "; ".join(refs)]
    unverified: list[str] = []
    for e in a.trace:
        if not e.applied:
            continue
        if not e.rule.reference.verified:
            item = f"{e.rule.id} ({_reference(e.rule.reference, lang)})"
            if item not in unverified:
                unverified.append(item)
        for p in e.parameters:
            if not p.reference.verified:
                unit = f" {_UNITS[lang].get(p.unit, p.unit)}" if p.unit else ""
                item = f"{p.id} = {p.value}{unit}"
                if item not in unverified:
                    unverified.append(item)
    if unverified:
        lines += ["", w["unverified_head"]]
        lines += [f"  - {u}" for u in unverified]
    plugins = ", ".join(str(p) for p in a.provenance.plugins) or "-"
    lines += [
        "",
        w["prognosis"],
        w["provenance"].format(
            version=a.provenance.iqcore_version,
            fingerprint=a.provenance.rulebook_fingerprint[:12],
            plugins=plugins,
        ),
    ]
    return "\n".join(lines) + "\n"
