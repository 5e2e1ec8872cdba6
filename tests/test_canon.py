"""Canon: the manuscript read sentence by sentence, and the fresh edits between two revisions."""

from inkborn.canon import FreshEdit, fresh_edits, sentences
from inkborn.manuscript import apply_edit

RUBY = """# Ruby

Ruby is twenty-six and she
paints in a small studio in Lyon. She hates
the sea.

## Habits

She drinks tea at four. Every day!
"""


# sentences -----------------------------------------------------------------------


def test_wrapped_lines_are_joined():
    assert sentences("Ruby is twenty-six and she\npaints in Lyon.\n") == ["Ruby is twenty-six and she paints in Lyon."]


def test_sentence_spanning_a_wrap_is_one_sentence():
    assert sentences("She hates\nthe sea. She likes tea.\n") == ["She hates the sea.", "She likes tea."]


def test_headings_are_kept_whole_without_hashes():
    assert sentences(RUBY) == [
        "Ruby",
        "Ruby is twenty-six and she paints in a small studio in Lyon.",
        "She hates the sea.",
        "Habits",
        "She drinks tea at four.",
        "Every day!",
    ]


def test_heading_with_a_full_stop_is_not_split():
    assert sentences("# Dr. Ruby Vance. A life.\n") == ["Dr. Ruby Vance. A life."]


def test_heading_directly_above_prose():
    assert sentences("# Ruby\nShe paints. She sings.\n") == ["Ruby", "She paints.", "She sings."]


def test_paragraphs_do_not_run_together():
    # no full stop at the end of the first paragraph: it still ends there
    assert sentences("She paints\n\nShe sings.\n") == ["She paints", "She sings."]


def test_blank_lines_with_spaces_separate_paragraphs():
    assert sentences("One.\n   \nTwo.\n") == ["One.", "Two."]


def test_list_items_are_sentences():
    assert sentences("Likes:\n- tea\n* old maps\n") == ["Likes:", "tea", "old maps"]


def test_lowercase_after_a_full_stop_does_not_split():
    assert sentences("She paints, e.g. portraits. Then she rests.") == [
        "She paints, e.g. portraits.",
        "Then she rests.",
    ]


def test_questions_exclamations_and_ellipses():
    assert sentences("Why? Because! Well\u2026 Maybe.") == ["Why?", "Because!", "Well\u2026", "Maybe."]


def test_closing_quotes_and_brackets_stay_with_their_sentence():
    assert sentences('She said "Hi." Then she left. (It rained.) Next day.') == [
        'She said "Hi."',
        "Then she left.",
        "(It rained.)",
        "Next day.",
    ]
    assert sentences("\u201cNo.\u201d She smiled.") == ["\u201cNo.\u201d", "She smiled."]


def test_empty_text_has_no_sentences():
    assert sentences("") == []
    assert sentences("\n \n\n") == []


# fresh_edits ----------------------------------------------------------------------


def test_appended_sentence_is_added():
    new = apply_edit(RUBY, "append", new="Ruby speaks French fluently.")
    assert fresh_edits(RUBY, new) == [FreshEdit("added", new="Ruby speaks French fluently.")]


def test_sentence_added_mid_paragraph():
    old = "She paints. She hates the sea.\n"
    new = "She paints. She sings. She hates the sea.\n"
    assert fresh_edits(old, new) == [FreshEdit("added", new="She sings.")]


def test_replaced_passage_is_changed_with_old_and_new():
    new = apply_edit(RUBY, "replace", old="She hates\nthe sea.", new="She loves the sea.")
    assert fresh_edits(RUBY, new) == [FreshEdit("changed", old="She hates the sea.", new="She loves the sea.")]


def test_deleted_sentence_spanning_a_line_wrap_is_removed():
    new = apply_edit(RUBY, "delete", old=" She hates\nthe sea.")
    assert "hates" not in new
    assert fresh_edits(RUBY, new) == [FreshEdit("removed", old="She hates the sea.")]


def test_no_change_is_no_edit():
    assert fresh_edits(RUBY, RUBY) == []


def test_rewrapping_is_no_edit():
    rewrapped = RUBY.replace("and she\npaints", "and she paints").replace("She hates\nthe sea.", "She\nhates the sea.")
    assert rewrapped != RUBY
    assert fresh_edits(RUBY, rewrapped) == []


def test_two_replaced_and_one_extra_sentence():
    old = "A one. B two.\n"
    new = "A uno. B dos. C tres.\n"
    assert fresh_edits(old, new) == [
        FreshEdit("changed", old="A one.", new="A uno."),
        FreshEdit("changed", old="B two.", new="B dos."),
        FreshEdit("added", new="C tres."),
    ]


def test_edits_come_in_manuscript_order():
    old = "First. Second. Third.\n"
    new = "Zeroth. First. Third.\n"
    assert fresh_edits(old, new) == [FreshEdit("added", new="Zeroth."), FreshEdit("removed", old="Second.")]


def test_from_nothing_every_sentence_is_added():
    assert fresh_edits("", "One. Two.\n") == [FreshEdit("added", new="One."), FreshEdit("added", new="Two.")]
