"""JSON patch: the RFC 6902 appendix A examples, and the real server's deviations and error texts."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.testing.patching import PatchError, apply_json_patch

# RFC 6902 appendix A: (section, document, patch, expected result or None for an error).
RFC6902_EXAMPLES: list[tuple[str, Any, list[dict[str, Any]], Any]] = [
    ("A.1", {"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}], {"baz": "qux", "foo": "bar"}),
    (
        "A.2",
        {"foo": ["bar", "baz"]},
        [{"op": "add", "path": "/foo/1", "value": "qux"}],
        {"foo": ["bar", "qux", "baz"]},
    ),
    ("A.3", {"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
    ("A.4", {"foo": ["bar", "qux", "baz"]}, [{"op": "remove", "path": "/foo/1"}], {"foo": ["bar", "baz"]}),
    (
        "A.5",
        {"baz": "qux", "foo": "bar"},
        [{"op": "replace", "path": "/baz", "value": "boo"}],
        {"baz": "boo", "foo": "bar"},
    ),
    (
        "A.6",
        {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
        [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
        {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}},
    ),
    (
        "A.7",
        {"foo": ["all", "grass", "cows", "eat"]},
        [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
        {"foo": ["all", "cows", "eat", "grass"]},
    ),
    (
        "A.8",
        {"baz": "qux", "foo": ["a", 2, "c"]},
        [{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}],
        {"baz": "qux", "foo": ["a", 2, "c"]},
    ),
    ("A.9", {"baz": "qux"}, [{"op": "test", "path": "/baz", "value": "bar"}], None),
    (
        "A.10",
        {"foo": "bar"},
        [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
        {"foo": "bar", "child": {"grandchild": {}}},
    ),
    (
        "A.11",
        {"foo": "bar"},
        [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}],
        {"foo": "bar", "baz": "qux"},
    ),
    ("A.12", {"foo": "bar"}, [{"op": "add", "path": "/baz/bat", "value": "qux"}], None),
    ("A.14", {"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": 10}], {"/": 9, "~1": 10}),
    ("A.15", {"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": "10"}], None),
    (
        "A.16",
        {"foo": ["bar"]},
        [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
        {"foo": ["bar", ["abc", "def"]]},
    ),
]


@pytest.mark.parametrize(
    ("section", "doc", "patch", "expected"), RFC6902_EXAMPLES, ids=[e[0] for e in RFC6902_EXAMPLES]
)
def test_rfc6902_appendix_a(section: str, doc: Any, patch: list[dict[str, Any]], expected: Any) -> None:
    original = copy.deepcopy(doc)
    if expected is None:
        with pytest.raises(PatchError) as info:
            apply_json_patch(doc, patch)
        assert info.value.code == 422
    else:
        assert apply_json_patch(doc, patch) == expected
    assert doc == original, "the input document must not be modified"


@pytest.mark.parametrize(
    ("doc", "ops", "detail"),
    [
        ({"baz": "qux"}, [{"op": "test", "path": "/baz", "value": "bar"}], "testing value /baz failed: test failed"),
        (
            {"foo": "bar"},
            [{"op": "add", "path": "/baz/bat", "value": 1}],
            'add operation does not apply: doc is missing path: "/baz/bat": missing value',
        ),
        (
            {"a": {}},
            [{"op": "remove", "path": "/a/b"}],
            "error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value",
        ),
        (
            {"a": [1]},
            [{"op": "add", "path": "/a/5", "value": 1}],
            "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced",
        ),
        (
            {"a": [1]},
            [{"op": "add", "path": "/a/x", "value": 1}],
            "error in add for path: '/a/x': value was not a proper array index: 'x': "
            'strconv.Atoi: parsing "x": invalid syntax',
        ),
        (
            {"a": [1]},
            [{"op": "replace", "path": "/a/3", "value": 1}],
            "replace operation does not apply: doc is missing key: /a/3: missing value",
        ),
        ({"a": 1}, [{"op": "frob", "path": "/a"}], "Unexpected kind: frob"),
        ({"a": 1}, [{"path": "/a"}], "Unexpected kind: unknown"),
        (
            {"a": 1},
            [{"op": "add", "path": "", "value": {}}],
            'add operation does not apply: doc is missing path: "": missing value',
        ),
    ],
)
def test_failures_are_worded_like_the_server(doc: Any, ops: list[dict[str, Any]], detail: str) -> None:
    with pytest.raises(PatchError) as info:
        apply_json_patch(doc, ops)
    err = info.value
    assert (err.code, err.detail, str(err)) == (422, detail, detail)
    # The real server replaces the detail of a 422 by a fixed sentence in the Status it sends.
    assert err.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid",
        "details": {},
        "code": 422,
    }


def test_malformed_patches_are_bad_requests() -> None:
    with pytest.raises(PatchError) as info:
        apply_json_patch({}, {"op": "add"})
    assert info.value.code == 400
    assert info.value.status()["message"] == "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
    assert info.value.status()["reason"] == "BadRequest"
    with pytest.raises(PatchError) as info:
        apply_json_patch({}, ["add"])
    assert info.value.detail == "json: cannot unmarshal string into Go value of type jsonpatch.Operation"


def test_too_many_operations_is_413() -> None:
    ops = [{"op": "test", "path": "/a", "value": 1}] * 10001
    with pytest.raises(PatchError) as info:
        apply_json_patch({"a": 1}, ops)
    assert info.value.code == 413
    assert info.value.status()["message"] == (
        "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"
    )
    assert apply_json_patch({"a": 1}, ops[:10000]) == {"a": 1}


def test_server_quirks_are_kept() -> None:
    # replace of a missing member adds it; negative indices count from the end; replace at the root swaps the doc.
    assert apply_json_patch({}, [{"op": "replace", "path": "/a", "value": 1}]) == {"a": 1}
    assert apply_json_patch({"a": [1, 2, 3]}, [{"op": "remove", "path": "/a/-1"}]) == {"a": [1, 2]}
    assert apply_json_patch({"a": 1}, [{"op": "replace", "path": "", "value": {"b": 2}}]) == {"b": 2}
    # null and missing are the same to test; copy from a missing member copies null.
    assert apply_json_patch({"a": None}, [{"op": "test", "path": "/b", "value": None}]) == {"a": None}
    assert apply_json_patch({"a": {}}, [{"op": "copy", "from": "/a/x", "path": "/b"}]) == {"a": {}, "b": None}
    # 1 and 1.0 differ to test, as raw JSON does.
    with pytest.raises(PatchError):
        apply_json_patch({"a": 1}, [{"op": "test", "path": "/a", "value": 1.0}])


def test_copy_is_deep_and_operations_see_earlier_ones() -> None:
    doc = {"a": {"b": [1]}}
    out = apply_json_patch(
        doc,
        [
            {"op": "copy", "from": "/a", "path": "/c"},
            {"op": "add", "path": "/c/b/-", "value": 2},
            {"op": "test", "path": "/a/b", "value": [1]},
        ],
    )
    assert out == {"a": {"b": [1]}, "c": {"b": [1, 2]}}


def test_a_failing_operation_applies_nothing() -> None:
    doc = {"a": 1}
    with pytest.raises(PatchError):
        apply_json_patch(doc, [{"op": "add", "path": "/b", "value": 2}, {"op": "test", "path": "/a", "value": 2}])
    assert doc == {"a": 1}


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


json_scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=5)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
keys = st.text(alphabet="ab/~01", min_size=1, max_size=4)


@given(doc=st.dictionaries(keys, json_values, max_size=4), key=keys, value=json_values)
def test_add_then_remove_is_identity(doc: dict[str, Any], key: str, value: Any) -> None:
    doc.pop(key, None)
    pointer = "/" + _escape(key)
    patched = apply_json_patch(doc, [{"op": "add", "path": pointer, "value": value}])
    assert patched[key] == value
    assert json.dumps(apply_json_patch(patched, [{"op": "remove", "path": pointer}])) == json.dumps(doc)


@given(items=st.lists(json_values, max_size=5), value=json_values, data=st.data())
def test_array_insert_then_remove_is_identity(items: list[Any], value: Any, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(items)))
    doc = {"list": items}
    inserted = apply_json_patch(doc, [{"op": "add", "path": f"/list/{index}", "value": value}])
    assert inserted["list"][index] == value and len(inserted["list"]) == len(items) + 1
    assert apply_json_patch(inserted, [{"op": "remove", "path": f"/list/{index}"}]) == doc
