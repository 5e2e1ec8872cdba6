"""The schema, as named migrations per database. Append new ones; never edit an old one.

SQLite counts the migrations applied in `PRAGMA user_version`; PostgreSQL records each
one's name in `inkborn_migrations`, under an advisory lock so that two servers starting
on one database migrate it once.
"""

from __future__ import annotations

import sqlite3
from typing import Any

SQLITE: list[tuple[str, str]] = [
    ("0001_characters_revisions_people_conversations_turns", """
    CREATE TABLE characters (
        id          INTEGER PRIMARY KEY,
        slug        TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE revisions (
        id            INTEGER PRIMARY KEY,
        character_id  INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        number        INTEGER NOT NULL,
        parent_id     INTEGER REFERENCES revisions(id),
        text          TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        author        TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        summary       TEXT NOT NULL,
        UNIQUE (character_id, number)
    );
    CREATE TABLE people (
        id            INTEGER PRIMARY KEY,
        character_id  INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('author', 'visitor')),
        created_at    TEXT NOT NULL,
        UNIQUE (character_id, name)
    );
    CREATE TABLE conversations (
        id            INTEGER PRIMARY KEY,
        character_id  INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE turns (
        id                 INTEGER PRIMARY KEY,
        conversation_id    INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        speaker            TEXT NOT NULL CHECK (speaker IN ('person', 'her')),
        text               TEXT NOT NULL,
        status             TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'partial')),
        revision_id        INTEGER REFERENCES revisions(id),
        backend            TEXT,
        model              TEXT,
        tokens_evaluated   INTEGER,
        tokens_generated   INTEGER,
        first_token_ms     REAL,
        total_ms           REAL,
        error              TEXT,
        created_at         TEXT NOT NULL
    );
    CREATE INDEX turns_by_conversation ON turns (conversation_id, id);
    CREATE INDEX revisions_by_character ON revisions (character_id, number);
    """),
    # what keeping her promises took for each reply, and when the model's first token came
    ("0002_what_keeping_her_promises_took", """
    ALTER TABLE turns ADD COLUMN attempts INTEGER;
    ALTER TABLE turns ADD COLUMN promises TEXT;
    ALTER TABLE turns ADD COLUMN model_first_token_ms REAL;
    """),
    # visitors' invitations: a hash of each token, never the token
    ("0003_invitations", """
    CREATE TABLE invites (
        id            INTEGER PRIMARY KEY,
        character_id  INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        token_hash    TEXT NOT NULL UNIQUE,
        created_at    TEXT NOT NULL,
        revoked_at    TEXT
    );
    """),
    # finding her first reply under a revision (has an edit reached her?)
    ("0004_turns_by_revision", """
    CREATE INDEX turns_by_revision ON turns (revision_id);
    """),
    # replies from a diagnostic backend (echo), kept apart: never recalled as her words
    ("0005_diagnostic_turns", """
    ALTER TABLE turns ADD COLUMN diagnostic INTEGER NOT NULL DEFAULT 0;
    """),
    # what was fresh for the person she answered: the revision her words to them were spoken under
    #    before this reply (reply.fresh_for); turns stored before it get the same rule, read back
    ("0006_fresh_from", """
    ALTER TABLE turns ADD COLUMN fresh_from INTEGER REFERENCES revisions(id);
    UPDATE turns SET fresh_from = COALESCE(
        (SELECT p.revision_id FROM turns p
          WHERE p.conversation_id = turns.conversation_id AND p.speaker = 'her' AND p.status = 'ok'
            AND NOT p.diagnostic AND p.id < turns.id ORDER BY p.id DESC LIMIT 1),
        (SELECT p.revision_id FROM turns p JOIN conversations c ON c.id = p.conversation_id
          WHERE c.character_id = (SELECT character_id FROM conversations WHERE id = turns.conversation_id)
            AND p.speaker = 'her' AND p.status = 'ok' AND NOT p.diagnostic AND p.id < turns.id
          ORDER BY p.id DESC LIMIT 1),
        (SELECT parent_id FROM revisions WHERE id = turns.revision_id))
    WHERE speaker = 'her';
    """),
    # a conversation is a scene: one or more people with her; each person's words name who said them
    ("0007_scenes", """
    CREATE TABLE participants (
        conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        person_id        INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        PRIMARY KEY (conversation_id, person_id)
    );
    INSERT INTO participants (conversation_id, person_id) SELECT id, person_id FROM conversations;
    ALTER TABLE turns ADD COLUMN person_id INTEGER REFERENCES people(id) ON DELETE CASCADE;
    ALTER TABLE turns ADD COLUMN kind TEXT NOT NULL DEFAULT 'said';
    UPDATE turns SET person_id = (SELECT person_id FROM conversations WHERE id = turns.conversation_id)
    WHERE speaker = 'person';
    CREATE INDEX participants_by_person ON participants (person_id);
    """),
    # her author's hand on a turn, recorded: another reply chosen over it, or the turn corrected or deleted
    ("0008_turn_changes", """
    ALTER TABLE turns ADD COLUMN replaced_by INTEGER REFERENCES turns(id) ON DELETE SET NULL;
    ALTER TABLE turns ADD COLUMN deleted_at TEXT;
    CREATE TABLE turn_changes (
        id          INTEGER PRIMARY KEY,
        turn_id     INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
        change      TEXT NOT NULL CHECK (change IN ('deleted', 'corrected', 'chosen')),
        old_text    TEXT NOT NULL,
        made_by     TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX turn_changes_by_turn ON turn_changes (turn_id);
    """),
    # what she lived, as memories: who was there, when, under which revision, who may hear it again
    ("0009_memories", """
    CREATE TABLE memories (
        id             INTEGER PRIMARY KEY,
        character_id   INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,
        turn_id        INTEGER UNIQUE REFERENCES turns(id) ON DELETE CASCADE,
        conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE,
        speaker        TEXT NOT NULL,
        hers           INTEGER NOT NULL DEFAULT 0,
        text           TEXT NOT NULL,
        context        TEXT NOT NULL DEFAULT '',
        lived_at       TEXT NOT NULL,
        revision_id    INTEGER REFERENCES revisions(id) ON DELETE SET NULL,
        importance     REAL,
        private        INTEGER NOT NULL DEFAULT 0,
        superseded_by  INTEGER REFERENCES revisions(id) ON DELETE SET NULL,
        deleted_at     TEXT,
        deleted_by     TEXT
    );
    CREATE INDEX memories_by_character ON memories (character_id, id);
    CREATE INDEX memories_by_conversation ON memories (conversation_id);
    CREATE INDEX memories_by_revision ON memories (revision_id);
    CREATE INDEX memories_superseded ON memories (superseded_by) WHERE superseded_by IS NOT NULL;
    CREATE TABLE memory_people (
        memory_id  INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        PRIMARY KEY (memory_id, person_id)
    );
    CREATE INDEX memory_people_by_person ON memory_people (person_id, memory_id);
    -- the revisions her memories have been reviewed against: memories an edit contradicts are superseded
    CREATE TABLE memory_reviews (
        revision_id   INTEGER PRIMARY KEY REFERENCES revisions(id) ON DELETE CASCADE,
        character_id  INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        superseded    INTEGER NOT NULL,
        done_at       TEXT NOT NULL
    );
    -- character_id is indexed as a word, so that a search looks among her memories alone
    CREATE VIRTUAL TABLE memories_fts USING fts5(speaker, text, context, character_id, content='memories',
                                                 content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE memories_vocab USING fts5vocab(memories_fts, 'row');  -- each word's count of memories
    CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
        INSERT INTO memories_fts (rowid, speaker, text, context, character_id)
        VALUES (new.id, new.speaker, new.text, new.context, new.character_id);
    END;
    CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
        INSERT INTO memories_fts (memories_fts, rowid, speaker, text, context, character_id)
        VALUES ('delete', old.id, old.speaker, old.text, old.context, old.character_id);
    END;
    CREATE TRIGGER memories_fts_update AFTER UPDATE OF text, context ON memories BEGIN
        INSERT INTO memories_fts (memories_fts, rowid, speaker, text, context, character_id)
        VALUES ('delete', old.id, old.speaker, old.text, old.context, old.character_id);
        INSERT INTO memories_fts (rowid, speaker, text, context, character_id)
        VALUES (new.id, new.speaker, new.text, new.context, new.character_id);
    END;
    """),
    ("0010_reflections", """
    -- what she drew from what she lived, while idle: beliefs and wishes (memories of those kinds)
    CREATE TABLE reflections (
        id              INTEGER PRIMARY KEY,
        character_id    INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        through_memory  INTEGER NOT NULL,
        read            INTEGER NOT NULL,
        drawn           INTEGER NOT NULL,
        importance      REAL NOT NULL,
        seconds         REAL NOT NULL,
        model           TEXT,
        made_at         TEXT NOT NULL
    );
    CREATE INDEX reflections_by_character ON reflections (character_id, id);
    ALTER TABLE memories ADD COLUMN about TEXT;
    ALTER TABLE memories ADD COLUMN reflection_id INTEGER REFERENCES reflections(id) ON DELETE CASCADE;
    ALTER TABLE memories ADD COLUMN outgrown_by INTEGER REFERENCES reflections(id) ON DELETE SET NULL;
    CREATE TABLE memory_sources (
        memory_id  INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        source_id  INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        PRIMARY KEY (memory_id, source_id)
    );
    CREATE INDEX memory_sources_by_source ON memory_sources (source_id);
    CREATE INDEX memories_drawn ON memories (character_id, kind) WHERE reflection_id IS NOT NULL;
    """),
    ("0011_ledger", """
    -- the ledger: every edit of her manuscript and what it was, the reveal, the release
    CREATE TABLE ledger (
        id            INTEGER PRIMARY KEY,
        character_id  INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        revision_id   INTEGER REFERENCES revisions(id) ON DELETE CASCADE,
        kind          TEXT NOT NULL CHECK (kind IN ('first', 'description', 'will', 'unread', 'reveal', 'release')),
        made_by       TEXT NOT NULL,
        confirmed     INTEGER NOT NULL DEFAULT 0,
        readings      TEXT NOT NULL DEFAULT '[]',
        model         TEXT,
        seconds       REAL,
        note          TEXT NOT NULL DEFAULT '',
        made_at       TEXT NOT NULL
    );
    CREATE INDEX ledger_by_character ON ledger (character_id, id);
    CREATE UNIQUE INDEX ledger_one_release ON ledger (character_id) WHERE kind = 'release';
    """),
    ("0012_recalled", """
    ALTER TABLE turns ADD COLUMN recalled TEXT;
    """),
]


POSTGRES: list[tuple[str, str]] = [
    ("0001_characters_revisions_people_conversations_turns_invites", """
    CREATE TABLE characters (
        id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        slug        TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE revisions (
        id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        character_id  BIGINT NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        number        BIGINT NOT NULL,
        parent_id     BIGINT REFERENCES revisions(id),
        text          TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        author        TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        summary       TEXT NOT NULL,
        UNIQUE (character_id, number)
    );
    CREATE TABLE people (
        id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        character_id  BIGINT NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('author', 'visitor')),
        created_at    TEXT NOT NULL,
        UNIQUE (character_id, name)
    );
    CREATE TABLE conversations (
        id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        character_id  BIGINT NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        person_id     BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE turns (
        id                    BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        conversation_id       BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        speaker               TEXT NOT NULL CHECK (speaker IN ('person', 'her')),
        text                  TEXT NOT NULL,
        status                TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'partial')),
        revision_id           BIGINT REFERENCES revisions(id),
        backend               TEXT,
        model                 TEXT,
        tokens_evaluated      BIGINT,
        tokens_generated      BIGINT,
        first_token_ms        DOUBLE PRECISION,
        total_ms              DOUBLE PRECISION,
        error                 TEXT,
        created_at            TEXT NOT NULL,
        attempts              BIGINT,
        promises              TEXT,
        model_first_token_ms  DOUBLE PRECISION,
        diagnostic            INTEGER NOT NULL DEFAULT 0,
        fresh_from            BIGINT REFERENCES revisions(id)
    );
    CREATE INDEX turns_by_conversation ON turns (conversation_id, id);
    CREATE INDEX turns_by_revision ON turns (revision_id);
    CREATE INDEX revisions_by_character ON revisions (character_id, number);
    CREATE TABLE invites (
        id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        character_id  BIGINT NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        person_id     BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        token_hash    TEXT NOT NULL UNIQUE,
        created_at    TEXT NOT NULL,
        revoked_at    TEXT
    );
    """),
    ("0002_scenes", """
    CREATE TABLE participants (
        conversation_id  BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        person_id        BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        PRIMARY KEY (conversation_id, person_id)
    );
    INSERT INTO participants (conversation_id, person_id) SELECT id, person_id FROM conversations;
    ALTER TABLE turns ADD COLUMN person_id BIGINT REFERENCES people(id) ON DELETE CASCADE;
    ALTER TABLE turns ADD COLUMN kind TEXT NOT NULL DEFAULT 'said';
    UPDATE turns SET person_id = (SELECT person_id FROM conversations WHERE id = turns.conversation_id)
    WHERE speaker = 'person';
    CREATE INDEX participants_by_person ON participants (person_id);
    """),
    ("0003_turn_changes", """
    ALTER TABLE turns ADD COLUMN replaced_by BIGINT REFERENCES turns(id) ON DELETE SET NULL;
    ALTER TABLE turns ADD COLUMN deleted_at TEXT;
    CREATE TABLE turn_changes (
        id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        turn_id     BIGINT NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
        change      TEXT NOT NULL CHECK (change IN ('deleted', 'corrected', 'chosen')),
        old_text    TEXT NOT NULL,
        made_by     TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX turn_changes_by_turn ON turn_changes (turn_id);
    """),
    ("0004_memories", """
    CREATE TABLE memories (
        id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        character_id   BIGINT NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,
        turn_id        BIGINT UNIQUE REFERENCES turns(id) ON DELETE CASCADE,
        conversation_id BIGINT REFERENCES conversations(id) ON DELETE CASCADE,
        speaker        TEXT NOT NULL,
        hers           INTEGER NOT NULL DEFAULT 0,
        text           TEXT NOT NULL,
        context        TEXT NOT NULL DEFAULT '',
        lived_at       TEXT NOT NULL,
        revision_id    BIGINT REFERENCES revisions(id) ON DELETE SET NULL,
        importance     DOUBLE PRECISION,
        private        INTEGER NOT NULL DEFAULT 0,
        superseded_by  BIGINT REFERENCES revisions(id) ON DELETE SET NULL,
        deleted_at     TEXT,
        deleted_by     TEXT,
        search         TSVECTOR GENERATED ALWAYS AS (setweight(to_tsvector('english', speaker || ' ' || text), 'A')
                                                     || setweight(to_tsvector('english', context), 'C')) STORED
    );
    CREATE INDEX memories_by_character ON memories (character_id, id);
    CREATE INDEX memories_by_conversation ON memories (conversation_id);
    CREATE INDEX memories_by_revision ON memories (revision_id);
    CREATE INDEX memories_superseded ON memories (superseded_by) WHERE superseded_by IS NOT NULL;
    CREATE INDEX memories_search ON memories USING GIN (search);
    CREATE TABLE memory_people (
        memory_id  BIGINT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        person_id  BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        PRIMARY KEY (memory_id, person_id)
    );
    CREATE INDEX memory_people_by_person ON memory_people (person_id, memory_id);
    CREATE TABLE memory_reviews (
        revision_id   BIGINT PRIMARY KEY REFERENCES revisions(id) ON DELETE CASCADE,
        character_id  BIGINT NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        superseded    BIGINT NOT NULL,
        done_at       TEXT NOT NULL
    );
    """),
    ("0005_reflections", """
    CREATE TABLE reflections (
        id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        character_id    BIGINT NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        through_memory  BIGINT NOT NULL,
        read            BIGINT NOT NULL,
        drawn           BIGINT NOT NULL,
        importance      DOUBLE PRECISION NOT NULL,
        seconds         DOUBLE PRECISION NOT NULL,
        model           TEXT,
        made_at         TEXT NOT NULL
    );
    CREATE INDEX reflections_by_character ON reflections (character_id, id);
    ALTER TABLE memories ADD COLUMN about TEXT;
    ALTER TABLE memories ADD COLUMN reflection_id BIGINT REFERENCES reflections(id) ON DELETE CASCADE;
    ALTER TABLE memories ADD COLUMN outgrown_by BIGINT REFERENCES reflections(id) ON DELETE SET NULL;
    CREATE TABLE memory_sources (
        memory_id  BIGINT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        source_id  BIGINT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        PRIMARY KEY (memory_id, source_id)
    );
    CREATE INDEX memory_sources_by_source ON memory_sources (source_id);
    CREATE INDEX memories_drawn ON memories (character_id, kind) WHERE reflection_id IS NOT NULL;
    """),
    ("0006_ledger", """
    CREATE TABLE ledger (
        id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        character_id  BIGINT NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        revision_id   BIGINT REFERENCES revisions(id) ON DELETE CASCADE,
        kind          TEXT NOT NULL CHECK (kind IN ('first', 'description', 'will', 'unread', 'reveal', 'release')),
        made_by       TEXT NOT NULL,
        confirmed     BIGINT NOT NULL DEFAULT 0,
        readings      TEXT NOT NULL DEFAULT '[]',
        model         TEXT,
        seconds       DOUBLE PRECISION,
        note          TEXT NOT NULL DEFAULT '',
        made_at       TEXT NOT NULL
    );
    CREATE INDEX ledger_by_character ON ledger (character_id, id);
    CREATE UNIQUE INDEX ledger_one_release ON ledger (character_id) WHERE kind = 'release';
    """),
    ("0007_recalled", """
    ALTER TABLE turns ADD COLUMN recalled TEXT;
    """),
]

_LOCK = 0x1A4B_0E11  # PostgreSQL advisory lock held while migrating: Inkborn's own number


def migrate_sqlite(db: sqlite3.Connection) -> int:
    """Bring a SQLite database up to the newest schema; returns the version reached."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, (_, script) in enumerate(SQLITE[version:], start=version + 1):
        # executescript commits first; the version bump rides in the same script
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return len(SQLITE)


def migrate_postgres(db: Any) -> list[str]:
    """Bring a PostgreSQL database up to the newest schema; returns the names applied now."""
    applied: list[str] = []
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        db.execute("CREATE TABLE IF NOT EXISTS inkborn_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row["name"] for row in db.execute("SELECT name FROM inkborn_migrations").fetchall()}
        for name, script in POSTGRES:
            if name in done:
                continue
            db.execute(script)
            db.execute("INSERT INTO inkborn_migrations (name, applied_at) VALUES (%s, now()::text)", (name,))
            applied.append(name)
    return applied
