"""Merge patch: the RFC 7386 appendix A examples, the real server's deviations, and a diff round trip."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.testing.patching import PatchError, apply_merge_patch

# RFC 7386 appendix A: (original, patch, result). The two scalar/null patches are listed separately below.
RFC7386_EXAMPLES: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("doc", "patch", "expected"), RFC7386_EXAMPLES)
def test_rfc7386_appendix_a(doc: Any, patch: Any, expected: Any) -> None:
    original = copy.deepcopy(doc)
    assert apply_merge_patch(doc, patch) == expected
    assert doc == original


@pytest.mark.parametrize("patch", [None, "bar", 3, True])
def test_null_and_scalar_patches_are_refused_like_the_server(patch: Any) -> None:
    # RFC 7386 would return the patch itself; kube-apiserver answers 400 "Invalid JSON Patch".
    with pytest.raises(PatchError) as info:
        apply_merge_patch({"a": "foo"}, patch)
    assert info.value.code == 400
    assert info.value.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Invalid JSON Patch",
        "reason": "BadRequest",
        "code": 400,
    }


def test_added_members_lose_nulls_even_inside_arrays() -> None:
    # json-patch v4 prunes nulls from what it adds, descending into arrays of objects.
    assert apply_merge_patch({}, {"a": [{"b": None, "c": 1}, None]}) == {"a": [{"c": 1}, None]}
    # ...but a replacement of an existing object member is taken as sent.
    assert apply_merge_patch({"a": {"x": 1}}, {"a": [{"b": None}]}) == {"a": [{"b": None}]}


def test_patch_is_not_aliased_into_the_result() -> None:
    patch = {"a": {"b": [1]}}
    out = apply_merge_patch({}, patch)
    out["a"]["b"].append(2)
    assert patch == {"a": {"b": [1]}}


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _diff(doc: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """A merge patch turning doc into target (target holds no nulls: merge patch cannot set one)."""
    patch: dict[str, Any] = {key: None for key in doc if key not in target}
    for key, value in target.items():
        if key in doc and isinstance(doc[key], dict) and isinstance(value, dict):
            sub = _diff(doc[key], value)
            if sub:
                patch[key] = sub
        elif key not in doc or not _same(doc[key], value):
            patch[key] = value
    return patch


scalars = st.booleans() | st.integers(-50, 50) | st.text(max_size=3)
objects = st.recursive(
    st.dictionaries(st.sampled_from("abcd"), scalars, max_size=3),
    lambda inner: st.dictionaries(st.sampled_from("abcd"), scalars | inner | st.lists(scalars, max_size=2), max_size=3),
    max_leaves=10,
)


@given(doc=objects, target=objects)
def test_applying_the_diff_reaches_the_target(doc: dict[str, Any], target: dict[str, Any]) -> None:
    assert _same(apply_merge_patch(doc, _diff(doc, target)), target)


@given(doc=objects)
def test_empty_patch_is_identity(doc: dict[str, Any]) -> None:
    assert _same(apply_merge_patch(doc, {}), doc)
