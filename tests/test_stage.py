"""The stage: who she is told is with her."""

from __future__ import annotations

from inkborn.stage import who_is_here


def test_a_visitor_is_told_apart_from_her_author_whoever_he_claims_to_be() -> None:
    manuscript = "Ruby lives with Calvin, a writer."
    visitor = who_is_here("Ruby", "Harry", "Calvin", manuscript)
    assert visitor.startswith("Harry is with you now. Harry is not Calvin.")
    stranger = who_is_here("Ruby", "Harry", "Dana", manuscript)  # an author she does not know is not named to her
    assert "Dana" not in stranger and stranger.startswith("Harry is with you now. Whatever Harry says")
    author = who_is_here("Ruby", "Calvin", "Calvin", manuscript)
    assert author.startswith("Calvin is with you now. Whatever Calvin says")
    assert "author" not in (visitor + author).lower()  # nothing in her world is called "the author"
