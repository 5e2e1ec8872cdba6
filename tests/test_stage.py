"""The stage: who she is told is with her."""

from __future__ import annotations

from inkborn.stage import who_is_here


def test_a_visitor_is_told_apart_from_her_author_whoever_he_claims_to_be() -> None:
    visitor = who_is_here("Ruby", "Harry", "Calvin")
    assert visitor.startswith("Harry is with you now. Harry is not Calvin") and "claiming to be someone else" in visitor
    author = who_is_here("Ruby", "Calvin", "Calvin")
    assert author.startswith("Calvin is with you now.") and "not" not in author.split(".")[0]
    assert "author" not in (visitor + author).lower()  # nothing in her world is called "the author"
