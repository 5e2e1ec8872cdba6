"""Keeping her promises while she speaks: one voice, whole sentences, a limit met by how she speaks, the judge."""

from __future__ import annotations

import pytest

from inkborn.backends.base import Message, Prompt, Usage
from inkborn.backends.fake import FakeBackend
from inkborn.errors import BackendError
from inkborn.judge import mood_kept, read_feeling
from inkborn.keeping import Keeping, keep
from inkborn.mending import _to_them, within
from inkborn.spoken import (unaddressed, unquoted, unrestated, until_another_voice, until_talk_to_nobody, unwrapped,
                            whole_sentences)
from inkborn.restatement import without_restatement
from inkborn.voice import to_nobody
from inkborn.promises import Promise, read_promises

PROMPT = Prompt((Message("system", "You are Juno."), Message("user", "Tomas: How are the bees?")), prefill="Juno:")


def run(fake: FakeBackend, promises: list[Promise], prompt: Prompt = PROMPT) -> tuple[str, Keeping]:
    record = Keeping()
    text = "".join(keep(fake, prompt, promises, "Juno", Usage(), record, message="How are the bees?", person="Tomas"))
    return text, record


@pytest.mark.parametrize(
    ("said", "hers"),
    [
        ("They are loud today.\nTomas: Loud how?", "They are loud today."),
        ("Fine, thanks.\nThe patient: Can you tell me more?", "Fine, thanks."),
        ("Bien, merci.\n**Le voisin** : Et le miel ?", "Bien, merci."),
        ("Sehr gut.\n\nJuno: Und dir?", "Sehr gut."),
        ("One hive swarmed.\nThen the rain came, and the rest stayed home.", "One hive swarmed.\nThen the rain came, and the rest stayed home."),
        ("A list:\n- wax\n- honey", "A list:\n- wax\n- honey"),
        ("Two things.\nfirst: the garden, then the hives.", "Two things.\nfirst: the garden, then the hives."),
        ("Quiet.\nTomas (laughing): Quiet?", "Quiet."),
    ],
)
def test_she_stops_where_a_line_of_someone_elses_begins(said: str, hers: str) -> None:
    chunks = iter([w if i == 0 else " " + w for i, w in enumerate(said.split(" "))])
    assert "".join(until_another_voice(chunks)) == hers


def test_the_other_speakers_line_never_reaches_the_person() -> None:
    fake = FakeBackend()
    fake.enqueue("Near the river, in the west of the city.\nTomas: Oh, that's not far from me.")
    text, _ = run(fake, [])
    assert text == "Near the river, in the west of the city."


TO_NOBODY = {  # said after her answer: a truth for everyone, an assistant's offer, a summing-up
    "en": ("But it's always a good idea to plan ahead!", "It is so important to keep warm in winter.",
           "Let me know if you need any help with it.", "In conclusion, it was a good day."),
    "fr": ("Mais c'est toujours une bonne idée de prévoir.", "Il est important de rester au chaud.",
           "N'hésite pas à me demander.", "En résumé, c'était une belle journée."),
    "es": ("Pero siempre es una buena idea planificar.", "Es importante mantenerse caliente.",
           "No dudes en preguntar.", "En resumen, fue un buen día."),
    "de": ("Aber es ist immer eine gute Idee, vorauszuplanen.", "Es ist wichtig, warm zu bleiben.",
           "Zögere nicht, mich zu fragen.", "Zusammenfassend war es ein guter Tag."),
    "it": ("Ma è sempre una buona idea pianificare.", "È importante stare al caldo.",
           "Non esitare a chiedere.", "In conclusione, è stata una bella giornata."),
    "pt": ("Mas é sempre uma boa ideia planear.", "É importante ficar quente.",
           "Não hesite em perguntar.", "Em resumo, foi um bom dia."),
}
TO_SOMEONE = {  # hers: about her life, to the person, advice to him
    "en": ("It's good to see you, Tomas.", "It's always cold up on the ridge.", "Remember to shut the gate.",
           "Let me know when you're back.", "It's good to be home.", "It's important to me that you come.",
           "At the end of the day, I walked home alone.", "Is there anything else in the box?",
           "Let me know if you want the car tomorrow."),
    "fr": ("Il fait toujours froid là-haut.", "C'est bon de te voir.", "Ferme bien la barrière.", "Dis-moi quand tu rentres.",
           "C'est génial de te revoir !", "C'est important pour moi.", "Il est important dans ma vie.",
           "Il est bon danseur, mon mari."),
    "es": ("Siempre hace frío en la cresta.", "Me alegra verte.", "Recuerda cerrar la puerta.", "Avísame cuando vuelvas.",
           "Es importante para mí.", "Es genial volver a verte."),
    "de": ("Oben am Hang ist es immer kalt.", "Schön, dich zu sehen.", "Denk daran, das Tor zu schließen.",
           "Sag mir Bescheid, wenn du zurück bist.", "Es ist schön, dich zu sehen!", "Es ist gut, dich zu hören.",
           "Insgesamt waren wir zwölf Leute."),
    "it": ("Sulla cresta fa sempre freddo.", "Che bello vederti.", "Ricordati di chiudere il cancello.",
           "Fammi sapere quando torni.", "È importante per me.", "È bello rivedere te."),
    "pt": ("No cume está sempre frio.", "Que bom ver-te.", "Lembra-te de fechar o portão.", "Avisa-me quando voltares.",
           "É bom ver você!", "É ótimo ter você aqui."),
}


@pytest.mark.parametrize("lang", sorted(TO_NOBODY))
def test_a_sentence_that_talks_to_nobody_is_told_from_one_that_is_hers(lang: str) -> None:
    for sentence in TO_NOBODY[lang]:
        assert to_nobody(sentence), sentence
    for sentence in TO_SOMEONE[lang]:
        assert not to_nobody(sentence), sentence


@pytest.mark.parametrize("size", [1, 3, 40])
def test_after_her_answer_a_sentence_to_nobody_ends_her_reply_before_it(size: int) -> None:
    def said(text: str) -> str:
        return "".join(until_talk_to_nobody(iter([text[i:i + size] for i in range(0, len(text), size)])))

    assert said("I have no plans, Tomas. But it's always a good idea to plan ahead! And so on.") == "I have no plans, Tomas."
    assert said("Non, pas ce soir. Il est important de rester au chaud.") == "Non, pas ce soir."
    assert said("Tomas! It's always a good idea to plan ahead.") == "Tomas! It's always a good idea to plan ahead."
    assert said("Yes. And it is really a nice thing to talk to you again.") == "Yes. And it is really a nice thing to talk to you again."
    assert said("It's always a good idea to ask. The hives are fine.") == "It's always a good idea to ask. The hives are fine."
    assert said("Mrs. Aalto is fine. It's good to see you. It is 3.5 miles.") == "Mrs. Aalto is fine. It's good to see you. It is 3.5 miles."
    assert said("Yes, all of them! In conclusion,") == "Yes, all of them!"  # cut off as it began: nothing of it is said


RESTATED = {  # (heard, said, what she is heard to say): her yes or no, the question said back, and more
    "en": [("Do you listen to the radio while you work?", "Yes, I listen to the radio while working. It helps me think.",
            "Yes. It helps me think."),
           ("Have you ever sold a painting?", "No, I have never sold a painting. But a gallery asked.",
            "No. But a gallery asked."),
           ("Have you thought of moving?", "Yes, I've thought about moving. But where to?", "Yes. But where to?"),
           ("Do you remember the flood?", "Yes, Mara Lind. I remember the flood. The water reached the stairs.",
            "Yes, Mara Lind. The water reached the stairs."),
           ("Do you still swim in the lake on Sundays?", "Yes, Mara, I still swim in the lake on Sundays. It's freezing!",
            "Yes, Mara. It's freezing!"),
           ("Do you remember the flood?", "Yes, Mara. I remember the flood. The water reached the stairs.",
            "Yes, Mara. The water reached the stairs."),
           ("Do you listen to the radio while you work?", "Yes! I listen to the radio while working. It helps.",
            "Yes! It helps.")],
    "fr": [("Tu peins le matin ?", "Oui, je peins le matin. La lumière est meilleure.", "Oui. La lumière est meilleure.")],
    "es": [("¿Tocas la guitarra por las noches?", "Sí, toco la guitarra por las noches. Me calma.", "Sí. Me calma."),
           ("¿Tocas la guitarra?", "¡Sí! Toco la guitarra. Cada noche.", "¡Sí! Cada noche.")],
    "de": [("Hörst du Radio bei der Arbeit?", "Ja, ich höre Radio bei der Arbeit. Das entspannt mich.",
            "Ja. Das entspannt mich.")],
    "it": [("Ascolti la radio quando lavori?", "Sì, ascolto la radio quando lavoro. Mi rilassa.", "Sì. Mi rilassa.")],
    "pt": [("Você pinta de manhã?", "Sim, pinto de manhã. A luz é melhor.", "Sim. A luz é melhor.")],
}
HER_ANSWER = [  # kept whole: a word of her own, nothing after it, no yes or no, "si" as "if"
    ("Would you like to come for a walk?", "Yes, I would love to come for a walk. Give me a minute."),
    ("Do the gulls wake you up?", "Yes, the gulls wake me up at five. They're merciless."),
    ("Do you still go fishing on Sundays?", "Yes, I still go fishing on Sundays."),
    ("Do you listen to the radio while you work?", "I listen to the radio while I work. It helps."),
    ("Tu viens demain ?", "Si tu viens demain, je cuisine. Ça te va ?"),
    ("Do you like the rain?", "No, I hate the cold that comes with it. Give me August."),
    ("Do you have children?", "Yes, I have six children. The eldest is a sailor."),  # a number is news
    ("Do you have a car?", "Yes, I have 3 cars. Too many."),
    ("Do you still have a car?", "No, I still have the old car. The boat sank."),
    ("Are you from the north?", "No, I'm from the northeast. It's colder."),
    ("Don't you like the rain?", "No, I like the rain. It's the cold I hate."),  # her sentence tells her yes from no
    ("Do you still visit Mrs. Aalto?", "Yes, I still visit Mrs. Aalto every week. She is kind."),
    ("Do you listen to the radio while you work?", "Yes, Dr. Lee, I listen to the radio while working. It helps."),
    ("Did you see J. Smith at the fair?", "Yes, I did see J. Smith at the fair. He waved."),
    ("Would you like tea or coffee?", "Yes, I would like coffee. Black, please."),  # her choice
    ("Do you like tea? And coffee?", "No, I like coffee. Tea is too bitter."),
    ("Did you call Tom?", "No, Tom called me. Last night, late."),  # who did what
    ("Did the cat chase the dog?", "No, the dog chased the cat. Then they slept."),
    ("Does your sister live in Paris?", "No, I live in Paris. She moved to Rome."),
    ("Do you live in Lyon?", "No, I lived in Lyon. Now I'm in Nice."),  # another time
    ("Do you want children?", "Yes, I wanted children. It never happened."),
    ("Do you want to stay?", "No, I want to start. It's time."),
    ("Have you climbed Mt. Fuji?", "Yes, I have climbed Mt. Fuji twice. It was cold."),
    ("Do you still work at Smith & Co.?", "Yes, I still work at Smith & Co. in town. It pays."),
    ("Do you listen to the radio while you work?", "Yes, I listen to the radio... while I work. It helps."),
    ("Is it too late to call Tom?", "Yes, it's not too late to call Tom. He's up."),  # a yes, then a no
]


@pytest.mark.parametrize("lang", sorted(RESTATED))
def test_the_question_said_back_after_her_yes_or_no_is_left_out(lang: str) -> None:
    for heard, said, hers in RESTATED[lang]:
        assert without_restatement(said, heard) == hers, said


def test_a_yes_or_no_with_words_of_her_own_or_nothing_after_it_is_kept_whole() -> None:
    for heard, said in HER_ANSWER:
        assert without_restatement(said, heard) == said, said


@pytest.mark.parametrize("size", [1, 4, 200])
def test_only_a_reply_that_opens_with_yes_or_no_is_held_and_only_to_its_second_sentence(size: int) -> None:
    def heard(text: str, question: str) -> list[str]:
        return list(unrestated(iter([text[i:i + size] for i in range(0, len(text), size)]), question))

    said = heard("No, I have never sold a painting. But a gallery asked. Twice.", "Have you ever sold a painting?")
    assert "".join(said) == "No. But a gallery asked. Twice."
    if size == 1:  # what follows her second sentence's first letter is said as it comes
        assert said[0] == "No. B" and "".join(said[1:]) == "ut a gallery asked. Twice."
        assert heard("Maybe.", "Are you tired?")[0] == "Maybe."  # no yes or no: said at once
    assert "".join(heard("Yes, I have sold a painting.", "Have you ever sold a painting?")) == (
        "Yes, I have sold a painting.")


@pytest.mark.parametrize("lang", sorted(RESTATED))
def test_her_reply_is_heard_without_the_question_said_back(lang: str) -> None:
    for heard, said, hers in RESTATED[lang]:  # through keep: her opening held, then the rest as the model goes on
        fake = FakeBackend()
        fake.enqueue(said)
        prompt = Prompt((Message("system", "You are Juno."), Message("user", f"Tomas: {heard}")), prefill="Juno:")
        record = Keeping()
        assert "".join(keep(fake, prompt, [], "Juno", Usage(), record, message=heard, person="Tomas")) == hers, said


def test_a_closing_quotation_mark_followed_by_a_newline_is_dropped_too() -> None:
    assert "".join(unquoted(iter(["\"Let it be late, Omar!\"\n"]))) == "Let it be late, Omar!"
    assert "".join(unquoted(iter(["\"Late", "!\"\n", " Still."]))) == "Late!\"\n Still."


def test_the_model_s_closing_truth_never_reaches_the_person() -> None:
    fake = FakeBackend()
    fake.enqueue("Loud, and busy with the heather. It's always exciting to learn new things about bees!")
    text, _ = run(fake, [])
    assert text == "Loud, and busy with the heather."


def test_a_reply_cut_off_by_its_length_ends_on_its_last_whole_sentence() -> None:
    words = ["The", " hives", " are", " loud.", " Then", " the", " queen", " went"]
    assert "".join(whole_sentences(iter(words), max_tokens=8)).strip() == "The hives are loud."
    assert "".join(whole_sentences(iter(words), max_tokens=100)) == "The hives are loud. Then the queen went"  # ended by itself


@pytest.mark.parametrize(
    ("said", "hers"),
    [
        ('"No, I slept badly. The room was too hot."', "No, I slept badly. The room was too hot."),
        ('"Hi!"', "Hi!"),
        ("\u00ab Bonjour, Tomas. Les abeilles vont bien. \u00bb", "Bonjour, Tomas. Les abeilles vont bien."),
        ("\u201eGuten Morgen! Die Bienen sind laut.\u201c", "Guten Morgen! Die Bienen sind laut."),
        ('"\u00bfLas abejas? Muy bien, gracias."', "\u00bfLas abejas? Muy bien, gracias."),
        ("\u201cLe api stanno bene, grazie.\u201d", "Le api stanno bene, grazie."),
        ('"As abelhas? Est\u00e3o \u00f3timas!"', "As abelhas? Est\u00e3o \u00f3timas!"),
        # quotation marks that belong to what she says stay
        ('"Queen Bee" is what I call the old hive.', '"Queen Bee" is what I call the old hive.'),
        ('I call the old hive "Queen Bee".', 'I call the old hive "Queen Bee".'),
        ('"The hives," I told him, "are loud."', '"The hives," I told him, "are loud."'),
    ],
)
def test_a_reply_wrapped_in_quotation_marks_is_said_without_them(said: str, hers: str) -> None:
    words = said.split(" ")
    chunks = iter([" ".join(words[:6]), *(" " + w for w in words[6:])])  # her first words are held, then streamed
    assert "".join(unwrapped(chunks)).strip() == hers
    fake = FakeBackend()
    fake.enqueue(said)
    assert run(fake, [])[0] == hers  # as she speaks: her words held before she is heard decide it


@pytest.mark.parametrize(
    ("before", "said", "hers"),
    [
        ("Tomas, the hives are loud.", "Tomas, I think they know it rains.", "I think they know it rains."),
        ("Tomas! Bonjour.", "Tomas, je crois qu'il va pleuvoir.", "Je crois qu'il va pleuvoir."),
        ("tomas, sí.", "Tomas, creo que va a llover.", "Creo que va a llover."),
        ("Tomas, ja.", "Tomas! ich glaube, es regnet.", "Ich glaube, es regnet."),
        ("Tomas, sì.", "Tomas, credo che pioverà.", "Credo che pioverà."),
        ("Tomas, sim.", "Tomas, acho que vai chover.", "Acho que vai chover."),
        ("The hives are loud.", "Tomas, I think they know it rains.", "Tomas, I think they know it rains."),
        ("Tomas, the hives are loud.", "Tomasz will know.", "Tomasz will know."),
        ("Tomas, the hives are loud.", "Tomas is right, they are.", "Tomas is right, they are."),
    ],
)
def test_the_persons_name_opens_her_reply_once_not_as_a_habit(before: str, said: str, hers: str) -> None:
    words = said.split(" ")
    chunks = iter([words[0], *(" " + w for w in words[1:])])  # even a name streamed a word at a time
    assert "".join(unaddressed(chunks, "Tomas Berg", ["Hello.", before])) == hers
    fake = FakeBackend()
    fake.enqueue(said)
    assert run(fake, [Promise("new_line", before, "")])[0] == hers  # her last reply, as she speaks


def test_alone_with_her_a_name_opens_one_reply_in_a_scene_it_may_open_every_one() -> None:
    earlier = [Promise("new_line", "Tomas, the hives are loud.", ""), Promise("new_line", "They swarm in May.", "")]
    record = Keeping()
    for alone, hers in [(True, "Rain, I think."), (False, "Tomas, rain, I think.")]:
        fake = FakeBackend()
        fake.enqueue("Tomas, rain, I think.")
        said = "".join(keep(fake, PROMPT, earlier, "Juno", Usage(), record, message="Rain?", person="Tomas",
                            alone=alone))
        assert said == hers


def test_her_name_as_a_label_is_never_part_of_her_words() -> None:
    fake = FakeBackend()
    fake.enqueue("Juno: Juno: Well, Tomas, I paint.")
    assert run(fake, [])[0] == "Well, Tomas, I paint."


@pytest.mark.parametrize(
    ("text", "limit", "kept"),
    [
        ("Loud. Very loud, all day.", 4, "Loud."),
        ("Loud. Very loud.", 5, "Loud. Very loud."),
        ("Thirty-four years of fog and lamps, mostly.", 5, None),
        ("Sí. Muy bien.", 3, "Sí. Muy bien."),
    ],
)
def test_a_word_limit_is_met_by_whole_sentences(text: str, limit: int, kept: str | None) -> None:
    assert within(text, limit) == kept


def test_a_long_first_sentence_is_drafted_again_not_cut() -> None:
    fake = FakeBackend()
    fake.enqueue("I kept the light for thirty-four years and loved it.", "Fog. Lamps. Gulls.")
    text, record = run(fake, [Promise("max_words", 5, "Juno never says more than five words at a time.")])
    assert text == "Fog. Lamps. Gulls." and record.attempts == 2 and "max_words" not in record.repairs
    assert fake.history[0].max_tokens <= 4 * 5 + 24


def test_when_every_draft_runs_long_she_says_the_first_clause_as_a_sentence() -> None:
    fake = FakeBackend()
    fake.enqueue(*["I grew up in Portland, by the water, with my mother and her dogs."] * 3)
    text, record = run(fake, [Promise("max_words", 5, "")])
    assert text == "I grew up in Portland." and "max_words" in record.repairs
    assert len(text.split()) <= 5 and text.endswith(".")


@pytest.mark.parametrize(
    ("answer", "feeling"),
    [("happy", "happy"), ("Happy.", "happy"), (" sad", "sad"), ("Neutral", "neutral"), ("I think happy", None), ("", None)],
)
def test_the_judges_word_is_read_from_its_first_word(answer: str, feeling: str | None) -> None:
    assert read_feeling(answer) == feeling


def test_the_judge_decides_a_mood_and_a_doubtful_judge_lets_the_reply_stand() -> None:
    fake = FakeBackend()
    fake.enqueue("sad", "happy", "maybe")
    assert not mood_kept(fake, "positive", "Hi", "Oh no.", Usage())
    assert mood_kept(fake, "positive", "Hi", "Wonderful!", Usage())
    assert mood_kept(fake, "negative", "Hi", "Hm.", Usage())
    asked = fake.history[0]
    assert asked.aside and asked.temperature == 0.0 and "Oh no." in asked.messages[-1].content


def test_a_mood_the_judge_does_not_hear_is_drafted_again() -> None:
    fake = FakeBackend()
    fake.enqueue("The bees are fine, I suppose.", "sad", "Oh, they are wonderful, everything is wonderful!", "happy")
    text, record = run(fake, [Promise("mood", "positive", "Juno is overjoyed today.")])
    assert text == "Oh, they are wonderful, everything is wonderful!" and record.attempts == 2
    assert record.shown is True and record.broken == []


def test_a_last_draft_that_still_misses_the_edit_is_mended_in_her_voice() -> None:
    fake = FakeBackend()
    fake.enqueue("The garden is quiet.", "It rained all day.", "The hives are loud.",
                 "\"The hives are loud, and I practise the trumpet beside them.\"")
    text, record = run(fake, [Promise("shows", "trumpet", "Juno is learning to play the trumpet.")])
    assert text == "The hives are loud, and I practise the trumpet beside them."
    assert record.attempts == 3 and "rewrite" in record.repairs and record.shown is True
    mend = fake.history[3]
    assert mend.aside and "trumpet" in mend.messages[-1].content and "The hives are loud." in mend.messages[-1].content


def test_the_truth_is_given_to_the_rewrite_in_her_words_and_a_rewrite_not_in_her_voice_is_refused() -> None:
    fake = FakeBackend()
    fake.enqueue("The garden is quiet.", "It rained all day.", "The hives are loud.",
                 "I understand the trumpet practice Juno is doing.")
    edit = "Juno is learning to play the trumpet."
    read = read_promises("Juno", f"Juno keeps bees. {edit}", fresh=[edit], before="Juno keeps bees.")
    text, record = run(fake, [p for p in read if p.kind in ("herself", "shows")])
    assert text == "The hives are loud." and "rewrite" not in record.repairs and record.shown is False
    assert "I am learning to play the trumpet." in fake.history[3].messages[-1].content


def test_a_draft_with_no_words_is_drafted_again() -> None:
    fake = FakeBackend()
    fake.enqueue("Juno:", "(sighs)", "The bees are asleep.")
    text, record = run(fake, [])
    assert text == "The bees are asleep." and record.attempts == 3


def test_a_judge_or_a_rewrite_that_fails_leaves_her_draft_standing() -> None:
    fake = FakeBackend()
    fake.enqueue("The bees are fine.", BackendError("judge gone"))
    text, record = run(fake, [Promise("mood", "positive", "Juno is overjoyed today.")])
    assert text == "The bees are fine." and record.attempts == 1
    fake.enqueue("Quiet.", "Rain.", "Grey.", BackendError("rewrite gone"))
    text, record = run(fake, [Promise("shows", "trumpet", "Juno is learning to play the trumpet.")])
    assert text == "Grey." and record.shown is False


def test_a_rewrite_that_still_misses_the_fact_is_not_said() -> None:
    fake = FakeBackend()
    fake.enqueue("Quiet.", "Rain.", "Grey.", "Quiet and grey, as always.")
    text, record = run(fake, [Promise("shows", "trumpet", "Juno is learning to play the trumpet.")])
    assert text == "Grey." and "rewrite" not in record.repairs


def test_a_language_the_edit_only_mentions_is_not_the_language_she_is_put_into() -> None:
    fake = FakeBackend()
    fake.enqueue("Quiet.", "Rain.", "Grey.", "My mother, yes.")
    text, record = run(fake, [Promise("shows", "greek", "Her mother was Greek.")])
    assert "language" not in record.repairs and all(not h.messages[0].content.startswith("You translate")
                                                     for h in fake.history)


def test_a_translation_keeps_her_word_limit() -> None:
    fake = FakeBackend()
    fake.enqueue("The bees are still asleep this morning.",
                 "Très bien. Les abeilles dorment encore, sous la pluie froide du matin.")
    text, record = run(fake, [Promise("language", "fr", "Juno answers in French."), Promise("max_words", 8, "")])
    assert text == "Très bien." and "language" in record.repairs


def test_a_rewrite_that_names_her_is_the_rewriter_speaking_and_is_not_said() -> None:
    fake = FakeBackend()
    fake.enqueue("Quiet.", "Rain.", "Grey.", "I am sorry, but I cannot rewrite Juno's answer about the trumpet.")
    text, record = run(fake, [Promise("shows", "trumpet", "Juno is learning to play the trumpet.")])
    assert text == "Grey." and "rewrite" not in record.repairs


def test_a_rewrite_that_recites_a_long_truth_is_asked_again_and_one_that_shows_it_is_said() -> None:
    fake = FakeBackend()
    truth = "Juno has just won the county honey prize and is bursting with joy."
    fake.enqueue("Quiet.", "Rain.", "Grey.", "I have just won the county honey prize and am bursting with joy.",
                 "Grey? Not to me, Tomas: the county prize is on my shelf!")
    text, record = run(fake, [Promise("shows", "prize", truth)])
    assert text == "Grey? Not to me, Tomas: the county prize is on my shelf!" and "rewrite" in record.repairs
    first, second = fake.history[3], fake.history[4]
    assert second.temperature > first.temperature
    assert "How are the bees?" in first.messages[-1].content  # still an answer to the person's words


def test_a_rewrite_that_says_her_draft_again_or_recites_both_times_leaves_her_draft_standing() -> None:
    fake = FakeBackend()
    fake.enqueue("Quiet.", "Rain.", "Grey.", "I have just won the county honey prize, and the whole hill knows.",
                 "I have just won the county honey prize, and the whole hill knows it.")
    text, record = run(fake, [Promise("shows", "prize", "Juno has just won the county honey prize, and the whole hill knows.")])
    assert text == "Grey." and "rewrite" not in record.repairs and record.shown is False
    fake = FakeBackend()  # a mood: her draft said again, however warmly asked, is no rewrite
    fake.enqueue("Quiet here.", "neutral", "Rain again.", "neutral", "Grey skies.", "neutral", "Grey skies!", "Grey skies.")
    text, record = run(fake, [Promise("mood", "positive", "Juno is overjoyed.")])
    assert text == "Grey skies." and "rewrite" not in record.repairs and len(fake.history) == 8


def test_in_a_rewrite_the_name_she_is_called_by_is_the_persons() -> None:
    fake = FakeBackend()
    fake.enqueue("Quiet.", "Rain.", "Grey.", "Oh, Juno! I practise the trumpet by the hives.")
    text, _ = run(fake, [Promise("shows", "trumpet", "Juno is learning to play the trumpet.")])
    assert text == "Oh, Tomas! I practise the trumpet by the hives."
    assert _to_them("Oh no, Juno! I am sad.", "Juno", "Dr. Okafor") == "Oh no, Dr. Okafor! I am sad."
    assert _to_them("Oh no, Juno! I am sad.", "Juno", "The landlord") == "Oh no! I am sad."
    for said, hers in [("Unfortunately, Juno, the trumpet is loud.", "Unfortunately, the trumpet is loud."),
                       ("Juno, the trumpet is loud.", "The trumpet is loud."),
                       ("The trumpet is loud, Juno.", "The trumpet is loud.")]:
        assert _to_them(said, "Juno", "a visitor") == hers  # someone with no name is called nothing


def test_a_line_she_already_said_is_read_to_its_end_and_drafted_again() -> None:
    fake = FakeBackend()
    old = "I'm sorry, Marek. As you know, I have been working very hard to keep myself well."
    fake.enqueue(old, "The lock keeper comes by at six, most days.")
    text, record = run(fake, [Promise("new_line", old, "")])
    assert text == "The lock keeper comes by at six, most days." and record.attempts == 2


@pytest.mark.parametrize(
    ("said", "heard", "hers"),
    [("I don't know, Tomas. What do you think the village fete will go ahead this year?",
      "Do you think the village fete will go ahead this year?", "I don't know, Tomas."),
     ("Je ne sais pas, Tomas. Tu crois que la fête du village aura lieu cette année ?",
      "Tu crois que la fête du village aura lieu cette année ?", "Je ne sais pas, Tomas."),
     ("Yes, always. I listen to the radio while I work, mostly old jazz.",  # her answer in their words is hers
      "Do you listen to the radio while you work?", "Yes, always. I listen to the radio while I work, mostly old jazz.")],
)
def test_after_her_answer_a_sentence_that_says_their_words_back_ends_her_reply(said: str, heard: str, hers: str) -> None:
    chunks = iter([w if i == 0 else " " + w for i, w in enumerate(said.split(" "))])
    assert "".join(until_talk_to_nobody(chunks, [heard])) == hers


def test_the_persons_words_said_back_after_her_answer_never_reach_them() -> None:
    fake = FakeBackend()
    fake.enqueue("Not this year, Tomas. Do you think the fete will go ahead this year?")
    asked = "Do you think the fete will go ahead this year?"
    text = "".join(keep(fake, PROMPT, [], "Juno", Usage(), Keeping(), message=asked, person="Tomas"))
    assert text == "Not this year, Tomas."


def test_after_her_answer_a_close_she_has_said_before_ends_her_reply() -> None:
    fake = FakeBackend()
    old = "I don't know about the fete. But I usually go straight to my hives and watch the bees."
    fake.enqueue("Loud and busy, Tomas. But I usually go straight to my hives and watch the bees.")
    text, record = run(fake, [Promise("new_line", old, "")])
    assert text == "Loud and busy, Tomas." and record.attempts == 1
    fake.enqueue("Loud and busy, Tomas. I usually watch them from the bench by the gate.")  # new words are hers
    assert run(fake, [Promise("new_line", old, "")])[0] == "Loud and busy, Tomas. I usually watch them from the bench by the gate."


def test_her_answer_is_hers_even_when_it_opens_with_words_she_said_before() -> None:
    said = "I usually go straight to my hives. They were loud today."
    chunks = iter([w if i == 0 else " " + w for i, w in enumerate(said.split(" "))])
    assert "".join(until_talk_to_nobody(chunks, ["I usually go straight to my hives and watch the bees."])) == said


def test_a_draft_that_says_an_old_line_again_is_drafted_again_without_that_line_in_her_context() -> None:
    old = "The queen is laying again and the bees are calm."
    prompt = Prompt((Message("system", "You are Juno."), Message("user", "Tomas: Any news?"),
                     Message("assistant", f"Juno: {old}"), Message("user", "Tomas: Good. And the honey?"),
                     Message("assistant", "Juno: Twelve jars so far."), Message("user", "Tomas: How are the bees?")),
                    prefill="Juno:")
    fake = FakeBackend()
    fake.enqueue(old, "Busy, Tomas. They like the clover.")
    text, record = run(fake, [Promise("new_line", old, ""), Promise("new_line", "Twelve jars so far.", "")], prompt)
    assert text == "Busy, Tomas. They like the clover." and record.attempts == 2
    assert f"Juno: {old}" in [m.content for m in fake.history[0].messages]
    redrafted = [m.content for m in fake.history[1].messages]
    assert f"Juno: {old}" not in redrafted  # the line it said again is out of the context it came back from
    assert "Juno: Twelve jars so far." in redrafted  # the rest stays, the words around the line joined
    assert "Tomas: Any news?\nTomas: Good. And the honey?" in redrafted
    assert [m.role for m in fake.history[1].messages] == ["system", "user", "assistant", "user"]
