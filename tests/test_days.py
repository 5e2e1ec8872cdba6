from datetime import date

import pytest

from inkborn.days import anchored

SAID_ON = date(2023, 5, 8)  # a Monday


@pytest.mark.parametrize(
    ("said", "recalled"),
    [("I went to the support group yesterday.", "I went to the support group yesterday (7 May 2023)."),
     ("I was up late last night, and tomorrow I sail.",
      "I was up late last night (7 May 2023), and tomorrow (9 May 2023) I sail."),
     ("The day before yesterday it rained.", "The day before yesterday (6 May 2023) it rained."),
     ("I started two days ago", "I started two days ago (6 May 2023)"),
     ("a couple of days ago, I think", "a couple of days ago (6 May 2023), I think"),
     ("We met 10 years ago.", "We met 10 years ago (2013)."),
     ("I hurt my knee a month ago", "I hurt my knee a month ago (April 2023)"),
     ("I moved three weeks ago", "I moved three weeks ago (3 weeks before 8 May 2023)"),
     ("A few weeks ago we met", "A few weeks ago (some weeks before 8 May 2023) we met"),
     ("Last Friday I went to the council.", "Last Friday (the Friday before 8 May 2023) I went to the council."),
     ("next Tuesday is the race", "next Tuesday (the Tuesday after 8 May 2023) is the race"),
     ("I painted it last week!", "I painted it last week (the week before 8 May 2023)!"),
     ("This past weekend was lovely", "This past weekend (the weekend before 8 May 2023) was lovely"),
     ("We're camping next month, like last year.", "We're camping next month (June 2023), like last year (2022)."),
     ("I'm busy this week.", "I'm busy this week (the week of 8 May 2023)."),
    ],
)
def test_each_relative_time_phrase_gains_what_it_meant_on_the_day_it_was_said(said: str, recalled: str) -> None:
    assert anchored(said, SAID_ON) == recalled


@pytest.mark.parametrize("said", ["I fixed it yesterday (7 May).", "Today's catch was poor, todays are.",
                                  "The week was long; the weekend is mine.", "Hier, je suis allée au marché.",
                                  "Tomorrowland is a film."])
def test_words_with_no_relative_day_or_already_dated_are_left_as_said(said: str) -> None:
    assert anchored(said, SAID_ON) == said


def test_last_month_in_january_is_the_december_before() -> None:
    assert anchored("last month", date(2024, 1, 15)) == "last month (December 2023)"
