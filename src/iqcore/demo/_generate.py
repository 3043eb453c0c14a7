"""Writes the bundled synthetic demo data (``python -m iqcore.demo._generate``).

The data is synthetic: invented, pseudonymous cases (ids only, no names of people), a
synthetic training catalogue and synthetic programme records, made from the shipped reference
occupations and networks with a fixed random seed, so the files are the same on every run
(``tests/test_cli_demo.py`` checks that the files are what this script writes). Patterns follow
the domain notes (which countries and occupations are frequent, which areas a qualification
typically lacks), but no record describes a real person, scheme or organisation.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

__all__ = ["build", "main"]

SEED = 20240601
HERE = Path(__file__).parent
SYNTHETIC = "synthetic demo data of iqcore (not a real offer or record)"

#: (network, first day, last day) the cases of a network are counselled in: inside its phases.
NETWORKS: tuple[tuple[str, date, date], ...] = (
    ("iq-be", date(2020, 1, 6), date(2022, 6, 30)),
    ("iq-by", date(2020, 1, 6), date(2022, 6, 30)),
    ("iq-bw", date(2020, 1, 6), date(2022, 6, 30)),
    ("iq-he", date(2020, 1, 6), date(2022, 6, 30)),
    ("iq-nrw-west", date(2023, 1, 9), date(2024, 12, 20)),
    ("iq-nrw-ost", date(2023, 1, 9), date(2024, 12, 20)),
    ("rin-leipzig", date(2023, 1, 9), date(2024, 12, 20)),
    ("rin-chemnitz-dresden", date(2023, 1, 9), date(2024, 12, 20)),
)
STATES = {
    "iq-be": "DE-BE",
    "iq-by": "DE-BY",
    "iq-bw": "DE-BW",
    "iq-he": "DE-HE",
    "iq-nrw-west": "DE-NW",
    "iq-nrw-ost": "DE-NW",
    "rin-leipzig": "DE-SN",
    "rin-chemnitz-dresden": "DE-SN",
}

#: Case profiles: occupation, countries of training, qualification kind, duration in months,
#: the essential areas a qualification of this kind may lack, German level range, weight.
PROFILES: tuple[dict[str, Any], ...] = (
    {
        "occupation": "nurse",
        "countries": ["PH", "BA", "TN", "IN", "RS", "RO"],
        "kind": "VOCATIONAL_SCHOOL",
        "months": 36,
        "title": "Diploma in Nursing",
        "may_lack": ["geriatric_care", "psychiatric_care", "long_term_inpatient_care"],
        "german": ["A2", "B1", "B2"],
        "weight": 16,
    },
    {
        "occupation": "doctor",
        "countries": ["SY", "TR", "EG", "UA"],
        "kind": "HIGHER_EDUCATION",
        "months": 72,
        "title": "Doctor of Medicine",
        "may_lack": ["general_practice", "psychiatry", "hygiene"],
        "german": ["B1", "B2", "C1"],
        "weight": 10,
    },
    {
        "occupation": "engineer",
        "countries": ["SY", "IN", "IR", "UA"],
        "kind": "HIGHER_EDUCATION",
        "months": 48,
        "title": "Bachelor of Engineering",
        "may_lack": [],
        "german": ["B1", "B2"],
        "weight": 6,
    },
    {
        "occupation": "teacher",
        "countries": ["UA", "SY", "TR"],
        "kind": "HIGHER_EDUCATION",
        "months": 48,
        "title": "Teacher of Mathematics",
        "may_lack": ["second_subject", "preparatory_service", "school_law"],
        "german": ["B2", "C1"],
        "weight": 6,
    },
    {
        "occupation": "electronics_technician",
        "countries": ["TR", "XK", "BA"],
        "kind": "VOCATIONAL_SCHOOL",
        "months": 36,
        "title": "Electrical technician",
        "may_lack": ["building_automation", "energy_systems", "electrical_safety"],
        "german": ["A2", "B1", "B2"],
        "weight": 8,
    },
    {
        "occupation": "office_management_clerk",
        "countries": ["UA", "RU", "PL"],
        "kind": "VOCATIONAL_SCHOOL",
        "months": 36,
        "title": "Secretary-clerk",
        "may_lack": ["bookkeeping", "human_resources"],
        "german": ["B1", "B2"],
        "weight": 8,
    },
    {
        "occupation": "it_specialist_application_development",
        "countries": ["IN", "VN", "UA"],
        "kind": "VOCATIONAL_SCHOOL",
        "months": 24,
        "title": "Diploma in Software Development",
        "may_lack": ["it_security", "databases"],
        "german": ["A2", "B1"],
        "weight": 5,
    },
    {
        "occupation": "cook",
        "countries": ["VN", "TR", "IT"],
        "kind": "VOCATIONAL_SCHOOL",
        "months": 24,
        "title": "Cook",
        "may_lack": ["kitchen_hygiene", "menu_planning"],
        "german": ["A2", "B1"],
        "weight": 5,
    },
    {
        "occupation": "physiotherapist",
        "countries": ["TN", "ES", "IN"],
        "kind": "HIGHER_EDUCATION",
        "months": 48,
        "title": "Bachelor of Physiotherapy",
        "may_lack": ["massage_physical_therapy", "movement_therapy"],
        "german": ["B1", "B2"],
        "weight": 4,
    },
    {
        "occupation": "automotive_mechatronics_technician",
        "countries": ["TR", "XK", "SY"],
        "kind": "VOCATIONAL_SCHOOL",
        "months": 36,
        "title": "Automotive technician",
        "may_lack": ["high_voltage_systems", "vehicle_diagnostics"],
        "german": ["A2", "B1"],
        "weight": 4,
    },
)

N_CASES = 120
LANGUAGE_OF = {
    "PH": "tl",
    "BA": "bs",
    "TN": "ar",
    "IN": "hi",
    "RS": "sr",
    "RO": "ro",
    "SY": "ar",
    "TR": "tr",
    "EG": "ar",
    "UA": "uk",
    "IR": "fa",
    "XK": "sq",
    "RU": "ru",
    "PL": "pl",
    "VN": "vi",
    "IT": "it",
    "ES": "es",
}
REFERRALS = ["SELF", "JOBCENTER", "EMPLOYMENT_AGENCY", "SOCIAL_ENVIRONMENT", "INTERNET"]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _cases(rng: random.Random) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from iqcore import reference_data as rd

    weights = [p["weight"] for p in PROFILES]
    cases: list[dict[str, Any]] = []
    procedures: dict[str, Any] = {}
    for i in range(1, N_CASES + 1):
        profile = rng.choices(PROFILES, weights)[0]
        network, first, last = NETWORKS[(i - 1) % len(NETWORKS)]
        occupation = rd.occupation(profile["occupation"])
        essential = [a.id for a in occupation.competence_areas if a.essential]
        lack = [a for a in profile["may_lack"] if rng.random() < 0.5]
        if profile["may_lack"] and not lack and rng.random() < 0.4:
            lack = [rng.choice(profile["may_lack"])]
        if rng.random() < 0.05:  # a qualification with too little in common
            lack = [a for a in essential[1:] if a not in profile["may_lack"][:1]]
        covered = sorted(a for a in essential if a not in lack)
        country = rng.choice(profile["countries"])
        as_of = _day(rng, first, last)
        case_id = f"demo-case-{i:03d}"
        migrant_id = f"demo-person-{i:03d}"
        german = rng.choice(profile["german"])
        experience = []
        if lack and rng.random() < 0.3:
            experience.append(
                {
                    "occupation": profile["title"],
                    "months": rng.choice([12, 18, 24, 36]),
                    "country": country,
                    "evidenced": True,
                    "competence_areas": [lack[0]],
                }
            )
        qualification: dict[str, Any] = {
            "title_original": profile["title"],
            "country_of_training": country,
            "kind": profile["kind"],
            "duration_months": profile["months"],
            "completed_on": date(as_of.year - rng.randrange(2, 12), 7, 1).isoformat(),
            "competence_areas": covered,
            "experience": experience,
        }
        if occupation.regulated:
            qualification["regulated_in_country_of_training"] = True
            qualification["entitled_to_practise"] = True
        birth = as_of.year - rng.randrange(24, 52)
        applicant = {
            "id": migrant_id,
            "nationalities": [country if country != "XK" else "XK"],
            "residence_country": "DE",
            "residence_state": STATES[network],
            "arrival_year": max(birth + 20, as_of.year - rng.randrange(0, 6)),
            "birth_year": birth,
            "gender": rng.choice(["FEMALE", "MALE", "FEMALE", "MALE", "NOT_STATED"]),
            "languages": [
                {"language": "de", "level": german, "certified": rng.random() < 0.7},
                {"language": LANGUAGE_OF[country], "level": "C2"},
            ],
            "consents": [
                {"purpose": "COUNSELLING", "given_on": as_of.isoformat()},
                {"purpose": "STATISTICS", "given_on": as_of.isoformat()},
            ],
        }
        cases.append(
            {
                "id": case_id,
                "as_of": as_of.isoformat(),
                "network": network,
                "occupation": profile["occupation"],
                "qualification": qualification,
                "applicant": applicant,
            }
        )
        received = as_of + timedelta(days=rng.randrange(7, 45))
        complete = None
        if rng.random() < 0.9:
            complete = received + timedelta(days=rng.randrange(5, 70))
        decision_days = None
        if complete is not None and rng.random() < 0.85:
            decision_days = rng.randrange(20, 120)
        procedures[case_id] = {
            "opened_on": as_of.isoformat(),
            "referral_source": rng.choice(REFERRALS),
            "received_on": received.isoformat(),
            "complete_on": None if complete is None else complete.isoformat(),
            "decision_days": decision_days,
        }
    return cases, procedures


def _runs(rng: random.Random, first: date, months: int, every: int) -> list[dict[str, Any]]:
    runs = []
    day = first
    for _ in range(months // every):
        runs.append({"starts_on": day.isoformat(), "capacity": rng.choice([8, 12, 15, 20])})
        year, month = divmod(day.month - 1 + every, 12)
        day = date(day.year + year, month + 1, 1)
    return runs


def _catalogue(rng: random.Random) -> list[dict[str, Any]]:
    """Schemes for every profile's areas: per network and some online; language courses."""
    from iqcore import reference_data as rd

    schemes: list[dict[str, Any]] = []
    networks = [n for n, _f, _l in NETWORKS]
    for profile in PROFILES:
        occ = rd.occupation(profile["occupation"])
        areas = [a for a in occ.competence_areas if a.essential]
        if occ.regulated:
            kinds: list[tuple[str, dict[str, Any]]] = [
                ("exam", {"measure_type": "KNOWLEDGE_EXAM"}),
                ("adaptation", {"measure_type": "ADAPTATION_PERIOD"}),
            ]
            prereq = {"level": "B2"} if occ.id in ("doctor", "teacher") else {"level": "B1"}
        else:
            kinds = [
                ("course", {"adaptation_form": "COURSE"}),
                ("company", {"adaptation_form": "IN_COMPANY"}),
            ]
            prereq = {"level": "A2"}
        for label, extra in kinds:
            places = [*rng.sample(networks, 3), None]
            for net in places:
                short = "-".join(w[:4] for w in occ.id.split("_"))
                sid = f"demo-{short}-{label}-{net or 'online'}"
                modules = [
                    {
                        "id": f"m-{a.id.replace('_', '-')}",
                        "title": a.title_en,
                        "hours": rng.choice([40, 60, 80, 120, 160]),
                        "covers": [a.id],
                        "weeks": rng.choice([2, 3, 4, 6, 8]),
                    }
                    for a in areas
                ]
                schemes.append(
                    {
                        "id": sid,
                        "title": f"{occ.title_en}: {label} preparation (demo)",
                        "provider": "Demo provider (synthetic)",
                        "priority_area": "QUALIFICATION_RECOGNITION_ACT",
                        "source": SYNTHETIC,
                        "network_id": net,
                        "target_occupations": [occ.id],
                        "modules": modules,
                        "language_prerequisite": prereq,
                        "delivery": "ONLINE" if net is None else "IN_PERSON",
                        "runs": _runs(rng, date(2020, 1, 1), 72, rng.choice([3, 4, 6])),
                        "unverified": ["provider", "modules", "runs"],
                        **extra,
                    }
                )
    for level, hours in (("B1", 300), ("B2", 300), ("C1", 200)):
        for net in [*networks, None]:
            schemes.append(
                {
                    "id": f"demo-german-{level.lower()}-{net or 'online'}",
                    "title": f"German course to {level} (demo)",
                    "provider": "Demo language school (synthetic)",
                    "priority_area": "QUALIFICATION_RECOGNITION_ACT",
                    "source": SYNTHETIC,
                    "network_id": net,
                    "modules": [
                        {"id": "m-german", "title": f"German {level}", "hours": hours, "weeks": 12}
                    ],
                    "teaches_language": {"level": level},
                    "delivery": "ONLINE" if net is None else "IN_PERSON",
                    "runs": _runs(rng, date(2020, 1, 1), 72, 3),
                    "unverified": ["provider", "modules", "runs"],
                }
            )
    return schemes


_ORG_KINDS_SUBPROJECT = (
    "COUNSELLING_CENTRE",
    "ADULT_EDUCATION_CENTRE",
    "CHAMBER",
    "MIGRANT_ORGANISATION",
    "PUBLIC_ADMINISTRATION",
)
_AREA_BY_PHASE = {
    "2019-2022": [
        "RECOGNITION_QUALIFICATION_COUNSELLING",
        "QUALIFICATION_RECOGNITION_ACT",
        "INTERCULTURAL_COMPETENCE",
        "REGIONAL_SKILLED_WORKER_NETWORKS",
    ],
    "2023-2025": [
        "RECOGNITION_QUALIFICATION_COUNSELLING",
        "QUALIFICATION_RECOGNITION_ACT",
        "INTERCULTURAL_COMPETENCE",
        "FAIR_INTEGRATION",
    ],
}

#: The partners of the example regional workshop: the statutory bodies the IQ Saxony good
#: practice names, with the steps each is responsible for and a contact point (a function).
WORKSHOP_PARTNERS: tuple[tuple[str, str, list[str], str, int, bool], ...] = (
    (
        "EMPLOYMENT_AGENCY",
        "Employment agency (example region)",
        ["PLACEMENT", "QUALIFICATION", "RECOGNITION_COUNSELLING"],
        "Team for migrants and refugees",
        3,
        True,
    ),
    (
        "JOB_CENTRE",
        "Job centre (example region)",
        ["BENEFITS", "PLACEMENT", "LANGUAGE_COURSE"],
        "Migration officer",
        3,
        True,
    ),
    (
        "JOINT_EMPLOYER_SERVICE",
        "Joint employer service (example region)",
        ["EMPLOYER_SERVICE"],
        "Employer service desk",
        2,
        False,
    ),
    (
        "FEDERAL_MIGRATION_OFFICE",
        "Federal Office for Migration and Refugees, regional office (example)",
        ["INTEGRATION_COURSE", "LANGUAGE_COURSE"],
        "Regional coordinator for integration courses",
        2,
        False,
    ),
    (
        "IMMIGRATION_COUNSELLING",
        "Immigration counselling for adults (example)",
        ["FIRST_CONTACT", "SOCIAL_COUNSELLING"],
        "Counselling service desk",
        2,
        False,
    ),
    (
        "IMMIGRATION_AUTHORITY",
        "Central immigration authority (example)",
        ["RESIDENCE_AND_WORK_PERMIT"],
        "Unit for residence for employment",
        2,
        False,
    ),
    (
        "SOCIAL_WELFARE_OFFICE",
        "Social welfare office (example municipality)",
        ["BENEFITS", "SOCIAL_COUNSELLING"],
        "Unit for asylum seekers' benefits",
        2,
        False,
    ),
    (
        "ADULT_EDUCATION_CENTRE",
        "Adult education centre (example municipality)",
        ["LANGUAGE_COURSE", "INTEGRATION_COURSE"],
        "Programme area German as a second language",
        2,
        False,
    ),
    (
        "COUNSELLING_CENTRE",
        "IQ recognition and qualification counselling (example)",
        ["RECOGNITION_COUNSELLING", "RECOGNITION_PROCEDURE", "QUALIFICATION"],
        "Recognition counselling team",
        2,
        True,
    ),
)


def _programme(rng: random.Random) -> dict[str, Any]:
    subprojects = []
    staff = []
    for network, first, _last in NETWORKS:
        phase = "2019-2022" if first.year < 2023 else "2023-2025"
        for k, area in enumerate(_AREA_BY_PHASE[phase]):
            for j in range(rng.randrange(1, 3)):
                kind = rng.choice(_ORG_KINDS_SUBPROJECT)
                subprojects.append(
                    {
                        "id": f"demo-sp-{network}-{k}{j}",
                        "name": f"Demo subproject {k + 1}.{j + 1} ({network})",
                        "network_id": network,
                        "priority_area": area,
                        "phase": phase,
                        "implementing_organisation": {
                            "id": f"demo-org-{network}-{k}{j}",
                            "name": f"Demo organisation ({kind.lower().replace('_', ' ')})",
                            "kind": kind,
                            "state": STATES[network],
                            "network_id": network,
                        },
                    }
                )
        start = date(2020, 3, 1) if phase == "2019-2022" else date(2023, 3, 1)
        for j, kind in enumerate(("EMPLOYMENT_AGENCY", "JOB_CENTRE", "PUBLIC_ADMINISTRATION")):
            if rng.random() < 0.8:
                staff.append(
                    {
                        "id": f"demo-staff-{network}-{j}",
                        "network_id": network,
                        "organisation_kind": kind,
                        "phase": phase,
                        "completed_on": (
                            start + timedelta(days=rng.randrange(300, 600))
                        ).isoformat(),
                        "participants": rng.choice([2, 3, 6, 8, 10, 12, 15]),
                        "scheme_id": "demo-intercultural-ambassadors",
                    }
                )
    partners = []
    organisers = []
    for k, (kind, name, steps, contact, people, organiser) in enumerate(WORKSHOP_PARTNERS):
        org_id = f"demo-workshop-org-{k + 1}"
        partners.append(
            {
                "organisation": {
                    "id": org_id,
                    "name": name,
                    "kind": kind,
                    "state": "DE-SN",
                    "network_id": "rin-leipzig",
                },
                "responsibilities": steps,
                "contact_point": contact,
                "participants": people,
            }
        )
        if organiser:
            organisers.append(org_id)
    workshop = {
        "id": "demo-workshop-leipzig",
        "name": "Regional workshop on labour-market integration (example, Leipzig region)",
        "network_id": "rin-leipzig",
        "partners": partners,
        "organisers": organisers,
    }
    staff_scheme = {
        "id": "demo-intercultural-ambassadors",
        "title": "Intercultural ambassadors: one year, five two-day modules (demo)",
        "provider": "Demo IQ subproject (synthetic)",
        "priority_area": "INTERCULTURAL_COMPETENCE",
        "source": SYNTHETIC,
        "audience": "STAFF",
        "modules": [
            {"id": f"m-{n}", "title": f"Module {n}", "hours": 16, "weeks": 1} for n in range(1, 6)
        ],
        "unverified": ["provider", "modules"],
    }
    return {
        "source": SYNTHETIC,
        "subprojects": subprojects,
        "staff_trainings": staff,
        "staff_schemes": [staff_scheme],
        "workshops": [workshop],
    }


def build() -> dict[str, bytes]:
    """The demo data files, by name."""
    rng = random.Random(SEED)
    cases, procedures = _cases(rng)
    catalogue = _catalogue(rng)
    programme = _programme(rng)
    opts = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    return {
        "cases.jsonl": b"".join(orjson.dumps(c) + b"\n" for c in cases),
        "procedures.json": orjson.dumps(procedures, option=opts | orjson.OPT_SORT_KEYS),
        "catalogue.json": b"[\n" + b",\n".join(orjson.dumps(s) for s in catalogue) + b"\n]\n",
        "programme.json": orjson.dumps(programme, option=opts),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the files into this package's folder (or the folder given)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else HERE
    for name, data in build().items():
        (target / name).write_bytes(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
