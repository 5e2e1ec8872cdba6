"""The schema, as numbered migrations. Append new ones; never edit an old one."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: characters, revisions, people, conversations, turns
    """
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
    """,
    # 2: what keeping her promises took for each reply, and when the model's first token came
    """
    ALTER TABLE turns ADD COLUMN attempts INTEGER;
    ALTER TABLE turns ADD COLUMN promises TEXT;
    ALTER TABLE turns ADD COLUMN model_first_token_ms REAL;
    """,
    # 3: visitors' invitations: a hash of each token, never the token
    """
    CREATE TABLE invites (
        id            INTEGER PRIMARY KEY,
        character_id  INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        token_hash    TEXT NOT NULL UNIQUE,
        created_at    TEXT NOT NULL,
        revoked_at    TEXT
    );
    """,
    # 4: finding her first reply under a revision (has an edit reached her?)
    """
    CREATE INDEX turns_by_revision ON turns (revision_id);
    """,
    # 5: replies from a diagnostic backend (echo), kept apart: never recalled as her words
    """
    ALTER TABLE turns ADD COLUMN diagnostic INTEGER NOT NULL DEFAULT 0;
    """,
    # 6: what was fresh for the person she answered: the revision her words to them were spoken under
    #    before this reply (reply.fresh_for); turns stored before it get the same rule, read back
    """
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
    """,
]


def migrate(db: sqlite3.Connection) -> int:
    """Bring the database up to the newest schema; returns the version reached."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        # executescript commits first; the version bump rides in the same script
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return len(MIGRATIONS)
