"""The fast canonical JSON path writes exactly the stdlib text (stored body hashes depend on it)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_cloud import ingest

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _stdlib(body: object) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@settings(max_examples=300)
@given(st.dictionaries(st.text(), _VALUES, max_size=6))
def test_canonical_json_is_the_stdlib_text(body: dict) -> None:
    try:
        expected = _stdlib(body)
    except UnicodeEncodeError:  # pragma: no cover - stdlib json never raises this itself
        return
    assert ingest.canonical_json(body) == expected


def test_floats_and_huge_integers_take_the_stdlib_path() -> None:
    body = {"b": 1e-05, "a": [2**65, "\u00e9\u2028\x1f"], "c": {"z": None, "y": True}}
    assert ingest.canonical_json(body) == _stdlib(body)
    assert ingest.canonical_json({"n": 1e-05}) == '{"n":1e-05}'  # orjson would write 0.00001
