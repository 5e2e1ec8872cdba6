"""Properties that hold for every input, found by Hypothesis: the manuscript's edits and diffs, and the
request models at the server's edge (any unicode, lone surrogates, huge integers, control characters,
empty and enormous inputs)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from inkborn.errors import InvalidInput
from inkborn.manuscript import apply_edit, diff, normalize
from inkborn.server.inputs import MAX_ID, MAX_SEED, one_line, text
from inkborn.server.openai_api import ChatRequest
from inkborn.server.rest import NewCharacter, Retry, Revert, Save, Say

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
CONTROLS = st.sampled_from("\x00\x01\t\n\r\x0b\x0c\x1b\x7f\x85\x9f")
ANY_CHAR = st.one_of(st.characters(), SURROGATES, CONTROLS)
ANY_TEXT = st.text(ANY_CHAR, max_size=60)
PROSE = st.text(st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from("\n\n\r\n .")), max_size=200)
HUGE = st.one_of(st.integers(), st.integers(min_value=2**63 - 5, max_value=2**70), st.integers(max_value=-(2**63)),
                 st.just(2**63), st.just(2**32))


def _crlf(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


# the manuscript ----------------------------------------------------------------------------------------


@PROPERTY
@given(PROSE)
def test_normalizing_twice_changes_nothing_more(value):
    once = normalize(value)
    assert normalize(once) == once
    assert once == "" or (once.endswith("\n") and not once[:-1].endswith(("\n", " ")) and "\r" not in once)


@PROPERTY
@given(PROSE.map(normalize), PROSE)
def test_append_keeps_the_manuscript_and_ends_with_the_passage(manuscript, passage):
    assume(passage.strip())
    result = apply_edit(manuscript, "append", new=passage)
    assert result.startswith(manuscript.rstrip("\n"))
    assert result.endswith(_crlf(passage).rstrip() + "\n")
    if manuscript and not passage.startswith(("\n", "\r")):
        assert "\n\n" + _crlf(passage).rstrip() in result  # a paragraph of its own
    assert result == normalize(result)


@st.composite
def with_a_passage(draw: st.DrawFn) -> tuple[str, str]:
    """A normalized manuscript and a passage cut from it that occurs in it once."""
    manuscript = normalize(draw(PROSE))
    assume(manuscript)
    start = draw(st.integers(0, len(manuscript) - 1))
    end = draw(st.integers(start + 1, min(len(manuscript), start + 40)))
    passage = manuscript[start:end]
    assume(manuscript.count(passage) == 1)
    return manuscript, passage


@PROPERTY
@given(with_a_passage(), PROSE)
def test_replacing_a_unique_passage_changes_it_and_nothing_around_it(found, new):
    manuscript, old = found
    start = manuscript.index(old)
    result = apply_edit(manuscript, "replace", old=old, new=new)
    assert result == normalize(manuscript[:start] + new + manuscript[start + len(old):])


@PROPERTY
@given(PROSE.map(normalize), PROSE)
def test_replacing_a_passage_found_once_can_be_undone(manuscript, new):
    assume(manuscript.strip())
    old = manuscript.strip().split("\n")[0]  # the first line: found at least once
    assume(manuscript.count(old) == 1 and new.strip() and "\r" not in new and new.strip() == new)
    changed = apply_edit(manuscript, "replace", old=old, new=new)
    assume(changed.count(new) == 1)
    assert apply_edit(changed, "replace", old=new, new=old) == manuscript


@PROPERTY
@given(with_a_passage())
def test_deleting_a_unique_passage_leaves_tidy_lines(found):
    manuscript, old = found
    result = apply_edit(manuscript, "delete", old=old)
    assert result == normalize(result)
    assert "\n\n\n" not in result and all(line == line.rstrip() for line in result.split("\n"))


@PROPERTY
@given(ANY_TEXT, st.sampled_from(["append", "replace", "delete", "insert", ""]), ANY_TEXT, ANY_TEXT)
def test_an_edit_either_applies_or_says_why(manuscript, op, old, new):
    try:
        result = apply_edit(manuscript, op, old=old, new=new)
    except InvalidInput as refused:
        assert str(refused)
    else:
        assert result == normalize(result)


@PROPERTY
@given(PROSE)
def test_the_diff_of_a_text_with_itself_is_empty(value):
    assert diff(value, value) == ""


@PROPERTY
@given(PROSE, PROSE)
def test_a_diff_applied_to_the_old_text_gives_the_new(old, new):
    changes = diff(old, new)
    assert (changes == "") == (old.splitlines() == new.splitlines())
    assert patch(old.splitlines(), changes) == new.splitlines()


def patch(lines: list[str], unified: str) -> list[str]:
    """Apply a unified diff made by `diff` to a text's lines (a test's own small reader of the format)."""
    out: list[str] = []
    at = 0
    for line in unified.split("\n")[2:]:  # after the ---/+++ header
        if hunk := re.match(r"@@ -(\d+)(?:,(\d+))? ", line):
            start = int(hunk[1]) - (0 if hunk[2] == "0" else 1)
            out += lines[at:start]
            at = start
        elif line.startswith(" "):
            out.append(line[1:])
            at += 1
        elif line.startswith("-"):
            at += 1
        elif line.startswith("+"):
            out.append(line[1:])
    return out + lines[at:]


# the request models at the server's edge -------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), HUGE, st.floats(allow_nan=False), ANY_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(ANY_TEXT, inner, max_size=3)),
    max_leaves=8,
)
ENORMOUS = st.builds(lambda c, n: c * n, st.one_of(st.characters(), CONTROLS, SURROGATES), st.integers(0, 300_000))


def fields(*names: str) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies whose keys are the model's own (or not), with values of every JSON kind and then some."""
    value = st.one_of(JSON_VALUES, ENORMOUS, HUGE)
    return st.dictionaries(st.one_of(st.sampled_from(names), ANY_TEXT), value, max_size=len(names) + 1)


CHAT_MESSAGES = st.lists(st.fixed_dictionaries({"role": st.sampled_from(["user", "system", "assistant"])},
                                               optional={"content": st.one_of(ANY_TEXT, ENORMOUS, st.none(), st.lists(
                                                   st.fixed_dictionaries({"type": st.just("text")},
                                                                         optional={"text": ANY_TEXT}), max_size=2))}),
                         max_size=3)
BODIES = [
    (NewCharacter, fields("slug", "manuscript", "name")),
    (Save, fields("text", "base_revision")),
    (Revert, fields("number")),
    (Say, fields("text", "as", "seed")),
    (Retry, fields("as", "seed")),
    (ChatRequest, fields("model", "messages", "stream", "seed", "user")),
    (ChatRequest, st.fixed_dictionaries({"model": ANY_TEXT, "messages": CHAT_MESSAGES},
                                        optional={"seed": HUGE, "user": ANY_TEXT})),
]


def strings_and_ints(value: Any) -> tuple[list[str], list[int]]:
    """Every string and integer a validated model holds, its own fields and nested ones."""
    strings: list[str] = []
    ints: list[int] = []

    def walk(v: Any) -> None:
        if isinstance(v, BaseModel):
            for name in type(v).model_fields:
                walk(getattr(v, name))
        elif isinstance(v, bool) or v is None:
            return
        elif isinstance(v, str):
            strings.append(v)
        elif isinstance(v, int):
            ints.append(v)
        elif isinstance(v, (list, tuple)):
            for item in v:
                walk(item)

    walk(value)
    return strings, ints


@pytest.mark.parametrize(("model", "bodies"), BODIES, ids=[f"{m.__name__}-{i}" for i, (m, _) in enumerate(BODIES)])
def test_a_request_model_either_validates_or_refuses_never_anything_else(model, bodies):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(bodies)
    def check(body: dict[str, Any]) -> None:
        try:
            validated = model.model_validate(body)
        except ValidationError:
            return
        strings, ints = strings_and_ints(validated)
        for s in strings:
            s.encode("utf-8")  # what passes can be stored: no lone surrogate anywhere
        assert all(0 <= i <= MAX_ID for i in ints)

    check()


@PROPERTY
@given(fields("text", "as", "seed"))
def test_what_a_say_lets_through_fits_the_store_and_the_model(body):
    try:
        said = Say.model_validate(body)
    except ValidationError:
        return
    assert said.seed is None or 0 <= said.seed <= MAX_SEED
    assert said.as_ is None or not any(unicodedata.category(c) == "Cc" for c in said.as_)
    assert len(said.text) <= 20_000


@PROPERTY
@given(fields("slug", "manuscript", "name"))
def test_a_new_characters_names_are_one_line(body):
    try:
        new = NewCharacter.model_validate(body)
    except ValidationError:
        return
    for name in (new.slug, new.name or ""):
        assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in name)


@PROPERTY
@given(st.text(ANY_CHAR, max_size=200))
def test_text_and_one_line_return_their_input_or_say_which_character(value):
    for check in (text, one_line):
        try:
            assert check(value) is value
        except ValueError as refused:
            assert re.match(r"character \d+ is a ", str(refused))
