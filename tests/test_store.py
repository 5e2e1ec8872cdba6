"""The store, on SQLite and on a real PostgreSQL: migrations, revisions that are never overwritten,
crash safety, several connections at once. Tests of SQLite's own file (WAL, pragmas, permissions) run on it alone."""

import sqlite3

import pytest

from inkborn.errors import InvalidInput, NotFound, StaleRevision
from inkborn.manuscript import content_hash
from inkborn.store import Store
from inkborn.store.migrations import SQLITE as MIGRATIONS
from inkborn.store.migrations import migrate_sqlite as migrate

TABLES = {"characters", "revisions", "people", "conversations", "turns"}
RUBY = "# Ruby\n\nRuby is twenty-six and she paints.\n"


@pytest.fixture(params=["sqlite", "postgres"])
def where(request, tmp_path):
    """Where a store is kept: a SQLite file, or a new database on the tests' PostgreSQL server."""
    return tmp_path / "inkborn.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
def store(where):
    s = Store(where)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path):
    s = Store(tmp_path / "inkborn.db")
    yield s
    s.close()


@pytest.fixture
def ruby(store):
    return store.create_character("ruby", "Ruby", RUBY, "Calvin")


def _database_at(path, version):
    """A SQLite database as Inkborn left it at that version of the schema: for testing later migrations."""
    db = sqlite3.connect(path, isolation_level=None)
    for number, (_, script) in enumerate(MIGRATIONS[:version], start=1):
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return db


def _tables(db):
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# migrations -----------------------------------------------------------------------


def test_migrations_from_an_empty_database_reach_the_latest_version(tmp_path):
    db = sqlite3.connect(tmp_path / "empty.db", isolation_level=None)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 0
        assert migrate(db) == len(MIGRATIONS)
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert TABLES <= _tables(db)
    finally:
        db.close()


def test_store_migrates_a_new_file(sqlite_store):
    assert sqlite_store.database.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert TABLES <= set(sqlite_store.iter_tables())


def test_a_new_database_has_every_table(store):
    assert TABLES | {"invites"} <= set(store.iter_tables())


def test_migrating_twice_is_harmless(tmp_path):
    path = tmp_path / "inkborn.db"
    first = Store(path)
    first.create_character("ruby", "Ruby", RUBY, "Calvin")
    assert migrate(first.database.db) == len(MIGRATIONS)  # again, on the same connection
    first.close()
    again = Store(path)  # and again, as a new process would
    try:
        assert again.database.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert [c.slug for c in again.characters()] == ["ruby"]
        assert again.head(again.character("ruby").id).text == RUBY
    finally:
        again.close()


def test_turns_stored_before_fresh_from_existed_get_it_by_the_engines_rule(tmp_path):
    """Migration 6: her turns say what revision her words to that person were spoken under before them."""
    db = _database_at(tmp_path / "old.db", 5)
    try:
        t = "2026-01-01T00:00:00+00:00"
        db.executescript(f"""
            INSERT INTO characters VALUES (1, 'ruby', 'Ruby', '{t}');
            INSERT INTO revisions VALUES (1, 1, 1, NULL, 'One.', 'h1', 'Calvin', '{t}', ''),
                                         (2, 1, 2, 1, 'Two.', 'h2', 'Calvin', '{t}', '');
            INSERT INTO people VALUES (1, 1, 'Calvin', 'author', '{t}'), (2, 1, 'Harry', 'visitor', '{t}');
            INSERT INTO conversations VALUES (1, 1, 1, '{t}'), (2, 1, 2, '{t}');
            INSERT INTO turns (id, conversation_id, speaker, text, status, revision_id, created_at) VALUES
                (1, 1, 'her', 'first words', 'ok', 1, '{t}'),
                (2, 1, 'her', 'after the edit', 'ok', 2, '{t}'),
                (3, 1, 'her', 'again', 'ok', 2, '{t}'),
                (4, 2, 'her', 'to Harry, first', 'ok', 2, '{t}'),
                (5, 1, 'person', 'hi', 'ok', NULL, '{t}');
        """)
        assert migrate(db) == len(MIGRATIONS)
        rows = dict(db.execute("SELECT id, fresh_from FROM turns ORDER BY id").fetchall())
        # her first words: the revision's parent (none); then her last words to him; Harry: to anyone before
        assert rows == {1: None, 2: 1, 3: 2, 4: 2, 5: None}
    finally:
        db.close()


def test_a_database_is_found_by_its_urls_scheme(tmp_path):
    by_url = Store(f"sqlite:///{tmp_path / 'her.db'}")
    assert by_url.kind == "sqlite" and (tmp_path / "her.db").is_file()
    by_url.close()
    with pytest.raises(InvalidInput, match=r"no store for mysql:// databases; installed: postgres://, postgresql://, "
                                           r"sqlite://, or a SQLite file's path"):
        Store("mysql://localhost/ruby")


def test_wal_journal_mode(sqlite_store, tmp_path):
    assert sqlite_store.database.db.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    # WAL is a property of the file: a plain connection sees it too
    db = sqlite3.connect(tmp_path / "inkborn.db")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    finally:
        db.close()


def test_foreign_keys_are_on(sqlite_store):
    assert sqlite_store.database.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


# characters -----------------------------------------------------------------------


def test_create_character_makes_author_and_first_revision(store, ruby):
    assert (ruby.slug, ruby.name) == ("ruby", "Ruby")
    head = store.head(ruby.id)
    assert (head.number, head.parent_id, head.text, head.author) == (1, None, RUBY, "Calvin")
    assert head.content_hash == content_hash(RUBY)
    assert head.summary == ""  # what a revision changed is summed up by its writer, not the store
    author = store.author(ruby.id)
    assert (author.name, author.role, author.is_author) == ("Calvin", "author", True)


def test_duplicate_slug_is_refused_and_nothing_is_added(store, ruby):
    with pytest.raises(InvalidInput, match="already a character called 'ruby'"):
        store.create_character("ruby", "Other Ruby", "Someone else.\n", "Calvin")
    assert [c.name for c in store.characters()] == ["Ruby"]
    assert len(store.revisions(ruby.id)) == 1


def test_unknown_character_is_not_found_with_the_known_ones(store, ruby):
    store.create_character("mira", "Mira", "Mira sails.\n", "Calvin")
    with pytest.raises(NotFound) as info:
        store.character("tomas")
    message = str(info.value)
    assert "'tomas'" in message
    assert "mira, ruby" in message
    assert "inkborn new tomas" in message


def test_unknown_character_in_an_empty_store(store):
    with pytest.raises(NotFound, match="none yet"):
        store.character("ruby")


# revisions ------------------------------------------------------------------------


def test_save_revision_returns_none_when_text_equals_head(store, ruby):
    assert store.save_revision(ruby.id, RUBY, "Calvin") is None
    assert len(store.revisions(ruby.id)) == 1


def test_revision_numbers_and_parent_links(store, ruby):
    r1 = store.head(ruby.id)
    r2 = store.save_revision(ruby.id, RUBY + "\nShe sings.\n", "Calvin", summary="she sings")
    r3 = store.save_revision(ruby.id, RUBY + "\nShe sings.\n\nShe dances.\n", "Calvin")
    assert [r.number for r in store.revisions(ruby.id)] == [1, 2, 3]
    assert (r1.parent_id, r2.parent_id, r3.parent_id) == (None, r1.id, r2.id)
    assert store.head(ruby.id) == r3
    assert store.revision(ruby.id, 2) == r2
    assert store.revision_by_id(r1.id) == r1
    assert r2.summary == "she sings"
    # earlier revisions are never overwritten
    assert store.revision(ruby.id, 1).text == RUBY


def test_saving_an_old_text_again_is_a_new_revision(store, ruby):
    store.save_revision(ruby.id, "Changed.\n", "Calvin")
    back = store.save_revision(ruby.id, RUBY, "Calvin", summary="reverted to revision 1")
    assert back is not None
    assert (back.number, back.text, back.summary) == (3, RUBY, "reverted to revision 1")


def test_revision_numbers_are_per_character(store, ruby):
    mira = store.create_character("mira", "Mira", "Mira sails.\n", "Calvin")
    store.save_revision(ruby.id, "Ruby two.\n", "Calvin")
    assert store.head(mira.id).number == 1
    assert store.head(ruby.id).number == 2


def test_unknown_revision_is_not_found_with_the_range(store, ruby):
    store.save_revision(ruby.id, "Ruby two.\n", "Calvin")
    with pytest.raises(NotFound) as info:
        store.revision(ruby.id, 7)
    assert "no revision 7" in str(info.value)
    assert "from 1 to 2" in str(info.value)
    with pytest.raises(NotFound, match="no revision with id 999"):
        store.revision_by_id(999)


def _count(store, text):
    return store._rows("SELECT COUNT(*) AS n FROM revisions WHERE text = ?", text)[0]["n"]


def test_crash_inside_insert_leaves_previous_revision_intact(store, ruby, monkeypatch):
    before = store.head(ruby.id)
    original = Store._insert_revision

    def insert_then_crash(self, db, *args, **kwargs):
        original(self, db, *args, **kwargs)
        raise RuntimeError("power cut")

    monkeypatch.setattr(Store, "_insert_revision", insert_then_crash)
    with pytest.raises(RuntimeError, match="power cut"):
        store.save_revision(ruby.id, "A half-saved draft.\n", "Calvin")
    monkeypatch.undo()

    assert store.head(ruby.id) == before
    assert [r.number for r in store.revisions(ruby.id)] == [1]
    assert _count(store, "A half-saved draft.\n") == 0
    # and the store still works afterwards: the lock and the transaction were released
    after = store.save_revision(ruby.id, "A whole draft.\n", "Calvin")
    assert after.number == 2 and after.parent_id == before.id


def test_crash_inside_a_transaction_rolls_back(store, ruby):
    before = store.head(ruby.id)
    with pytest.raises(KeyboardInterrupt):
        with store.transaction() as db:
            store._insert_revision(db, ruby.id, "Never saved.\n", "Calvin", before, "")
            assert _count(store, "Never saved.\n") == 1  # visible inside the transaction only
            raise KeyboardInterrupt
    assert store.head(ruby.id) == before
    assert _count(store, "Never saved.\n") == 0


def test_crash_is_invisible_to_another_connection(where):
    a, b = Store(where), Store(where)
    try:
        cid = a.create_character("ruby", "Ruby", RUBY, "Calvin").id
        with pytest.raises(RuntimeError):
            with a.transaction() as db:
                a._insert_revision(db, cid, "Never saved.\n", "Calvin", a.head(cid), "")
                raise RuntimeError
        assert b.head(cid).text == RUBY
        assert _count(b, "Never saved.\n") == 0
    finally:
        a.close()
        b.close()


def test_failed_character_creation_leaves_nothing(store, monkeypatch):
    def crash(self, db, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "_insert_revision", crash)
    with pytest.raises(RuntimeError):
        store.create_character("ruby", "Ruby", RUBY, "Calvin")
    monkeypatch.undo()
    assert store.characters() == []
    assert store._rows("SELECT COUNT(*) AS n FROM people")[0]["n"] == 0


# two terminals --------------------------------------------------------------------


def test_two_stores_on_one_database_see_each_others_saves(where):
    writer, talker = Store(where), Store(where)
    try:
        cid = writer.create_character("ruby", "Ruby", RUBY, "Calvin").id
        assert talker.character("ruby").id == cid
        assert talker.head(cid).text == RUBY

        r2 = writer.save_revision(cid, RUBY + "\nRuby speaks French fluently.\n", "Calvin")
        assert talker.head(cid) == r2

        r3 = talker.save_revision(cid, RUBY + "\nRuby speaks Italian.\n", "Calvin")
        assert writer.head(cid) == r3
        assert r3.number == 3 and r3.parent_id == r2.id
    finally:
        writer.close()
        talker.close()


def test_turns_written_in_one_store_are_read_in_another(where):
    a, b = Store(where), Store(where)
    try:
        cid = a.create_character("ruby", "Ruby", RUBY, "Calvin").id
        author = a.author(cid)
        conv = a.conversation(cid, author.id)
        assert b.conversation(cid, author.id) == conv
        a.add_turn(conv, "person", "Hello Ruby.")
        assert [t.text for t in b.turns(conv)] == ["Hello Ruby."]
    finally:
        a.close()
        b.close()


# people, conversations and turns -----------------------------------------------


def test_visitors_are_admitted_once(store, ruby):
    with pytest.raises(NotFound, match="'Harry' has never talked with her"):
        store.person(ruby.id, "Harry")
    harry = store.person(ruby.id, "Harry", create=True)
    assert store.person(ruby.id, "Harry", create=True) == harry
    assert (harry.role, harry.is_author) == ("visitor", False)
    assert [p.name for p in store.people(ruby.id)] == ["Calvin", "Harry"]


def test_each_person_has_one_conversation(store, ruby):
    calvin = store.author(ruby.id)
    harry = store.person(ruby.id, "Harry", create=True)
    c1 = store.conversation(ruby.id, calvin.id)
    c2 = store.conversation(ruby.id, harry.id)
    assert c1 != c2
    assert store.conversation(ruby.id, calvin.id) == c1


def test_turns_oldest_first_and_limit(store, ruby):
    conv = store.conversation(ruby.id, store.author(ruby.id).id)
    for i in range(5):
        store.add_turn(conv, "person", f"message {i}")
    assert [t.text for t in store.turns(conv)] == [f"message {i}" for i in range(5)]
    assert [t.text for t in store.turns(conv, limit=2)] == ["message 3", "message 4"]


def test_last_spoken_revision(store, ruby):
    head = store.head(ruby.id)
    calvin = store.author(ruby.id)
    harry = store.person(ruby.id, "Harry", create=True)
    c_calvin = store.conversation(ruby.id, calvin.id)
    c_harry = store.conversation(ruby.id, harry.id)
    assert store.last_spoken_revision(ruby.id) is None
    store.add_turn(c_calvin, "her", "Hi.", revision_id=head.id)
    r2 = store.save_revision(ruby.id, "Ruby two.\n", "Calvin")
    store.add_turn(c_harry, "her", "", status="failed", revision_id=r2.id)  # failures do not count
    assert store.last_spoken_revision(ruby.id) == head.id
    assert store.last_spoken_revision(ruby.id, harry.id) is None
    store.add_turn(c_harry, "her", "Hello Harry.", revision_id=r2.id)
    assert store.last_spoken_revision(ruby.id) == r2.id
    assert store.last_spoken_revision(ruby.id, calvin.id) == head.id


def test_unknown_turn(store):
    with pytest.raises(NotFound, match="no turn 42"):
        store.turn(42)


def test_the_database_is_readable_by_its_owner_only(tmp_path) -> None:
    store = Store(tmp_path / "private" / "inkborn.db")
    assert (tmp_path / "private" / "inkborn.db").stat().st_mode & 0o077 == 0
    store.close()


# the author's alone -------------------------------------------------------------------------


def test_an_existing_database_made_readable_by_others_is_made_private(tmp_path) -> None:
    path = tmp_path / "inkborn.db"
    first = Store(path)
    cid = first.create_character("ruby", "Ruby", RUBY, "Calvin").id
    first.add_turn(first.conversation(cid, first.author(cid).id), "person", "Hello.")
    files = [path, path.with_name("inkborn.db-wal"), path.with_name("inkborn.db-shm")]
    for f in files:
        assert f.exists(), f
        f.chmod(0o644)  # as an older Inkborn, or a copy, left them
    again = Store(path)
    try:
        for f in files:
            assert f.stat().st_mode & 0o777 == 0o600, f
    finally:
        again.close()
        first.close()


# migration 5: replies from a diagnostic backend ------------------------------------------


def test_turns_stored_before_migration_5_are_her_words(tmp_path):
    db = _database_at(tmp_path / "inkborn.db", 4)
    db.executescript(
        "INSERT INTO characters VALUES (1, 'ruby', 'Ruby', '2026-01-01T00:00:00+00:00');"
        "INSERT INTO people VALUES (1, 1, 'Calvin', 'author', '2026-01-01T00:00:00+00:00');"
        "INSERT INTO revisions VALUES (1, 1, 1, NULL, 'Ruby paints.', 'h', 'Calvin', '2026-01-01T00:00:00+00:00',"
        " 'first');"
        "INSERT INTO conversations VALUES (1, 1, 1, '2026-01-01T00:00:00+00:00');"
        "INSERT INTO turns (conversation_id, speaker, text, status, revision_id, created_at)"
        " VALUES (1, 'her', 'Hello.', 'ok', 1, '2026-01-01T00:00:00+00:00');"
    )
    db.close()
    store = Store(tmp_path / "inkborn.db")
    try:
        [turn] = store.turns(1)
        assert turn.diagnostic is False
        assert store.turns(1, diagnostic=False) == [turn]
        assert store.last_spoken_revision(1) == 1
    finally:
        store.close()


def test_diagnostic_turns_are_listed_but_never_count_as_her_speaking(store, ruby):
    head = store.head(ruby.id)
    conv = store.conversation(ruby.id, store.author(ruby.id).id)
    store.add_turn(conv, "person", "Hi.")
    echo = store.add_turn(conv, "her", '{"messages": []}', revision_id=head.id, diagnostic=True)
    assert [t.diagnostic for t in store.turns(conv)] == [False, True]
    assert [t.text for t in store.turns(conv, diagnostic=False)] == ["Hi."]
    assert store.last_spoken_revision(ruby.id) is None


# she may be deleted at any moment --------------------------------------------------------


def test_everything_about_a_deleted_character_is_not_found(store, ruby):
    author = store.author(ruby.id)
    conv = store.conversation(ruby.id, author.id)
    turn = store.add_turn(conv, "her", "", status="partial")
    store.delete_character(ruby.id)
    for gone in (lambda: store.head(ruby.id), lambda: store.author(ruby.id),
                 lambda: store.add_turn(conv, "her", "Hello."), lambda: store.update_turn(turn, text="Hello."),
                 lambda: store.conversation(ruby.id, author.id), lambda: store.person(ruby.id, "Harry", create=True),
                 lambda: store.add_invite(ruby.id, author.id, "hash")):
        with pytest.raises(NotFound, match="she was deleted"):
            gone()


# her turn, as it grows ---------------------------------------------------------------------


def test_update_turn(store, ruby):
    conv = store.conversation(ruby.id, store.author(ruby.id).id)
    turn = store.add_turn(conv, "her", "", status="partial", error="the reply was cut off")
    store.update_turn(turn, text="Hello.")
    assert (store.turn(turn).text, store.turn(turn).status) == ("Hello.", "partial")
    store.update_turn(turn, text="Hello there.", status="ok", error=None)
    assert (store.turn(turn).text, store.turn(turn).status, store.turn(turn).error) == ("Hello there.", "ok", None)


# what SQLite cannot hold matches nothing it holds ------------------------------------------


HUGE = 99999999999999999999


def test_numbers_too_large_for_sqlite(store, ruby):
    conv = store.conversation(ruby.id, store.author(ruby.id).id)
    for i in range(3):
        store.add_turn(conv, "person", f"message {i}")
    for number in (HUGE, -HUGE):
        with pytest.raises(NotFound, match=f"no revision {number};"):
            store.revision(ruby.id, number)
        with pytest.raises(NotFound, match=f"no revision with id {number}"):
            store.revision_by_id(number)
        with pytest.raises(NotFound, match=f"no turn {number}"):
            store.turn(number)
        assert store.last_spoken_revision(number) is None
    assert [t.text for t in store.turns(conv, before=HUGE)] == ["message 0", "message 1", "message 2"]
    assert store.turns(conv, before=-HUGE) == []
    assert [t.text for t in store.turns(conv, limit=HUGE)] == ["message 0", "message 1", "message 2"]
    assert store.turns(HUGE) == []
    assert len(store.revisions(ruby.id, last=HUGE)) == 1


def test_text_sqlite_cannot_hold_finds_nothing(store, ruby):
    with pytest.raises(NotFound, match="no character called 'ruby\\\\udc00'"):
        store.character("ruby\udc00")
    with pytest.raises(NotFound, match="has never talked with her"):
        store.person(ruby.id, "Harry\udc00")


def test_two_stores_saving_from_one_head_at_once_one_is_refused_as_stale(where):
    """Two servers on one database: the compare-and-swap on the base revision holds across connections."""
    import threading

    first = Store(where)
    cid = first.create_character("ruby", "Ruby", RUBY, "Calvin").id
    stores = [first, *(Store(where) for _ in range(3))]
    outcomes: list[str] = []
    start = threading.Barrier(len(stores))

    def save(store: Store, n: int) -> None:
        start.wait()
        try:
            store.save_revision(cid, RUBY + f"\nRuby has {n} brothers.\n", "Calvin", base=1)
            outcomes.append("saved")
        except StaleRevision:
            outcomes.append("stale")

    try:
        threads = [threading.Thread(target=save, args=(s, n)) for n, s in enumerate(stores)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["saved", "stale", "stale", "stale"]
        assert [r.number for r in first.revisions(cid)] == [1, 2]
    finally:
        for s in stores:
            s.close()


def test_text_with_a_nul_is_kept_or_refused_whole_never_half(store, ruby):
    """SQLite holds a NUL; PostgreSQL cannot, and says so: nothing is saved, nothing is lost."""
    conv = store.conversation(ruby.id, store.author(ruby.id).id)
    if store.kind == "sqlite":
        turn = store.add_turn(conv, "person", "a\x00b")
        assert store.turn(turn).text == "a\x00b"
    else:
        with pytest.raises(InvalidInput, match="cannot store"):
            store.add_turn(conv, "person", "a\x00b")
        assert store.turns(conv) == []
        with pytest.raises(NotFound):
            store.person(ruby.id, "Ha\x00rry")  # asked for, it names no one


def test_a_scene_is_found_by_exactly_its_people(store, ruby):
    calvin = store.author(ruby.id)
    harry = store.person(ruby.id, "Harry", create=True)
    mort = store.person(ruby.id, "Mort", create=True)
    alone = store.conversation(ruby.id, calvin.id)
    pair = store.scene(ruby.id, [calvin.id, harry.id])
    assert len({alone, pair, store.scene(ruby.id, [calvin.id, harry.id, mort.id])}) == 3
    assert store.scene(ruby.id, [harry.id, calvin.id]) == pair  # whoever opens it
    assert store.scene(ruby.id, [calvin.id]) == alone
    assert [p.name for p in store.participants(pair)] == ["Calvin", "Harry"]
    with pytest.raises(InvalidInput, match="at least one person"):
        store.scene(ruby.id, [])


def test_turns_stored_before_scenes_say_who_said_them(tmp_path):
    """Migration 7: each conversation's person is its one participant and the speaker of its person turns."""
    db = _database_at(tmp_path / "old.db", 6)
    try:
        t = "2026-01-01T00:00:00+00:00"
        db.executescript(f"""
            INSERT INTO characters VALUES (1, 'ruby', 'Ruby', '{t}');
            INSERT INTO revisions VALUES (1, 1, 1, NULL, 'One.', 'h1', 'Calvin', '{t}', '');
            INSERT INTO people VALUES (1, 1, 'Calvin', 'author', '{t}'), (2, 1, 'Harry', 'visitor', '{t}');
            INSERT INTO conversations VALUES (1, 1, 1, '{t}'), (2, 1, 2, '{t}');
            INSERT INTO turns (id, conversation_id, speaker, text, status, revision_id, created_at) VALUES
                (1, 1, 'person', 'hi', 'ok', NULL, '{t}'), (2, 1, 'her', 'hello', 'ok', 1, '{t}'),
                (3, 2, 'person', 'hey', 'ok', NULL, '{t}');
        """)
    finally:
        db.close()
    store = Store(tmp_path / "old.db")
    try:
        assert [p.name for p in store.participants(2)] == ["Harry"]
        assert [(t.person_name, t.kind) for t in store.turns(1)] == [("Calvin", "said"), (None, "said")]
        assert store.conversation(1, 2) == 2
    finally:
        store.close()
