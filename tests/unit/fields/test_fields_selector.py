from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient import fields
from kubeclient.fields import FieldSelectorError


def test_parse_and_match() -> None:
    sel = fields.parse("status.phase!=Running,metadata.name=web-0")
    assert str(sel) == "metadata.name=web-0,status.phase!=Running"
    assert sel.matches({"metadata.name": "web-0", "status.phase": "Pending"})
    assert not sel.matches({"metadata.name": "web-0", "status.phase": "Running"})
    assert sel.requires("metadata.name") == "web-0" and sel.requires("status.phase") is None
    assert fields.parse("").empty() and fields.everything().matches({})


def test_escapes() -> None:
    sel = fields.parse(r"a=x\,y\=z\\")
    assert sel.terms[0].value == "x,y=z\\"
    assert fields.parse(str(sel)) == sel


@pytest.mark.parametrize("bad", ["nofield", "=x", r"a=b\q", "a=b=c", "a=b\\"])
def test_errors(bad: str) -> None:
    with pytest.raises(FieldSelectorError, match="invalid field selector"):
        fields.parse(bad)


@given(st.dictionaries(st.from_regex(r"\A[a-z][a-z.]{0,8}[a-z]\Z"), st.text(max_size=8), max_size=4))
def test_round_trip(values: dict[str, str]) -> None:
    sel = fields.selector_from_set(values)
    assert fields.parse(str(sel)) == sel
    assert sel.matches(values)
