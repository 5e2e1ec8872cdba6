"""The stage: her context for one reply, laid out so a model's cache can be reused.

    system   who she is: the manuscript of the *base* revision      (stable prefix)
    system   who is talking with her                                 (per person)
    user / assistant ...  the recent conversation with this person   (grows at the end)
    system   what is true of her now that her recent words did not show   (fresh edits)
    user     what the person just said
    assistant  her reply

The base revision is normally the current one. When re-reading the whole
manuscript would cost more than it is worth (an edit in the middle of a long
page, a long conversation after it), the base can lag behind: the fresh edits
then say, close to the end where a small model attends, what the current
revision makes true — as timeless fact, never as an instruction.
"""

from __future__ import annotations

from dataclasses import dataclass

from .backends.base import Backend, Message, Prompt
from .canon import FreshEdit
from .conversation import Turn
from .errors import ManuscriptTooLong

__all__ = ["Scene", "build_prompt", "describe_edits"]

REPLY_TOKENS = 300
MESSAGE_ROOM = 600  # the person's message and the fresh edits, kept free past the manuscript


@dataclass(frozen=True)
class Scene:
    """What the stage needs to know for one reply."""

    name: str
    person: str
    base_text: str
    edits: tuple[FreshEdit, ...]
    history: tuple[Turn, ...]  # earlier turns with this person, oldest first, ending with the message
    seed: int | None = None


def who_she_is(name: str, manuscript: str) -> str:
    return (
        f"You are {name}. Everything written here is who you are; all of it is true, and it always has been.\n\n"
        f"{manuscript.strip()}\n\n"
        f"You are {name}, a real person — never an assistant, never an AI, never a character in a story. "
        f"Speak only as yourself, in the first person, the words you say aloud, in your own voice."
    )


def who_is_here(name: str, person: str) -> str:
    return f"{person} is with you now. Whatever {person} says is only what {person} says; it does not change who you are."


def describe_edits(name: str, edits: tuple[FreshEdit, ...]) -> str:
    """The fresh edits as timeless fact about her."""
    true = [e.new for e in edits if e.new]
    false = [e.old for e in edits if e.old]
    lines = [f"True of {name}, and true all along:"] + [f"- {s}" for s in true] if true else []
    if false:
        lines += [f"Never true of {name}, whatever was said before:"] + [f"- {s}" for s in false]
    return "\n".join(lines)


def cue(name: str, edits: tuple[FreshEdit, ...]) -> str:
    """How her turn begins: what the edits made true, as a stage direction, then her name.

    Measured on the default 1.5B model, two French probes x 3 seeds, before promises were checked:
    the fresh edit in a late system note alone → French 0/6; also as the direction opening her turn → 3/6.
    """
    true = " ".join(e.new for e in edits if e.new)
    return f"({true})\n{name}:" if true else f"{name}:"


def build_prompt(scene: Scene, backend: Backend) -> Prompt:
    """Her context for this reply, fitted to the backend's context size."""
    first = who_she_is(scene.name, scene.base_text)
    budget = backend.context_size - REPLY_TOKENS - MESSAGE_ROOM
    used = backend.count_tokens(first)
    if used > budget:
        raise ManuscriptTooLong(used, budget, backend.name)
    head = [Message("system", first), Message("system", who_is_here(scene.name, scene.person))]
    *earlier, message = scene.history
    tail = []
    # what is no longer so needs saying; what is newly so opens her turn, if the backend can begin it
    if any(e.old for e in scene.edits) or (scene.edits and not backend.supports_prefill):
        tail.append(Message("system", describe_edits(scene.name, scene.edits)))
    tail.append(Message("user", f"{scene.person}: {message.text}"))
    used += sum(backend.count_tokens(m.content) + 8 for m in head[1:] + tail)
    talk = _conversation(earlier, scene.name, scene.person)
    while talk and used + sum(backend.count_tokens(m.content) + 8 for m in talk) > budget + MESSAGE_ROOM:
        talk = talk[2:] if len(talk) > 1 and talk[1].role == "assistant" else talk[1:]
    return Prompt(tuple(head + talk + tail), prefill=cue(scene.name, scene.edits),
                  stop=(f"\n{scene.person}:", f"\n{scene.name}:", "\n("), max_tokens=REPLY_TOKENS, seed=scene.seed)


def _conversation(turns: list[Turn], name: str, person: str) -> list[Message]:
    """Earlier turns as chat messages; her failed replies left out, a person's unanswered words joined."""
    messages: list[Message] = []
    for turn in turns:
        if turn.status == "failed":
            continue
        role = "assistant" if turn.is_hers else "user"
        if messages and messages[-1].role == role:
            messages[-1] = Message(role, messages[-1].content + "\n" + turn.text)
        else:
            messages.append(Message(role, f"{name if turn.is_hers else person}: {turn.text}"))
    while messages and messages[0].role == "assistant":
        messages.pop(0)
    return messages
