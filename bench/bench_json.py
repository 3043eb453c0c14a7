"""JSON round trip of ForeignQualification batches: iqcore against msgspec and pydantic v2.

Run: ``python bench/bench_json.py [--n 200000] [--runs 5] [--seed 42]``. Not a test.

It generates ``--n`` realistic, seeded-random :class:`~iqcore.model.ForeignQualification` records
(nested institution, documents and work-experience entries), defines msgspec Structs and
pydantic v2 models of the same JSON document shape (same keys, same value types, comparable
constraints), and for each library encodes the whole batch as one JSON array and decodes it
again. Before timing, it checks that each library's output decodes to the same data in every
library. It prints encode, decode and round-trip rates (median of ``--runs`` runs, with
``gc.collect()`` before each run and the garbage collector left on) and the ratios of iqcore's
times to msgspec's and pydantic's. iqcore's batch functions run in its ``bulk_mode`` (a raised
GC threshold) by default; ``--no-bulk`` measures them without it.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

import msgspec
import pydantic

from iqcore import serialization as ser
from iqcore.model import (
    AnabinInstitutionStatus,
    Country,
    DirectiveLevel,
    Document,
    DocumentKind,
    EqfLevel,
    ForeignQualification,
    Institution,
    IscedField,
    IscedLevel,
    QualificationKind,
    WorkExperience,
)

# ------------------------------------------------------------------------------------------------
# Realistic records
# ------------------------------------------------------------------------------------------------

_COUNTRIES = ["SY", "UA", "TR", "IN", "PL", "RO", "AF", "IR", "RU", "BA", "XK", "PH", "BR", "TN"]
_COUNTRIES += ["MA", "EG", "RS", "AL", "VN", "CO", "NG", "ES", "IT", "GR", "BG", "HR", "MX", "PK"]
_TITLES = [
    ("Інженер-механік", "Mechanical engineer"),
    ("Медична сестра", "Nurse"),
    ("مهندس مدني", "Civil engineer"),
    ("ممرضة", "Nurse"),
    ("Elektrik teknisyeni", "Electrician"),
    ("Hemşire", "Nurse"),
    ("Ingeniero industrial", "Industrial engineer"),
    ("Enfermera", "Nurse"),
    ("Technik mechanik", "Mechanical technician"),
    ("Pielęgniarka", "Nurse"),
    ("Врач-терапевт", "General practitioner"),
    ("Kuhar", "Cook"),
    ("Lekarz dentysta", "Dentist"),
    ("Bachelor of Commerce", None),
    ("Diploma in Computer Engineering", None),
    ("Educadora de infância", "Early childhood educator"),
]
_INSTITUTIONS = [
    "National technical university",
    "State medical college",
    "Vocational school No. 3",
    "Polytechnic institute",
    "University of applied sciences",
    "Nursing school",
]
_AREAS = ["anatomy", "pharmacology", "care-planning", "hygiene", "cad", "mech-design"]
_AREAS += ["materials", "electrics", "safety", "accounting", "it-systems", "cooking"]
_OCCUPATIONS = ["Nurse", "Design engineer", "Electrician", "Cook", "Accountant", "Technician"]
_ISCED_FIELDS = ["0913", "0715", "0713", "0732", "1013", "0411", "0612", "0912", "0922"]


def make_records(n: int, seed: int) -> list[ForeignQualification]:
    """*n* seeded-random, valid qualification records (1-5 documents, 0-3 experience entries)."""
    rnd = random.Random(seed)
    kinds = list(QualificationKind)
    doc_kinds = list(DocumentKind)
    out = []
    base = date(1985, 1, 1)
    for _ in range(n):
        title, title_en = rnd.choice(_TITLES)
        kind = rnd.choice(kinds)
        higher = kind is QualificationKind.HIGHER_EDUCATION
        documents = tuple(
            Document(kind=k, available=rnd.random() < 0.9, translated=rnd.random() < 0.6)
            for k in rnd.sample(doc_kinds, rnd.randint(1, 5))
        )
        complete = all(d.available for d in documents)
        regulated = rnd.choice([True, False, None])
        experience = tuple(
            WorkExperience(
                occupation=rnd.choice(_OCCUPATIONS),
                months=rnd.randint(3, 120),
                country=Country(code=rnd.choice(_COUNTRIES)),
                evidenced=rnd.random() < 0.5,
                competence_areas=frozenset(rnd.sample(_AREAS, rnd.randint(0, 3))),
            )
            for _ in range(rnd.randint(0, 3))
        )
        out.append(
            ForeignQualification(
                title_original=title,
                country_of_training=Country(code=rnd.choice(_COUNTRIES)),
                kind=kind,
                duration_months=rnd.randint(12, 72),
                title_en=title_en,
                institution=(
                    Institution(
                        name=rnd.choice(_INSTITUTIONS),
                        anabin_status=rnd.choice(list(AnabinInstitutionStatus)),
                    )
                    if rnd.random() < 0.8
                    else None
                ),
                eqf_level=rnd.choice(list(EqfLevel)) if rnd.random() < 0.7 else None,
                isced_level=rnd.choice(list(IscedLevel)) if rnd.random() < 0.5 else None,
                isced_field=IscedField(code=rnd.choice(_ISCED_FIELDS)),
                directive_level=rnd.choice(list(DirectiveLevel)) if rnd.random() < 0.3 else None,
                ects=rnd.choice([180, 210, 240, 300]) if higher else None,
                completed_on=base + timedelta(days=rnd.randint(0, 14000)),
                documents=documents,
                documents_complete=complete,
                documents_missing_through_no_fault=(not complete) and rnd.random() < 0.3,
                competence_areas=frozenset(rnd.sample(_AREAS, rnd.randint(1, 5))),
                regulated_in_country_of_training=regulated,
                entitled_to_practise=(rnd.random() < 0.5) if regulated else None,
                experience=experience,
            )
        )
    return out


# ------------------------------------------------------------------------------------------------
# The same document shape in msgspec and pydantic v2 (with comparable constraints)
# ------------------------------------------------------------------------------------------------

_CC = r"^[A-Z]{2}$"
_ISCED = r"^[0-9]{2}([0-9]{1,2})?$"


class InstitutionM(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1)]
    anabin_status: AnabinInstitutionStatus = AnabinInstitutionStatus.NOT_LISTED


class DocumentM(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: DocumentKind
    available: bool = True
    translated: bool = False


class WorkExperienceM(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    occupation: Annotated[str, msgspec.Meta(min_length=1)]
    months: Annotated[int, msgspec.Meta(ge=1, le=600)]
    country: Annotated[str, msgspec.Meta(pattern=_CC)]
    evidenced: bool = False
    competence_areas: frozenset[str] = frozenset()


class ForeignQualificationM(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    title_original: Annotated[str, msgspec.Meta(min_length=1)]
    country_of_training: Annotated[str, msgspec.Meta(pattern=_CC)]
    kind: QualificationKind
    duration_months: Annotated[int, msgspec.Meta(ge=1, le=240)]
    title_en: Annotated[str, msgspec.Meta(min_length=1)] | None = None
    institution: InstitutionM | None = None
    eqf_level: EqfLevel | None = None
    isced_level: IscedLevel | None = None
    isced_field: Annotated[str, msgspec.Meta(pattern=_ISCED)] | None = None
    directive_level: DirectiveLevel | None = None
    ects: Annotated[int, msgspec.Meta(ge=0, le=600)] | None = None
    completed_on: date | None = None
    documents: tuple[DocumentM, ...] = ()
    documents_complete: bool = True
    documents_missing_through_no_fault: bool = False
    competence_areas: frozenset[str] = frozenset()
    regulated_in_country_of_training: bool | None = None
    entitled_to_practise: bool | None = None
    experience: tuple[WorkExperienceM, ...] = ()


_PCONF = pydantic.ConfigDict(frozen=True, extra="forbid", strict=True)
_NonEmpty = Annotated[str, pydantic.Field(min_length=1)]


class InstitutionP(pydantic.BaseModel):
    model_config = _PCONF
    name: _NonEmpty
    anabin_status: AnabinInstitutionStatus = AnabinInstitutionStatus.NOT_LISTED


class DocumentP(pydantic.BaseModel):
    model_config = _PCONF
    kind: DocumentKind
    available: bool = True
    translated: bool = False


class WorkExperienceP(pydantic.BaseModel):
    model_config = _PCONF
    occupation: _NonEmpty
    months: Annotated[int, pydantic.Field(ge=1, le=600)]
    country: Annotated[str, pydantic.Field(pattern=_CC)]
    evidenced: bool = False
    competence_areas: frozenset[str] = frozenset()


class ForeignQualificationP(pydantic.BaseModel):
    model_config = _PCONF
    title_original: _NonEmpty
    country_of_training: Annotated[str, pydantic.Field(pattern=_CC)]
    kind: QualificationKind
    duration_months: Annotated[int, pydantic.Field(ge=1, le=240)]
    title_en: _NonEmpty | None = None
    institution: InstitutionP | None = None
    eqf_level: EqfLevel | None = None
    isced_level: IscedLevel | None = None
    isced_field: Annotated[str, pydantic.Field(pattern=_ISCED)] | None = None
    directive_level: DirectiveLevel | None = None
    ects: Annotated[int, pydantic.Field(ge=0, le=600)] | None = None
    completed_on: date | None = None
    documents: tuple[DocumentP, ...] = ()
    documents_complete: bool = True
    documents_missing_through_no_fault: bool = False
    competence_areas: frozenset[str] = frozenset()
    regulated_in_country_of_training: bool | None = None
    entitled_to_practise: bool | None = None
    experience: tuple[WorkExperienceP, ...] = ()


# ------------------------------------------------------------------------------------------------
# Codecs
# ------------------------------------------------------------------------------------------------


class Codec:
    """Encode a list of records to one JSON array, and decode it again."""

    name: str
    encode: Callable[[Any], bytes]
    decode: Callable[[bytes], Any]

    def __init__(
        self, name: str, encode: Callable[[Any], bytes], decode: Callable[[bytes], Any]
    ) -> None:
        self.name, self.encode, self.decode = name, encode, decode


def codecs(bulk: bool) -> dict[str, Codec]:
    m_enc = msgspec.json.Encoder(order="deterministic")
    m_dec = msgspec.json.Decoder(list[ForeignQualificationM])
    p_ad = pydantic.TypeAdapter(list[ForeignQualificationP])

    def iq_encode(objs: Any) -> bytes:
        return ser.to_json_many(objs, bulk=bulk)

    def iq_decode(data: bytes) -> Any:
        return ser.from_json_many(data, ForeignQualification, bulk=bulk)

    return {
        "iqcore": Codec("iqcore", iq_encode, iq_decode),
        "msgspec": Codec("msgspec", m_enc.encode, m_dec.decode),
        "pydantic": Codec("pydantic", p_ad.dump_json, p_ad.validate_json),
    }


def as_records(name: str, objs: Any) -> list[ForeignQualification]:
    """A library's decoded objects, read into iqcore records (to compare with the originals)."""
    if name == "iqcore":
        return list(objs)
    if name == "msgspec":
        docs = msgspec.to_builtins(objs)
    else:
        docs = [o.model_dump(mode="json") for o in objs]
    return [ser.from_dict(d, ForeignQualification) for d in docs]


def check_equal(records: list[ForeignQualification], objects: dict[str, Any]) -> None:
    """Each library's objects hold the same data as the original records."""
    for name, objs in objects.items():
        if as_records(name, objs) != records:
            raise SystemExit(f"{name} does not decode to the same data")


def timed(fn: Callable[[Any], Any], arg: Any) -> float:
    """Seconds for one call, after a full garbage collection (the collector stays on)."""
    gc.collect()
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200_000, help="records per batch")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (the median is kept)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-bulk", action="store_true", help="iqcore without bulk_mode")
    args = parser.parse_args(argv)

    print(f"generating {args.n} ForeignQualification records (seed {args.seed}) ...", flush=True)
    records = make_records(args.n, args.seed)
    cs = codecs(bulk=not args.no_bulk)

    # Build each library's objects from iqcore's JSON (same document shape for all three).
    iq_json = cs["iqcore"].encode(records)
    sample = iq_json[: iq_json.index(b"},{") + 1].decode() if args.n > 1 else iq_json.decode()
    objects = {
        "iqcore": cs["iqcore"].decode(iq_json),
        "msgspec": msgspec.json.decode(
            msgspec.json.encode([_strip_version(d) for d in msgspec.json.decode(iq_json)]),
            type=list[ForeignQualificationM],
        ),
    }
    objects["pydantic"] = cs["pydantic"].decode(cs["msgspec"].encode(objects["msgspec"]))
    check_equal(records, objects)
    # Each library's own output reads back in that library and in iqcore (first 10,000 records).
    k = min(args.n, 10_000)
    head = {name: objs[:k] for name, objs in objects.items()}
    for name, codec in cs.items():
        data = codec.encode(head[name])
        check_equal(records[:k], {name: codec.decode(data)})
        if ser.from_json_many(data, ForeignQualification) != records[:k]:
            raise SystemExit(f"iqcore does not read {name}'s JSON as the same records")
    print(f"checked: all three decode to equal data; JSON per record ≈ {len(iq_json) // args.n} B")
    print(f"one record: {sample[1:300]}...\n")

    # Interleaved: each run times every library once, so that noise on a shared machine
    # affects all of them alike; the median of the runs is kept.
    payloads = {name: codec.encode(objects[name]) for name, codec in cs.items()}
    for name, codec in cs.items():
        codec.decode(payloads[name])  # warm-up
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in cs}
    for _ in range(args.runs):
        for name, codec in cs.items():
            times[name][0].append(timed(codec.encode, objects[name]))
            times[name][1].append(timed(codec.decode, payloads[name]))
    results = {
        name: (statistics.median(enc), statistics.median(dec)) for name, (enc, dec) in times.items()
    }

    n = args.n
    print(f"{args.n} records, median of {args.runs} runs, GC on, Python {sys.version.split()[0]}")
    print(f"{'library':10} {'encode k/s':>11} {'decode k/s':>11} {'round trip k/s':>15}")
    for name, (enc, dec) in results.items():
        print(
            f"{name:10} {n / enc / 1e3:11.0f} {n / dec / 1e3:11.0f} {n / (enc + dec) / 1e3:15.0f}"
        )
    iq_enc, iq_dec = results["iqcore"]
    for other in ("msgspec", "pydantic"):
        o_enc, o_dec = results[other]
        print(
            f"iqcore/{other:8} time ratio: encode {iq_enc / o_enc:.2f}x, "
            f"decode {iq_dec / o_dec:.2f}x, round trip {(iq_enc + iq_dec) / (o_enc + o_dec):.2f}x"
        )
    if args.no_bulk:
        print("(iqcore without bulk_mode)")
    return 0


def _strip_version(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "schema_version"}


if __name__ == "__main__":
    raise SystemExit(main())
