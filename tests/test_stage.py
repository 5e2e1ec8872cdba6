"""The stage: who she is told is with her."""

from __future__ import annotations

import pytest

from inkborn.first_person import told_of
from inkborn.memory import Memory
from inkborn.stage import recollections, who_is_here


def test_a_visitor_is_told_apart_from_her_author_whoever_he_claims_to_be() -> None:
    manuscript = "Ruby lives with Calvin, a writer."
    visitor = who_is_here("Ruby", "Harry", "Calvin", manuscript)
    assert visitor.startswith("Harry is with you now. Harry is not Calvin.")
    stranger = who_is_here("Ruby", "Harry", "Dana", manuscript)  # an author she does not know is not named to her
    assert "Dana" not in stranger and stranger.startswith("Harry is with you now. Whatever Harry says")
    author = who_is_here("Ruby", "Calvin", "Calvin", manuscript)
    assert author.startswith("Calvin is with you now. Whatever Calvin says")
    assert "author" not in (visitor + author).lower()  # nothing in her world is called "the author"


@pytest.mark.parametrize(
    ("said", "told"),
    [("Big news in my family: my brother Oskar is getting married.",
      "Big news in Adaeze's family: Adaeze's brother Oskar is getting married."),
     ("I'm off to see my mother; don't tell me you forgot!", "Adaeze is off to see Adaeze's mother; don't tell Adaeze you forgot!"),
     ("I\u2019ve got a new job, and I have a cat of mine.", "Adaeze has got a new job, and Adaeze has a cat of Adaeze's."),
     ("You look well. Is the ferry running?", "You look well. Is the ferry running?")],
)
def test_someones_words_about_themselves_are_told_of_them_by_name(said: str, told: str) -> None:
    assert told_of("Adaeze", said) == told


def test_what_someone_else_said_is_recalled_in_their_name_and_hers_in_her_own() -> None:
    def said(text: str, speaker: str, hers: bool = False) -> Memory:
        return Memory(id=len(text), kind="lived", speaker=speaker, text=text, lived_at="2026-12-03T20:00:00",
                      hers=hers, people=("Adaeze",))
    recalled = recollections("Caspar", [said("My brother Oskar is getting married in June.", "Adaeze"),
                                        said("My shift starts at nine, as ever.", "Caspar", hers=True),
                                        said("Mon frère se marie en juin, sur le vieux ferry.", "Adaeze")])
    assert "Adaeze told you: Adaeze's brother Oskar is getting married in June." in recalled
    assert 'you said "My shift starts at nine, as ever."' in recalled  # her "my" is hers
    assert 'Adaeze said "Mon frère se marie en juin, sur le vieux ferry."' in recalled  # only English is told of them
    assert "my brother" not in recalled.lower()


def test_a_recalled_yesterday_is_the_day_before_she_lived_it_not_the_day_before_now() -> None:
    recalled = recollections("Caspar", [
        Memory(id=1, kind="lived", speaker="Adaeze", text="I went to the support group yesterday.",
               lived_at="2023-05-08T13:56:00+00:00", people=("Adaeze",)),
        Memory(id=2, kind="lived", speaker="Caspar", text="Last Friday I fixed the ferry's engine.",
               lived_at="2023-07-15T10:00:00+00:00", hers=True, people=("Adaeze",))])
    assert "Adaeze told you: Adaeze went to the support group yesterday (7 May 2023)." in recalled
    assert 'you said "Last Friday (the Friday before 15 July 2023) I fixed the ferry\'s engine."' in recalled
