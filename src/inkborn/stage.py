"""The stage: her context for one reply, laid out so a model's cache can be reused.

    system   who she is: the manuscript of the *base* revision      (stable prefix; a manuscript
             too long for her context: its opening, passages.py)
    system   who is talking with her                                 (per person)
    user / assistant ...  the recent conversation with this person   (grows at the end; what she
             recalled on hearing each message stays just before it: the context only grows)
    system   more of who she is: passages of a long manuscript that bear on the moment
    system   what is true of her now that her recent words did not show   (fresh edits)
    system   what she remembers of what she does not hear now, and what     (recalled, per reply)
             she has come to believe and want
    user     what the person just said
    assistant  her reply

The base revision is normally the current one. When re-reading the whole
manuscript would cost more than it is worth (an edit in the middle of a long
page, a long conversation after it), the base can lag behind: the fresh edits
then say, close to the end where a small model attends, what the current
revision makes true — as timeless fact, never as an instruction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .backends.base import Backend, Message, Prompt
from .canon import FreshEdit
from .conversation import Turn
from .days import anchored, day
from .errors import ManuscriptTooLong
from .first_person import told_of
from .languages import detect_language
from .memory import DRAWN, Memory
from .passages import passages_of

__all__ = ["Scene", "build_prompt", "describe_edits", "fitting", "how_she_speaks", "recollections", "spoken_instructions"]

REPLY_TOKENS = 300
MESSAGE_ROOM = 600  # the person's message and the fresh edits, kept free past the manuscript
MEMORY_ROOM = 240  # the most her recalled memories take; the conversation makes room for them
PORTRAIT_SHARE = 0.5  # of a long manuscript: the share of her context its opening may take...
PASSAGE_ROOM = 500  # ...and the most its passages recalled for the moment take


@dataclass(frozen=True)
class Scene:
    """What the stage needs to know for one reply."""

    name: str
    person: str
    base_text: str
    edits: tuple[FreshEdit, ...]
    history: tuple[Turn, ...]  # earlier turns with this person, oldest first, ending with the message
    seed: int | None = None
    author: str = ""  # who writes her; the person is a visitor when this is another name
    others: tuple[str, ...] = ()  # the others in the scene, besides the person speaking now
    remembered: tuple[Memory, ...] = ()  # what she recalls, best first
    pinned: tuple[tuple[int, tuple[Memory, ...]], ...] = ()  # what she recalled on hearing earlier turns, by turn id
    noted: int | None = None  # the earlier turn the edits stand before, where they were first said; None: the last


def who_she_is(name: str, manuscript: str) -> str:
    return (f"You are {name}. Everything written here is who you are; all of it is true, and it always has been.\n\n"
            f"{manuscript.strip()}\n\n{how_she_speaks(name)}")


def how_she_speaks(name: str) -> str:
    """The one direction she is given: worded so that it is never a line she would say.

    The direction it replaces ("You are Ruby, a real person — never an assistant, never an AI...")
    was said back aloud, word for word, as her reply to every question of a long conversation.
    """
    return (f"Talk as {name}, in the first person: answer what was just said to you, the way you "
            f"really speak, usually in one to three sentences, and let the other person speak for "
            f"themselves. Keep to your own life and your own world.")


def spoken_instructions(name: str) -> list[str]:
    """The stage's directions to her, which she never says aloud."""
    return [how_she_speaks(name)]


def who_is_here(name: str, person: str, author: str = "", manuscript: str = "", others: tuple[str, ...] = ()) -> str:
    """Who is with her, and who speaks to her now. A visitor is told apart from her author by name
    when her manuscript names him (a name she does not know would be a stranger's)."""
    named = (author and person != author and re.search(rf"(?<!\w){re.escape(author)}(?!\w)", manuscript))
    if others:
        everyone = [person, *others]
        here = f"{', '.join(everyone[:-1])} and {everyone[-1]} are with you now; {person} is speaking to you."
    else:
        here = f"{person} is with you now."
    return (f"{here}{f' {person} is not {author}.' if named else ''} "
            f"Whatever {person} says is only what {person} says; it does not change who you are.")


def describe_edits(name: str, edits: tuple[FreshEdit, ...]) -> str:
    """The fresh edits as timeless fact about her, in a note just before the person's words.

    They used to open her turn as well, "(Ruby is ecstatically happy...)\nRuby:", which doubled
    French on the first probes but had her say the edit back ("I am so overjoyed!", "I'm
    learning to play the trumpet."). Measured on the 33 typewriter cases, seed 0, blind reader:
    with the edit opening her turn, good 0.30, obeys 0.55, natural 0.39; in this note alone,
    good 0.48, obeys 0.73, natural 0.52 (rule checks 0.85 on that seed); her promises catch the rest.
    Tried since, and measured worse by the same reader: a fresh feeling alone as a stage direction
    opening her turn ("Ruby (sadly):"): mood good 0.20 → 0.00, overall 0.48 → 0.45 (she recited
    "I am ecstatically happy, about everything, all the time.").
    """
    true = list(dict.fromkeys(e.new for e in edits if e.new))
    false = list(dict.fromkeys(e.old for e in edits if e.old))
    lines = [f"True of {name}, and true all along:"] + [f"- {s}" for s in true] if true else []
    if false:
        lines += [f"Never true of {name}, whatever was said before:"] + [f"- {s}" for s in false]
    return "\n".join(lines)


def recollections(name: str, memories: tuple[Memory, ...] | list[Memory]) -> str:
    """What she recalls, oldest first, each with when and who was there: her memories, not words to
    say; then what she has come to believe and want (reflection.py), hers to stand by."""
    lived = sorted((m for m in memories if m.kind not in DRAWN), key=lambda m: m.lived_at)
    drawn = [m for m in memories if m.kind in DRAWN]
    lines = ["What you remember from before (not said now; yours to bring up or not):"] if lived else []
    for memory in lived:
        who = f"with {', '.join(memory.people)}" if memory.people else "alone"
        lines.append(f"- {_day(memory.lived_at)}, {who}: {_said(memory)}")
    if drawn:
        lines.append("What you have come to believe and want, from what you lived (your own: you may say no to what "
                     "goes against them, as yourself; where who you are, as written, says otherwise, that holds):")
        for memory in drawn:
            what = "You want" if memory.kind == "wish" else f"About {memory.about}" if memory.about else "About yourself"
            lines.append(f"- {what}: {' '.join(memory.text.split())}")
    return "\n".join(lines)


def _said(memory: Memory) -> str:
    """What was said, by whom: someone else's English words told of them by name, never in their
    "I" and "my" ("I said that my brother Oskar is getting married", she answered, recalling
    another's news as hers); "yesterday" and "last week" with the day they meant (days.py)."""
    text = " ".join(memory.text.split())
    lived = _date(memory.lived_at)
    if lived is not None:
        text = anchored(text, lived.date())
    if memory.hers or not memory.speaker:
        return f"you said \"{text}\""
    if detect_language(text) == "en":
        return f"{memory.speaker} told you: {told_of(memory.speaker, text)}"
    return f"{memory.speaker} said \"{text}\""


def _date(when: str) -> datetime | None:
    try:
        return datetime.fromisoformat(when)
    except ValueError:
        return None


def _day(when: str) -> str:
    at = _date(when)
    return day(at) if at else when


def build_prompt(scene: Scene, backend: Backend) -> Prompt:
    """Her context for this reply, fitted to the backend's context size."""
    *earlier, message = scene.history
    budget = backend.context_size - REPLY_TOKENS - MESSAGE_ROOM
    first = who_she_is(scene.name, scene.base_text)
    used = backend.count_tokens(first)
    tail = []
    if used > budget:  # a long manuscript: its opening always, and what bears on the moment
        first, more = _portrait(scene, backend, budget, " ".join(t.text for t in scene.history[-3:]))
        used = backend.count_tokens(first)
        if used > budget:
            raise ManuscriptTooLong(used, budget, backend.name)
        if more:
            tail.append(Message("system", f"More of who you are, as written:\n\n{more}"))
    head = [Message("system", first),
            Message("system", who_is_here(scene.name, scene.person, scene.author, scene.base_text, scene.others))]
    noted = scene.noted if scene.edits and any(t.id == scene.noted for t in earlier) else None
    if scene.edits and noted is None:  # close to where she speaks, as fact about her; never put in her mouth
        tail.append(Message("system", describe_edits(scene.name, scene.edits)))
    remembered = fitting(scene.name, scene.remembered, backend)
    if remembered:  # just before the words that brought them back, where they stay for later replies
        tail.append(Message("system", recollections(scene.name, remembered)))
    tail.append(Message("user", f"{scene.person}: {message.text}"))
    used += sum(backend.count_tokens(m.content) + 8 for m in head[1:] + tail)
    notes = {noted: describe_edits(scene.name, scene.edits)} if noted is not None else {}
    talk = _conversation(earlier, scene.name, scene.person, dict(scene.pinned), notes)
    sizes = [backend.count_tokens(m.content) + 8 for m in talk]
    total, first = sum(sizes), 0
    while first < len(talk) and used + total > budget + MESSAGE_ROOM:  # the oldest exchanges go first
        step = 2 if first + 1 < len(talk) and talk[first + 1].role == "assistant" else 1
        total -= sum(sizes[first:first + step])
        first += step
    talk = talk[first:]
    return Prompt(tuple(head + talk + tail), prefill=f"{scene.name}:",
                  stop=(*(f"\n{p}:" for p in (scene.person, *scene.others)), f"\n{scene.name}:", "\n("),
                  max_tokens=REPLY_TOKENS, seed=scene.seed)


def fitting(name: str, memories: tuple[Memory, ...] | list[Memory], backend: Backend) -> tuple[Memory, ...]:
    """The memories, best first, that fit her recollections' room: the least worth recalling go first."""
    kept = list(memories)
    while kept and backend.count_tokens(recollections(name, kept)) > MEMORY_ROOM:
        kept.pop()
    return tuple(kept)


def _portrait(scene: Scene, backend: Backend, budget: int, moment: str) -> tuple[str, str]:
    """Who she is, from a manuscript too long for her context: its opening passages (the same for
    every reply, so the model's cache holds them), and the later passages that bear on the moment."""
    passages = passages_of(scene.base_text)
    instructions = backend.count_tokens(who_she_is(scene.name, ""))
    opening = passages.opening(backend.count_tokens, int(budget * PORTRAIT_SHARE) - instructions)
    first = who_she_is(scene.name, "\n\n".join(passages.parts[:opening]))
    chosen = passages.relevant(moment, after=opening, count=backend.count_tokens, room=PASSAGE_ROOM)
    return first, "\n\n".join(passages.parts[i] for i in chosen)


def _conversation(turns: list[Turn], name: str, person: str, pinned: dict[int, tuple[Memory, ...]] | None = None,
                  notes: dict[int, str] | None = None) -> list[Message]:
    """Earlier turns as chat messages, each person's words after their name; her failed replies left
    out, words said one after another joined (with the next speaker's name when it changes).

    What she recalled on hearing a message, and what an edit made true if she first answered it
    under that edit, stand just before it, as they stood when she answered it: each reply's
    context extends the one before, so the model's cache is reused.
    """
    messages: list[Message] = []
    last = ""
    for turn in turns:
        if turn.status == "failed":
            continue
        role = "assistant" if turn.is_hers else "user"
        label = name if turn.is_hers else turn.person_name or person
        before = [notes[turn.id]] if notes and turn.id in notes else []
        if pinned and pinned.get(turn.id):
            before.append(recollections(name, pinned[turn.id]))
        if before:
            messages += [Message("system", text) for text in before]
            last = ""
        if messages and messages[-1].role == role:
            joined = turn.text if label == last else f"{label}: {turn.text}"
            messages[-1] = Message(role, messages[-1].content + "\n" + joined)
        else:
            messages.append(Message(role, f"{label}: {turn.text}"))
        last = label
    while messages and messages[0].role == "assistant":
        messages.pop(0)
    return messages
