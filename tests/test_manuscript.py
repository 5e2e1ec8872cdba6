"""The manuscript as text: decoding, normalizing, edits, diffs and one-line summaries."""

import pytest

from inkborn.canon import summarize_change
from inkborn.errors import InvalidInput
from inkborn.manuscript import (
    apply_edit,
    content_hash,
    decode,
    diff,
    normalize,
)

RUBY = "# Ruby\n\nRuby is twenty-six and she paints.\nShe lives in Lyon.\n"


# decode / normalize -------------------------------------------------------------


def test_decode_utf8():
    assert decode("Rubí paints.\n".encode("utf-8"), "ruby.md") == "Rubí paints.\n"


def test_decode_non_utf8_names_the_source_and_the_byte():
    data = "café".encode("latin-1")  # b"caf\xe9"
    with pytest.raises(InvalidInput) as info:
        decode(data, "ruby.md")
    message = str(info.value)
    assert "ruby.md" in message
    assert "not UTF-8" in message
    assert "byte 3" in message and "0xe9" in message


def test_decode_non_utf8_from_stdin():
    with pytest.raises(InvalidInput, match="<stdin>"):
        decode(b"\xff\xfeR\x00", "<stdin>")


def test_decode_strips_bom():
    text = decode(b"\xef\xbb\xbf# Ruby\n\nShe paints.\n", "ruby.md")
    assert text == "# Ruby\n\nShe paints.\n"
    assert not text.startswith("\ufeff")


def test_decode_crlf_and_lone_cr():
    assert decode(b"# Ruby\r\n\r\nShe paints.\r\n", "ruby.md") == "# Ruby\n\nShe paints.\n"
    assert decode(b"one\rtwo\r", "old-mac.md") == "one\ntwo\n"


def test_normalize_one_trailing_newline():
    assert normalize("She paints.") == "She paints.\n"
    assert normalize("She paints.\n\n\n  \n") == "She paints.\n"
    assert normalize("  \n\t\n") == ""
    assert normalize("") == ""


def test_equal_prose_hashes_equal():
    assert content_hash(normalize("She paints.\r\n")) == content_hash(normalize("She paints.\n\n"))
    assert content_hash("a") != content_hash("b")


# apply_edit ----------------------------------------------------------------------


def test_append_adds_a_paragraph_with_one_blank_line():
    result = apply_edit(RUBY, "append", new="Ruby speaks French fluently.")
    assert result == RUBY + "\nRuby speaks French fluently.\n"
    assert "\n\n\n" not in result


def test_append_to_text_without_trailing_newline():
    assert apply_edit("She paints.", "append", new="She sings.") == "She paints.\n\nShe sings.\n"


def test_append_to_text_ending_in_a_blank_line():
    assert apply_edit("She paints.\n\n", "append", new="She sings.") == "She paints.\n\nShe sings.\n"


def test_append_to_empty_text():
    assert apply_edit("", "append", new="She sings.") == "She sings.\n"


@pytest.mark.parametrize("new", ["", "   ", "\n\n"])
def test_append_nothing_is_an_error(new):
    with pytest.raises(InvalidInput, match="nothing to append"):
        apply_edit(RUBY, "append", new=new)


def test_replace():
    result = apply_edit(RUBY, "replace", old="She lives in Lyon.", new="She lives in Marseille.")
    assert result == "# Ruby\n\nRuby is twenty-six and she paints.\nShe lives in Marseille.\n"


def test_replace_not_found():
    with pytest.raises(InvalidInput) as info:
        apply_edit(RUBY, "replace", old="She lives in Paris.", new="x")
    assert "'She lives in Paris.'" in str(info.value)
    assert "is not in the manuscript" in str(info.value)


def test_replace_found_twice():
    with pytest.raises(InvalidInput, match="occurs 2 times"):
        apply_edit("She paints. She paints.\n", "replace", old="She paints.", new="She sings.")


def test_replace_with_empty_old():
    with pytest.raises(InvalidInput, match="nothing to replace"):
        apply_edit(RUBY, "replace", old="", new="x")


def test_delete_a_sentence():
    result = apply_edit(RUBY, "delete", old="\nShe lives in Lyon.")
    assert result == "# Ruby\n\nRuby is twenty-six and she paints.\n"


def test_delete_a_paragraph_leaves_no_double_blank_line():
    text = "# Ruby\n\nRuby paints.\n\nShe hates the sea.\n\nShe likes tea.\n"
    assert apply_edit(text, "delete", old="She hates the sea.") == "# Ruby\n\nRuby paints.\n\nShe likes tea.\n"


def test_delete_leaves_no_trailing_spaces():
    result = apply_edit("Ruby paints. She hates the sea.\nShe likes tea.\n", "delete", old="She hates the sea.")
    assert result == "Ruby paints.\nShe likes tea.\n"


def test_delete_across_a_line_wrap():
    text = "Ruby paints.\nShe hates\nthe sea. She likes tea.\n"
    assert apply_edit(text, "delete", old="She hates\nthe sea. ") == "Ruby paints.\nShe likes tea.\n"


def test_delete_errors():
    with pytest.raises(InvalidInput, match="nothing to delete"):
        apply_edit(RUBY, "delete", old="")
    with pytest.raises(InvalidInput, match="is not in the manuscript"):
        apply_edit(RUBY, "delete", old="She hates the sea.")
    with pytest.raises(InvalidInput, match="occurs 2 times"):
        apply_edit(RUBY, "delete", old="Ruby")


def test_unknown_edit():
    with pytest.raises(InvalidInput, match="use append, replace or delete"):
        apply_edit(RUBY, "insert", new="x")


def test_edits_do_not_mutate_their_input():
    before = RUBY
    apply_edit(RUBY, "append", new="More.")
    assert RUBY == before


# diff ------------------------------------------------------------------------------


def test_diff_is_unified_with_labels():
    new = apply_edit(RUBY, "replace", old="Lyon", new="Marseille")
    out = diff(RUBY, new, "revision 1", "revision 2")
    lines = out.splitlines()
    assert lines[0] == "--- revision 1"
    assert lines[1] == "+++ revision 2"
    assert "-She lives in Lyon." in lines
    assert "+She lives in Marseille." in lines
    assert " Ruby is twenty-six and she paints." in lines


def test_diff_of_equal_texts_is_empty():
    assert diff(RUBY, RUBY) == ""


def test_diff_from_nothing_adds_every_line():
    out = diff("", "One.\nTwo.\n")
    assert "+One.\n" in out and "+Two.\n" in out
    assert "\n-" not in out


# summarize_change -------------------------------------------------------------------


def test_summary_of_a_first_draft_counts_words():
    assert summarize_change(None, "Ruby is twenty-six and she paints.\n") == "first draft, 6 words"


def test_summary_of_an_addition_quotes_it():
    summary = summarize_change(RUBY, apply_edit(RUBY, "append", new="Ruby speaks French fluently."))
    assert summary == "added 1 sentence: \u201cRuby speaks French fluently.\u201d"


def test_summary_of_a_change_and_a_removal():
    new = RUBY.replace("She lives in Lyon.", "She lives in Marseille.")
    assert summarize_change(RUBY, new) == "changed 1 sentence: \u201cShe lives in Marseille.\u201d"
    removed = apply_edit(RUBY, "delete", old="\nShe lives in Lyon.")
    assert summarize_change(RUBY, removed) == "removed 1 sentence: \u201cShe lives in Lyon.\u201d"


def test_summary_counts_several_sentences_in_plural():
    summary = summarize_change("A one.\n", "A one.\n\nB two. C three.\n")
    assert summary.startswith("added 2 sentences: ")


def test_summary_of_rewrapping_is_whitespace_only():
    assert summarize_change("Ruby is twenty-six and she paints.\n", "Ruby is twenty-six\nand she paints.\n") == (
        "whitespace only"
    )


def test_summary_shortens_a_long_quote():
    long = "Ruby " + "very " * 30 + "much likes tea."
    summary = summarize_change("A.\n", "A.\n\n" + long + "\n")
    quote = summary.split(": ", 1)[1]
    assert quote.startswith("\u201c") and quote.endswith("...\u201d")
    assert len(quote) == 60 + 2


def test_a_change_to_a_last_line_without_a_newline_is_two_lines_of_diff() -> None:
    out = diff("A.\n\nB.", "A.\n\nB. C.")
    assert "-B.\n+B. C.\n" in out
    assert "-B.+B. C." not in out
