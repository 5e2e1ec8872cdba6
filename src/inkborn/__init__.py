"""Inkborn: a manuscript becomes a person who speaks, and an edit shows in her very next sentence.

    from inkborn import Studio
    with Studio() as studio:
        ruby = studio.create("ruby", open("ruby.md").read(), author="Calvin")
        for text in ruby.say("Hi Ruby, how was your day?"):
            print(text, end="")
        ruby.edit("append", new="Ruby speaks French fluently.")
        print(ruby.say("What are you painting?").finish().text)   # en français
"""

from .backends import Backend, Message, Prompt, Usage
from .character import Character, Reply
from .conversation import Turn
from .errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    EditorFailed,
    InkbornError,
    InvalidInput,
    ManuscriptTooLong,
    ModelFileError,
    NotFound,
    StaleRevision,
)
from .manuscript import Revision
from .people import Person
from .studio import Studio

__all__ = [
    "Backend",
    "BackendError",
    "BackendTimeout",
    "BackendUnavailable",
    "Character",
    "EditorFailed",
    "InkbornError",
    "InvalidInput",
    "ManuscriptTooLong",
    "Message",
    "ModelFileError",
    "NotFound",
    "Person",
    "Prompt",
    "Reply",
    "Revision",
    "StaleRevision",
    "Studio",
    "Turn",
    "Usage",
]
__version__ = "0.1.0"
