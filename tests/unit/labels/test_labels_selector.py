from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient import labels
from kubeclient.labels import LabelSelectorError, Operator, Requirement


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("", ""),
        ("app=web", "app=web"),
        ("app==web", "app==web"),
        ("tier!=db , app", "app,tier!=db"),
        ("app in (b, a),!beta", "app in (a,b),!beta"),
        ("env notin (prod)", "env notin (prod)"),
        ("x>3,y<10", "x>3,y<10"),
        ("example.com/owner=team-a", "example.com/owner=team-a"),
        ("app=", "app="),
    ],
)
def test_parse_prints_canonical_form(text: str, canonical: str) -> None:
    sel = labels.parse(text)
    assert str(sel) == canonical
    assert labels.parse(str(sel)) == sel


@pytest.mark.parametrize(
    ("text", "lbls", "expected"),
    [
        ("app in (a,b),!beta", {"app": "a"}, True),
        ("app in (a,b),!beta", {"app": "a", "beta": ""}, False),
        ("app notin (a)", {}, True),
        ("app!=a", {"app": "b"}, True),
        ("app", {"app": ""}, True),
        ("x>3", {"x": "4"}, True),
        ("x>3", {"x": "three"}, False),
        ("x<3", {}, False),
        ("", {"any": "thing"}, True),
    ],
)
def test_matching(text: str, lbls: dict[str, str], expected: bool) -> None:
    assert labels.parse(text).matches(lbls) is expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a=b=c", "position 3"),
        ("=x", "expected a label key"),
        ("a in (b", "expected a value"),
        ("a in b", r"expected '\('"),
        ("a,", "after ','"),
        ("-bad=x", "invalid label key"),
        ("a=-bad", "invalid label value"),
        ("x>three", "must be an integer"),
        ("Bad_Prefix.com/a=b", "prefix part"),
    ],
)
def test_errors_say_where(text: str, fragment: str) -> None:
    with pytest.raises(LabelSelectorError, match=fragment):
        labels.parse(text)


def test_nothing_everything_and_sets() -> None:
    assert not labels.nothing().matches({})
    assert labels.everything().matches({"a": "b"}) and labels.everything().empty()
    assert str(labels.selector_from_set({"b": "2", "a": "1"})) == "a=1,b=2"
    sel = labels.from_label_selector(
        {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["x", "y"]}]}
    )
    assert str(sel) == "app=web,tier in (x,y)"
    assert not labels.from_label_selector(None).matches({})
    with pytest.raises(LabelSelectorError, match=r"matchExpressions\[0\].operator"):
        labels.from_label_selector({"matchExpressions": [{"key": "a", "operator": "Near"}]})


def test_builder_adds_requirements() -> None:
    sel = labels.everything().add(Requirement("app", Operator.IN, ("b", "a")), Requirement("gen", Operator.EXISTS))
    assert str(sel) == "app in (a,b),gen"


keys = st.from_regex(r"\A([a-z]{1,5}\.[a-z]{2,3}/)?[a-z][a-z0-9]{0,6}\Z")
values = st.from_regex(r"\A[a-z0-9]([a-z0-9._-]{0,5}[a-z0-9])?\Z")
requirements = st.one_of(
    st.builds(lambda k, v: Requirement(k, Operator.EQUALS, (v,)), keys, values),
    st.builds(lambda k, v: Requirement(k, Operator.NOT_EQUALS, (v,)), keys, values),
    st.builds(lambda k, vs: Requirement(k, Operator.IN, tuple(vs)), keys, st.lists(values, min_size=1, max_size=3)),
    st.builds(lambda k, vs: Requirement(k, Operator.NOT_IN, tuple(vs)), keys, st.lists(values, min_size=1, max_size=3)),
    st.builds(lambda k: Requirement(k, Operator.EXISTS), keys),
    st.builds(lambda k: Requirement(k, Operator.DOES_NOT_EXIST), keys),
    st.builds(lambda k, n: Requirement(k, Operator.GREATER_THAN, (str(n),)), keys, st.integers(-5, 5)),
)


def reference_match(req: Requirement, lbls: dict[str, str]) -> bool:
    has = req.key in lbls
    v = lbls.get(req.key)
    match req.operator:
        case Operator.EQUALS | Operator.IN:
            return has and v in req.values
        case Operator.NOT_EQUALS | Operator.NOT_IN:
            return not has or v not in req.values
        case Operator.EXISTS:
            return has
        case Operator.DOES_NOT_EXIST:
            return not has
        case _:
            return has and v is not None and v.lstrip("-").isdigit() and int(v) > int(req.values[0])


@given(st.lists(requirements, max_size=5), st.dictionaries(keys, st.one_of(values, st.integers(-6, 6).map(str))))
def test_round_trip_and_matching_agree_with_reference(reqs: list[Requirement], lbls: dict[str, str]) -> None:
    sel = labels.everything().add(*reqs)
    text = str(sel)
    assert labels.parse(text) == sel
    assert sel.matches(lbls) == all(reference_match(r, lbls) for r in reqs)
