"""JSON round trip is the identity for every public type, and ``to_json`` is deterministic."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, given, settings

import iqcore.model as model
from iqcore.serialization import SCHEMA_VERSION, from_dict, from_json, to_dict, to_json
from iqcore.testing.strategies import STRATEGIES, strategy_for

TOP_LEVEL = list(model.TOP_LEVEL_TYPES)
#: Codes are written as plain strings inside other documents (``"SY"``), not as documents of
#: their own; their round trip is covered by every type that holds one.
CODE_TYPES = {model.Country, model.IscedField, model.IscoCode, model.KldbCode}
NESTED = sorted(
    (c for c in STRATEGIES if attrs.has(c) and c not in TOP_LEVEL and c not in CODE_TYPES),
    key=lambda c: c.__name__,
)

ROUNDTRIP = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
NESTED_ROUNDTRIP = settings(ROUNDTRIP, max_examples=15)


def _check_round_trip(obj: Any) -> None:
    cls = type(obj)
    data = to_json(obj)
    assert isinstance(data, bytes)
    back = from_json(data, cls)
    assert back == obj
    assert type(back) is cls
    # Deterministic: the same object, and the object read back, give the same bytes.
    assert to_json(obj) == data
    assert to_json(back) == data
    # The dict form is the JSON form.
    as_dict = to_dict(obj)
    assert orjson.loads(data) == as_dict
    assert from_dict(as_dict, cls) == obj


@pytest.mark.parametrize("cls", TOP_LEVEL, ids=lambda c: c.__name__)
def test_json_round_trip_is_the_identity_for_top_level_types(cls: type) -> None:
    @ROUNDTRIP
    @given(strategy_for(cls))
    def check(obj: Any) -> None:
        _check_round_trip(obj)
        document = orjson.loads(to_json(obj))
        assert next(iter(document)) == "schema_version"
        assert document["schema_version"] == SCHEMA_VERSION

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check()


@pytest.mark.parametrize("cls", NESTED, ids=lambda c: c.__name__)
def test_json_round_trip_is_the_identity_for_nested_types(cls: type) -> None:
    @NESTED_ROUNDTRIP
    @given(strategy_for(cls))
    def check(obj: Any) -> None:
        _check_round_trip(obj)

    check()


def test_every_public_attrs_class_is_covered() -> None:
    covered = set(TOP_LEVEL) | set(NESTED) | CODE_TYPES
    public = {c for c in STRATEGIES if attrs.has(c)}
    assert covered == public


@ROUNDTRIP
@given(strategy_for(model.Migrant))
def test_sets_are_written_in_a_canonical_order(migrant: model.Migrant) -> None:
    # Build the same sets in reverse insertion order: the bytes must not change.
    backwards: list[model.Country] = sorted(migrant.nationalities, reverse=True)
    # (passed as a dict: mypy's attrs plugin cannot type the ``frozenset`` converter here)
    changes: dict[str, Any] = {"nationalities": frozenset(backwards)}
    reordered = attrs.evolve(migrant, **changes)
    assert reordered == migrant
    assert to_json(reordered) == to_json(migrant)


_HASH_SEED_SCRIPT = """
import hashlib, warnings
from hypothesis import given, settings, HealthCheck
import iqcore.model as model
from iqcore.serialization import to_json
from iqcore.testing.strategies import strategy_for
digest = hashlib.sha256()
for cls in model.TOP_LEVEL_TYPES:
    @settings(max_examples=6, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy_for(cls))
    def run(obj):
        digest.update(to_json(obj))
    run()
print(digest.hexdigest())
"""


def test_to_json_does_not_depend_on_the_hash_seed() -> None:
    """Frozensets iterate in an order that depends on PYTHONHASHSEED; the bytes must not."""
    digests = set()
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", _HASH_SEED_SCRIPT],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert out.returncode == 0, out.stderr
        digests.add(out.stdout.strip())
    assert len(digests) == 1
