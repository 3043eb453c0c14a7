"""JSON Schema (draft 2020-12) generated from the model classes, checked with ``jsonschema``."""

from __future__ import annotations

import importlib.util
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from iqcore import serialization as ser
from iqcore.errors import ValidationError
from iqcore.model import (
    TOP_LEVEL_TYPES,
    Country,
    Decision,
    DocumentKind,
    EqfLevel,
    ForeignQualification,
    Migrant,
    ReferenceOccupation,
)
from test_serialization import SAMPLES

_IDS = [cls.__name__ for cls in TOP_LEVEL_TYPES]


@pytest.fixture(scope="module")
def all_schemas() -> dict[str, dict[str, Any]]:
    return ser.schemas()


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_there_is_a_schema_for_every_top_level_type(all_schemas: dict[str, Any]) -> None:
    assert {cls.__name__ for cls in TOP_LEVEL_TYPES} <= set(all_schemas)


@pytest.mark.parametrize("cls", TOP_LEVEL_TYPES, ids=_IDS)
def test_schema_is_valid_draft_2020_12(cls: type, all_schemas: dict[str, Any]) -> None:
    schema = all_schemas[cls.__name__]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    # the schema is JSON (no Python-only values slipped in)
    assert orjson.loads(orjson.dumps(schema)) == schema


@pytest.mark.parametrize("cls", TOP_LEVEL_TYPES, ids=_IDS)
def test_documents_from_to_dict_validate(cls: type, all_schemas: dict[str, Any]) -> None:
    _validator(all_schemas[cls.__name__]).validate(ser.to_dict(SAMPLES[cls]))


def test_shape_of_a_schema() -> None:
    schema = ser.json_schema(ForeignQualification)
    assert schema["title"] == "ForeignQualification"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["required"] == [
        "title_original",
        "country_of_training",
        "kind",
        "duration_months",
    ]
    props = schema["properties"]
    assert props["schema_version"]["enum"] == [1]
    assert props["country_of_training"] == {"$ref": "#/$defs/Country"}
    assert props["completed_on"]["anyOf"][0]["format"] == "date"
    assert props["completed_on"]["anyOf"][1] == {"type": "null"}
    assert props["duration_months"]["minimum"] == 1
    assert props["duration_months"]["maximum"] == 240
    assert props["competence_areas"]["uniqueItems"] is True
    assert props["documents"]["items"] == {"$ref": "#/$defs/Document"}
    defs = schema["$defs"]
    assert defs["Document"]["additionalProperties"] is False
    assert defs["DocumentKind"]["enum"] == [k.value for k in DocumentKind]
    assert defs["EqfLevel"] == {
        "title": "EqfLevel",
        "description": defs["EqfLevel"]["description"],
        "type": "integer",
        "enum": [int(level) for level in EqfLevel],
    }
    assert "DE" in defs["Country"]["enum"]
    assert "XK" in defs["Country"]["enum"]
    assert "schema_version" not in defs["WorkExperience"]["properties"]
    occupation = ser.json_schema(ReferenceOccupation)["$defs"]
    assert occupation["KldbCode"]["pattern"] == "^[0-9]{4}[1-4]$"
    assert occupation["IscoCode"]["pattern"] == "^[0-9]{4}$"


def _invalid(schema: dict[str, Any], doc: dict[str, Any]) -> bool:
    return not _validator(schema).is_valid(doc)


def test_schema_rejects_what_the_parser_rejects() -> None:
    schema = ser.json_schema(ForeignQualification)
    good = ser.to_dict(SAMPLES[ForeignQualification])
    assert not _invalid(schema, good)
    cases: list[tuple[str, Any]] = [
        ("unknown", 1),
        ("country_of_training", "QQ"),
        ("kind", "APPRENTICESHIP"),
        ("duration_months", 0),
        ("ects", 601),
        ("completed_on", "30.06.2016"),
        ("completed_on", "2016-02-30"),
        ("eqf_level", 9),
        ("isced_field", "7"),
        ("competence_areas", ["cad", "cad"]),
        ("title_original", ""),
        ("schema_version", 2),
    ]
    for key, value in cases:
        doc = {**good, key: value}
        assert _invalid(schema, doc), key
        with pytest.raises(ValidationError):
            ser.from_dict(doc, ForeignQualification)
    doc = dict(good)
    del doc["kind"]
    assert _invalid(schema, doc)
    nested = orjson.loads(orjson.dumps(good))
    nested["experience"][0]["extra"] = True
    assert _invalid(schema, nested)


def test_optional_fields_and_version_may_be_left_out() -> None:
    schema = ser.json_schema(Migrant)
    assert not _invalid(schema, {"id": "m-1"})
    assert not _invalid(schema, {"id": "m-1", "residence_state": None, "schema_version": 1})
    assert ser.from_dict({"id": "m-1", "residence_state": None}, Migrant) == Migrant(id="m-1")


def test_schema_of_a_type_with_invariants_mentions_only_field_rules() -> None:
    # invariants between fields are not expressible here; the schema still accepts the shape
    schema = ser.json_schema(Decision)
    doc = ser.to_dict(SAMPLES[Decision])
    doc["permitted_measures"] = []
    assert not _invalid(schema, doc)
    with pytest.raises(ValidationError):
        ser.from_dict(doc, Decision)


def test_country_codes_in_the_schema_are_those_the_model_accepts() -> None:
    codes = ser.json_schema(Migrant)["$defs"]["Country"]["enum"]
    assert codes == sorted(codes)
    assert len(codes) > 240
    for code in codes[::10]:
        Country(code=code)


_HAS_STRATEGIES = importlib.util.find_spec("iqcore.testing.strategies") is not None


@pytest.mark.skipif(not _HAS_STRATEGIES, reason="iqcore.testing.strategies is not there yet")
@pytest.mark.parametrize("cls", TOP_LEVEL_TYPES, ids=_IDS)
def test_strategy_generated_objects_validate(cls: type, all_schemas: dict[str, Any]) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    validator = _validator(all_schemas[cls.__name__])

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_type(cls))
    def check(obj: Any) -> None:
        doc = ser.to_dict(obj)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, [(list(e.path), e.validator) for e in errors]
        assert ser.from_dict(doc, cls) == obj

    check()
