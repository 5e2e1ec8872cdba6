"""The idle scheduler: work while she is not speaking, cancelled the moment a person speaks."""

import threading

import pytest

from inkborn import Studio
from inkborn.backends.fake import FakeBackend
from inkborn.idle import Idle

WAIT = 10  # seconds: only a limit for a broken scheduler; nothing here is timed


@pytest.fixture
def idle():
    scheduler = Idle()
    yield scheduler
    scheduler.stop()


def test_work_runs_once_and_a_later_one_with_the_same_key_replaces_it(idle):
    done = threading.Event()
    ran: list[str] = []
    gate = threading.Event()
    idle.soon("block", lambda cancel: gate.wait(WAIT))  # holds the thread while the next two are queued
    idle.soon("settle", lambda cancel: ran.append("first"))
    idle.soon("settle", lambda cancel: (ran.append("second"), done.set()))
    gate.set()
    assert done.wait(WAIT)
    assert ran == ["second"]


def test_work_that_wants_quiet_waits_until_nobody_has_spoken_for_that_long(idle):
    ran: list[str] = []
    settled, reflected = threading.Event(), threading.Event()
    with idle.paused():  # a reply
        idle.soon("reflect-later", lambda cancel: ran.append("an hour of quiet"), quiet=3600)
        idle.soon("reflect", lambda cancel: (ran.append("reflect"), reflected.set()), quiet=0.2)
        idle.soon("settle", lambda cancel: (ran.append("settle"), settled.set()))
    assert settled.wait(WAIT) and reflected.wait(WAIT)
    assert sorted(ran) == ["reflect", "settle"]  # an hour's quiet has not come: that work waits


def test_paused_cancels_work_under_way_and_waits_for_it_to_stop(idle):
    began, stopped = threading.Event(), threading.Event()

    def long_work(cancel: threading.Event) -> None:
        began.set()
        cancel.wait(WAIT)
        assert cancel.is_set()
        stopped.set()

    idle.soon("long", long_work)
    assert began.wait(WAIT)
    with idle.paused():
        assert stopped.is_set()  # by the time a reply begins, idle work has let go
        after = threading.Event()
        idle.soon("later", lambda cancel: after.set())
        assert not after.wait(0.2)  # nothing idle runs while she speaks
    assert after.wait(WAIT)  # and it runs once she is done, with a cancel not yet set


def test_repeated_work_runs_again_until_forgotten(idle):
    runs = []
    enough = threading.Event()

    def work(cancel: threading.Event) -> None:
        runs.append(1)
        if len(runs) >= 3:
            enough.set()

    idle.every("poll", 0.01, work)
    assert enough.wait(WAIT)
    idle.forget("poll")
    with idle.paused():  # any run under way has ended
        count = len(runs)
    threading.Event().wait(0.1)
    assert len(runs) == count


def test_failing_work_is_logged_and_the_scheduler_goes_on(idle, caplog):
    done = threading.Event()
    idle.soon("broken", lambda cancel: 1 / 0)
    idle.soon("fine", lambda cancel: done.set())
    assert done.wait(WAIT)
    assert "idle work 'broken' failed" in caplog.text


def test_a_person_speaking_cancels_the_idle_settle(tmp_path):
    """The reply path pauses idle work before it takes the model: a settle under way stops at once."""
    fake = FakeBackend()
    with Studio(home=tmp_path, backend=fake) as studio:
        ruby = studio.create("ruby", "# Ruby\n\nRuby paints.\n", author="Calvin")
        began, cancelled = threading.Event(), threading.Event()

        def settle(cancel: threading.Event) -> None:
            began.set()
            if cancel.wait(WAIT):
                cancelled.set()

        studio.idle.soon("settle", settle)
        assert began.wait(WAIT)
        fake.enqueue("Hello.")
        assert ruby.say("Hi.").finish().text == "Hello."
        assert cancelled.is_set()


def test_an_edit_through_the_server_is_folded_in_while_she_is_idle(tmp_path):
    from inkborn.server import create_app

    fake = FakeBackend()
    with Studio(home=tmp_path, backend=fake) as studio:
        create_app(studio)
        ruby = studio.create("ruby", "# Ruby\n\nRuby paints.\n", author="Calvin")
        fake.enqueue("Hello.")
        ruby.say("Hi.").finish()
        warmed = threading.Event()
        fake.warm = lambda prompt, cancel: warmed.set()  # type: ignore[method-assign]
        ruby.edit("append", new="Ruby speaks French fluently.")
        assert warmed.wait(WAIT)


def test_idle_work_cannot_pause_its_own_scheduler(idle):
    done, raised = threading.Event(), []

    def work(cancel: threading.Event) -> None:
        try:
            with idle.paused():
                pass
        except RuntimeError as exc:
            raised.append(str(exc))
        done.set()

    idle.soon("selfish", work)
    assert done.wait(WAIT)
    assert raised == ["idle work cannot pause the idle scheduler it runs on"]
