"""The shipped reference data: counts, sources, codes, look-ups, lazy loading, consistency."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import unicodedata
from collections.abc import Callable
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

import iqcore
from iqcore import reference_data as rd
from iqcore.errors import ConfigurationError, IqcoreError, NotFound
from iqcore.model import (
    AuthorityKind,
    CefrLevel,
    FederalState,
    FundingPhase,
    KldbCode,
    LanguageScope,
    LawLevel,
    LegalBasis,
    PriorityArea,
    QualificationKind,
    ReferenceOccupation,
    RegionalNetwork,
    RegulationStatus,
    SectoralProfession,
)
from iqcore.serialization import from_dict

#: KldB 2010 codes that domain notes §4 lists as verified (source [S20]).
VERIFIED_KLDB = frozenset({"26301", "53241", "82101", "29222", "73212"})
#: ISCO-08 codes the notes confirm: none (their examples are marked general knowledge).
VERIFIED_ISCO: frozenset[str] = frozenset()

DATA_FILES = (
    "states.json",
    "programme.json",
    "networks.json",
    "sectoral_professions.json",
    "occupations.json",
    "authorities.json",
    "isced_f.json",
)


def _occ(occupation_id: str) -> ReferenceOccupation:
    return rd.occupation(occupation_id)


# --------------------------------------------------------------------------------------------
# Files and sources
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_has_schema_version_and_description(name: str) -> None:
    raw = json.loads(
        resources.files("iqcore.reference_data").joinpath("data", name).read_text("utf-8")
    )
    assert raw["schema_version"] == 1
    assert raw["description"].strip()


def _all_records() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    out += [("state", r) for r in rd.states()]
    out += [("phase", r) for r in rd.funding_phases()]
    out += [("priority_area", r) for r in rd.priority_areas()]
    out += [("expert_body", r) for r in rd.expert_bodies()]
    out += [("network", r) for r in rd.networks()]
    out += [("sectoral", r) for r in rd.sectoral_professions()]
    out += [("occupation", r) for r in rd.occupations()]
    out += [("authority", r) for r in rd.authorities()]
    out += [("isced", r) for r in rd.isced_fields()]
    return out


def test_every_record_has_a_source() -> None:
    records = _all_records()
    assert len(records) > 200
    for kind, record in records:
        source = getattr(record, "source", None)
        assert isinstance(source, str), kind
        assert source.strip(), kind


def test_records_cite_a_source_key_or_the_programme_texts() -> None:
    cited = ("[S", "iq-texts/", "domain notes", "http")
    for kind, record in _all_records():
        if kind in ("state", "isced"):
            continue
        source = str(getattr(record, "source", ""))
        assert any(c in source for c in cited), kind


def test_no_contact_person_details_in_data() -> None:
    for name in DATA_FILES:
        text = resources.files("iqcore.reference_data").joinpath("data", name).read_text("utf-8")
        assert "@" not in text, name
        assert "Tel." not in text, name
        assert "+49" not in text, name


# --------------------------------------------------------------------------------------------
# Länder and sectoral professions
# --------------------------------------------------------------------------------------------


def test_sixteen_laender_match_the_enum() -> None:
    states = rd.states()
    assert len(states) == 16
    assert {s.state for s in states} == set(FederalState)
    for s in states:
        assert s.name_de == s.state.name_de
        assert s.name_en == s.state.name_en
    assert rd.state_info("DE-NW").name_en == "North Rhine-Westphalia"
    assert rd.state_info(FederalState.TH).name_de == "Thüringen"


def test_seven_sectoral_professions_point_to_matching_occupations() -> None:
    profs = rd.sectoral_professions()
    assert len(profs) == 7
    assert {p.profession for p in profs} == set(SectoralProfession)
    for p in profs:
        occ = _occ(p.occupation_id)
        assert occ.sectoral is p.profession
        assert occ.regulated
        assert "annex_v" in p.unverified  # Annex V points are general knowledge
        assert p.annex_v.startswith("V.")
    assert rd.sectoral_profession("ARCHITECT").occupation_id == "architect"
    with pytest.raises(NotFound):
        rd.sectoral_profession("ASTRONAUT")


# --------------------------------------------------------------------------------------------
# Reference occupations
# --------------------------------------------------------------------------------------------


def test_at_least_thirty_occupations_with_unique_ids() -> None:
    occs = rd.occupations()
    assert len(occs) >= 30
    assert len({o.id for o in occs}) == len(occs)


def test_every_category_is_present() -> None:
    occs = rd.occupations()
    federal_health = {
        o.id
        for o in occs
        if o.regulated and o.law is LawLevel.FEDERAL and o.legal_basis is LegalBasis.FACHRECHT_BUND
    }
    assert {"doctor", "nurse", "pharmacist", "dentist", "midwife", "physiotherapist"} <= (
        federal_health
    )
    laender = {o.id for o in occs if o.regulated and o.law is LawLevel.STATE}
    assert {"teacher", "educator", "engineer", "social_worker", "architect"} <= laender
    dual = {
        o.id
        for o in occs
        if not o.regulated and o.qualification_kind is QualificationKind.VOCATIONAL_DUAL
    }
    assert {
        "electronics_technician",
        "industrial_mechanic",
        "office_management_clerk",
        "it_specialist_application_development",
        "cook",
        "automotive_mechatronics_technician",
    } <= dual
    assert len(dual) >= 10
    academic = [
        o
        for o in occs
        if not o.regulated and o.qualification_kind is QualificationKind.HIGHER_EDUCATION
    ]
    assert {"economist", "mathematician"} <= {o.id for o in academic}
    assert all(o.legal_basis is LegalBasis.LISBON_CONVENTION for o in academic)


def test_key_occupations_have_their_legal_facts() -> None:
    doctor = _occ("doctor")
    assert doctor.sectoral is SectoralProfession.DOCTOR
    assert "BÄO" in doctor.legal_reference
    assert {a.id for a in doctor.essential_areas} >= {"internal_medicine", "surgery"}
    nurse = _occ("nurse")
    assert nurse.sectoral is SectoralProfession.NURSE_GENERAL_CARE
    assert "PflBG" in nurse.legal_reference
    assert _occ("architect").sectoral is SectoralProfession.ARCHITECT
    assert _occ("architect").law is LawLevel.STATE
    engineer = _occ("engineer")
    assert engineer.nominal_duration_months == 36  # a degree of at least 3 years [S16]
    assert _occ("industrial_mechanic").area("electro_pneumatics").essential
    assert _occ("office_management_clerk").area("bookkeeping").title_en.startswith("Bookkeeping")
    assert _occ("geriatric_care_assistant").nominal_duration_months == 12
    assert _occ("sales_assistant").eqf_level == 3  # 2-year dual apprenticeship: DQR 3
    assert _occ("cook").eqf_level == 4  # 3-year dual apprenticeship: DQR 4


def test_every_occupation_is_complete() -> None:
    for o in rd.occupations():
        assert len(o.competence_areas) >= 3, o.id
        assert o.essential_areas, o.id
        assert o.nominal_duration_months >= 12, o.id
        assert o.legal_reference.strip(), o.id
        for a in o.competence_areas:
            assert a.title_de.strip()
            assert a.title_en.strip()


def test_language_requirements_for_licensure() -> None:
    doctor = {(r.scope, r.level) for r in _occ("doctor").language_requirements}
    assert doctor == {
        (LanguageScope.GENERAL, CefrLevel.B2),
        (LanguageScope.OCCUPATIONAL, CefrLevel.C1),
    }
    assert "language_requirements" not in _occ("doctor").unverified
    nurse = {(r.scope, r.level) for r in _occ("nurse").language_requirements}
    assert nurse == {(LanguageScope.GENERAL, CefrLevel.B2)}
    for o in rd.occupations():
        if not o.regulated:
            assert o.language_requirements == (), o.id
        elif o.id not in ("doctor", "nurse") and o.language_requirements:
            assert "language_requirements" in o.unverified, o.id


def test_kldb_and_isco_codes_are_verified_or_marked() -> None:
    with_kldb = [o for o in rd.occupations() if o.kldb is not None]
    assert with_kldb
    for o in with_kldb:
        assert o.kldb is not None
        assert o.kldb.code in VERIFIED_KLDB or "kldb" in o.unverified, o.id
    for o in rd.occupations():
        if o.isco is not None:
            assert o.isco.code in VERIFIED_ISCO or "isco" in o.unverified, o.id
    # The verified ones are not needlessly marked.
    assert "kldb" not in _occ("baker").unverified
    assert "kldb" not in _occ("geriatric_care_assistant").unverified


def test_competence_areas_are_marked_unless_a_source_lists_them() -> None:
    sourced = {"teacher", "engineer"}  # [S15] and [S16]/[S28] list their areas
    for o in rd.occupations():
        if o.id in sourced:
            assert "competence_areas" not in o.unverified, o.id
        else:
            assert "competence_areas" in o.unverified, o.id


# --------------------------------------------------------------------------------------------
# Look-ups
# --------------------------------------------------------------------------------------------


def test_by_kldb() -> None:
    assert [o.id for o in rd.by_kldb("29222")] == ["baker"]
    assert [o.id for o in rd.by_kldb(KldbCode(code="82101"))] == ["geriatric_care_assistant"]
    assert rd.by_kldb("99994") == ()
    assert rd.by_kldb("not a code") == ()


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Arzt", "doctor"),
        ("arzt", "doctor"),
        ("ÄRZTIN", "doctor"),
        ("aerztin", "doctor"),
        ("Ärztin/Arzt", "doctor"),
        ("physician", "doctor"),
        ("Doctor", "doctor"),
        ("NURSE", "nurse"),
        ("pflegefachmann", "nurse"),
        ("Koch", "cook"),
        ("köchin", "cook"),
        ("buero", "office_management_clerk"),
        ("Büromanagement", "office_management_clerk"),
        ("ingenieur", "engineer"),
        ("Engineer", "engineer"),
        ("Lehrkraft", "teacher"),
        ("Erzieher", "educator"),
        ("Kfz-Mechatroniker", "automotive_mechatronics_technician"),
        ("Fachinformatiker", "it_specialist_application_development"),
        ("  industrie mechanikerin ", None),
        ("Industriemechaniker", "industrial_mechanic"),
        ("Hebamme", "midwife"),
        ("volkswirt", "economist"),
    ],
)
def test_find_occupations_by_title(query: str, first: str | None) -> None:
    found = rd.find_occupations(query)
    if first is None:
        assert found == ()
    else:
        assert found, query
        assert found[0].id == first


def test_find_occupations_ranks_alternatives_before_substrings() -> None:
    ids = [o.id for o in rd.find_occupations("Arzt")]
    assert ids[0] == "doctor"
    assert {"dentist", "veterinarian"} <= set(ids[1:])
    ids = [o.id for o in rd.find_occupations("pflege")]
    assert ids.index("nurse") < ids.index("geriatric_care_assistant")


def test_find_occupations_blank_and_unknown() -> None:
    assert rd.find_occupations("") == ()
    assert rd.find_occupations("   ") == ()
    assert rd.find_occupations("Astronautin") == ()


def test_fold_text() -> None:
    assert rd.fold_text("Straße") == "strasse"
    assert rd.fold_text("ÄRZTIN") == "arztin"
    assert rd.fold_text("  Köchin \t Koch ") == "kochin koch"


def _strip_accents(text: str) -> str:
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c))


@given(
    occ=st.sampled_from(rd.occupations()),
    lang=st.sampled_from(["de", "en"]),
    transform=st.sampled_from([str.upper, str.lower, str.swapcase, _strip_accents, str.casefold]),
)
def test_every_title_finds_its_occupation_first(
    occ: ReferenceOccupation, lang: str, transform: object
) -> None:
    title = occ.title_de if lang == "de" else occ.title_en
    assert callable(transform)
    found = rd.find_occupations(transform(title))
    assert found[0] == occ


def test_not_found_errors_are_typed_and_do_not_echo_input() -> None:
    secret = "Zzsecret-Value-1234"
    calls: list[Callable[[], object]] = [
        lambda: rd.occupation(secret),
        lambda: rd.network(secret),
        lambda: rd.expert_body(secret),
        lambda: rd.authority(secret),
        lambda: rd.isced_field(secret),
        lambda: rd.funding_phase(secret),
        lambda: rd.priority_areas(secret),
        lambda: rd.networks(state=secret),
        lambda: rd.state_info(secret),
    ]
    for call in calls:
        with pytest.raises(NotFound) as info:
            call()
        assert isinstance(info.value, IqcoreError)
        assert isinstance(info.value, KeyError)
        assert secret.lower() not in str(info.value).lower()


# --------------------------------------------------------------------------------------------
# Programme: phases, priority areas, expert bodies
# --------------------------------------------------------------------------------------------


def test_one_record_per_funding_phase() -> None:
    phases = rd.funding_phases()
    assert [p.phase for p in phases] == list(FundingPhase)
    p2015 = rd.funding_phase("2015-2018")
    assert p2015.administered_by == "BAMF"
    assert "ESF" in p2015.funders
    assert "BMAS" in p2015.funders
    assert "23" in rd.funding_phase(FundingPhase.P2023_2025).structure


def test_priority_areas_agree_with_the_enum() -> None:
    records = rd.priority_areas()
    pairs = [(r.area, r.phase) for r in records]
    assert len(pairs) == len(set(pairs))
    expected = {(a, p) for a in PriorityArea for p in a.phases}
    assert set(pairs) == expected
    for r in records:
        assert r.number == r.area.number(r.phase)
        assert r.description.strip()
        assert r.title_en.strip()


def test_three_areas_in_2015_and_four_in_2019() -> None:
    numbers_2015 = sorted(r.number for r in rd.priority_areas("2015-2018") if r.number)
    assert numbers_2015 == [1, 2, 3]
    numbered_2019 = {r.number for r in rd.priority_areas("2019-2022") if r.number}
    assert numbered_2019 == {1, 2, 3, 4}
    main_2019 = [
        r for r in rd.priority_areas("2019-2022") if r.area is not PriorityArea.FAIR_INTEGRATION
    ]
    assert len(main_2019) == 4
    area4 = next(r for r in main_2019 if r.number == 4)
    assert area4.area is PriorityArea.REGIONAL_SKILLED_WORKER_NETWORKS


def test_expert_bodies_per_phase() -> None:
    names_2023 = {b.name for b in rd.expert_bodies("2023-2025")}
    assert names_2023 == {
        "IQ Fachstelle Anerkennung und Qualifizierung",
        "IQ Fachstelle Faire Integration",
        "IQ Fachstelle Einwanderung und Integration",
    }
    assert len(rd.expert_bodies("2011-2014")) == 5
    assert len(rd.expert_bodies("2019-2022")) == 5
    assert rd.expert_bodies("2015-2018")  # only those a source names (of five)
    assert rd.caveat("fs-migrantenoekonomie")


# --------------------------------------------------------------------------------------------
# Regional networks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["2015-2018", "2019-2022"])
def test_one_landesnetzwerk_per_land(phase: str) -> None:
    nets = rd.networks(phase)
    assert len(nets) == 16
    assert {n.state for n in nets} == set(FederalState)


def test_networks_since_2023() -> None:
    nrw = {n.id for n in rd.networks(FundingPhase.P2023_2025, FederalState.NW)}
    assert {"iq-nrw-west", "iq-nrw-ost"} <= nrw
    assert rd.network("iq-nrw-west").name == "IQ NRW – West"
    assert rd.network("iq-nrw-ost").state is FederalState.NW
    assert len(rd.networks("2023-2025")) <= 23
    assert rd.networks(state="DE-NW", phase="2015-2018")[0].id == "iq-nw"


def test_unconfirmed_network_names_carry_a_caveat() -> None:
    assert rd.caveat("iq-bw")
    assert rd.caveat("iq-nrw-ost") is None
    assert rd.caveat("no-such-record") is None
    for n in rd.networks():
        assert n.source.strip()


def test_registry_merges_plugin_networks() -> None:
    base = rd.network_registry()
    extra = from_dict(
        {
            "id": "test-net",
            "name": "Test network",
            "state": "DE-HB",
            "phases": ["2023-2025"],
            "source": "test",
        },
        RegionalNetwork,
    )
    merged = base.merged([extra], origin="test-plugin")
    assert merged.get("test-net") == extra
    assert merged.origin("test-net") == "test-plugin"
    assert merged.origin("iq-hb") == "iqcore"
    assert extra in merged.select("2023-2025", "DE-HB")
    with pytest.raises(NotFound):
        base.get("test-net")  # the shipped registry is unchanged
    with pytest.raises(ConfigurationError):
        merged.merged([extra], origin="other-plugin")
    with pytest.raises(ConfigurationError):
        base.merged([rd.network("iq-nw")], origin="other-plugin")


# --------------------------------------------------------------------------------------------
# Competent authorities
# --------------------------------------------------------------------------------------------


def test_authorities_refer_to_known_occupations() -> None:
    ids = {o.id for o in rd.occupations()}
    for a in rd.authorities():
        assert a.occupations <= ids, a.id
        assert a.note, a.id


def test_every_occupation_has_a_competent_body_in_every_land() -> None:
    for o in rd.occupations():
        for state in FederalState:
            assert rd.find_authority(o.id, state), (o.id, state)


def test_find_authority() -> None:
    assert rd.find_authority("industrial_mechanic", "DE-BY")[0].kind is AuthorityKind.IHK_FOSA
    assert rd.find_authority("baker", "DE-HH")[0].kind is AuthorityKind.HWK
    assert rd.find_authority("economist")[0].kind is AuthorityKind.ZAB
    nrw = rd.find_authority("doctor", FederalState.NW)
    assert nrw[0].id == "zag-ah-nrw"
    assert nrw[-1].nationwide
    bavaria = {a.id for a in rd.find_authority("doctor", "DE-BY")}
    assert {"reg-oberbayern", "reg-unterfranken"} <= bavaria
    assert "rp-stuttgart" in {a.id for a in rd.find_authority("nurse", "DE-BW")}
    assert all(a.nationwide for a in rd.find_authority("doctor"))
    assert rd.find_authority("no-such-occupation", "DE-BE") == ()
    assert rd.authority("ihk-fosa").website == "https://www.ihk-fosa.de"


# --------------------------------------------------------------------------------------------
# ISCED-F 2013
# --------------------------------------------------------------------------------------------


def test_isced_fields_form_a_hierarchy() -> None:
    fields = rd.isced_fields()
    codes = [f.field.code for f in fields]
    assert len(codes) == len(set(codes))
    code_set = set(codes)
    broad = {c for c in codes if len(c) == 2}
    assert broad == {"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "99"}
    for c in codes:
        if len(c) == 3:
            assert c[:2] in code_set, c
        if len(c) == 4:
            assert c[:3] in code_set, c
    assert rd.isced_field("0912").title_en == "Medicine"
    assert rd.isced_field("0913").level == "detailed"
    assert rd.isced_field("09").level == "broad"


def test_isced_verified_flags_follow_the_notes() -> None:
    verified = {f.field.code for f in rd.isced_fields() if f.verified}
    assert verified == {"00", "01", "02", "03", "04", "05", "06", "0114", "0411", "0611"}
    assert not rd.isced_field("07").verified


# --------------------------------------------------------------------------------------------
# Lazy loading
# --------------------------------------------------------------------------------------------

_PROBE = textwrap.dedent(
    """
    import json, sys
    opened = []
    def hook(event, args):
        if event == "open" and isinstance(args[0], str) and "reference_data" in args[0]:
            if args[0].endswith(".json"):
                opened.append(args[0].rsplit("/", 1)[-1])
    sys.addaudithook(hook)
    import iqcore
    after_import = list(opened)
    heavy = [m for m in ("pycountry", "sqlite3", "click", "typer", "rich") if m in sys.modules]
    from iqcore import reference_data as rd
    rd.occupations(); rd.occupations(); rd.find_occupations("Arzt"); rd.by_kldb("29222")
    print(json.dumps({"after_import": after_import, "heavy": heavy, "all": opened}))
    """
)


def test_import_iqcore_reads_no_data_file_and_loaders_cache() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["after_import"] == []
    assert result["heavy"] == []
    assert result["all"] == ["occupations.json"]  # read once, then cached


def test_iqcore_package_still_exposes_the_model() -> None:
    assert iqcore.ReferenceOccupation is ReferenceOccupation
    assert RegulationStatus.REGULATED.value == "REGULATED"
