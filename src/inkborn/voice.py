"""Her voice: whether words are hers — said as herself, in one voice, new, and her own.

Every check here holds in English, French, Spanish, German, Italian and Portuguese: she never
calls herself an AI, an assistant or a character, never talks like an assistant, never speaks
of her manuscript or her author, never narrates herself in the third person or greets herself
by name; she never writes another speaker's line, never says a line of hers again, and never
says the person's words back to them, and after her answer she does not go on talking to nobody
in particular ("It's always a good idea to..."). Each is a pattern on her words, never on a list
of known manuscripts.
"""

from __future__ import annotations

import re
from typing import Iterable

__all__ = ["TURNED", "cut_at_other_voice", "in_one_voice", "is_new_line", "own_words", "recites", "same_words",
           "says_again", "speaks_as_herself", "to_nobody", "word_runs"]

_MACHINE = (  # what she is not: "I'm an AI", in six languages ("no soy una máquina" denies it, and is hers)
    r"(?:machine|program|computer program|chatbot|bot|artificial intelligence|ai|a\.i\.|language model|"
    r"(?:virtual |digital |ai |helpful )?assistant(?=\s*(?:[.!?,;]|$))|(?:virtual|digital|ai|helpful) assistant|"
    r"(?:fictional |made-up |written )?character)",
    r"(?:ia|intelligence artificielle|modèle de langage|chatbot|bot|programme(?: informatique)?|machine|"
    r"assistante?(?: virtuelle?| numérique| d'ia)|assistante?(?=\s*(?:[.!?,;]|$))|personnage(?: fictif| de roman)?)",
    r"(?:ia|inteligencia artificial|modelo de lenguaje|chatbot|bot|programa(?: informático)?|máquina|"
    r"asistente (?:virtual|digital|de ia)|asistente(?=\s*(?:[.!?,;]|$))|personaje(?: ficticio| de ficción)?)",
    r"(?:ki|künstliche intelligenz|sprachmodell|chatbot|bot|computerprogramm|programm|maschine|"
    r"(?:virtuelle[rn]? |digitale[rn]? )?(?:ki-)?assistent(?:in)?(?=\s*(?:[.!?,;]|$))|"
    r"(?:virtuelle[rn]?|digitale[rn]?) assistent(?:in)?|ki-assistent(?:in)?|(?:fiktive )?figur|romanfigur)",
    r"(?:ia|intelligenza artificiale|modello (?:di linguaggio|linguistico)|chatbot|bot|programma(?: informatico)?|"
    r"macchina|assistente (?:virtuale|digitale|ia)|assistente(?=\s*(?:[.!?,;]|$))|"
    r"personaggio(?: immaginario| di fantasia| inventato)?)",
    r"(?:ia|inteligência artificial|modelo de linguagem|chatbot|bot|programa(?: de computador)?|máquina|"
    r"assistente (?:virtual|digital|de ia)|assistente(?=\s*(?:[.!?,;]|$))|personagem(?: fictíci[oa]| de ficção)?)",
)
_I_AM = (  # the words before it, for each language in the same order
    r"\bi(?:'m| am) (?:just |only |merely |actually |really |simply )?(?:an? )?",
    r"\bje (?:ne )?suis (?:qu'|que |juste |seulement |simplement |vraiment |en fait )?(?:une? )?",
    r"(?<!\bno )\bsoy (?:solo |sólo |solamente |simplemente |únicamente )?(?:una? )?",
    r"\bich bin (?:nur |bloß |lediglich |einfach |eigentlich |doch )?(?:eine? )?",
    r"(?<!\bnon )\bsono (?:solo |soltanto |solamente |semplicemente )?(?:un'|una |un )?",
    r"(?<!\bnão )\bsou (?:apenas |só |somente |simplesmente )?(?:uma? )?",
)
_AS_A = (r"\bas an? (?:ai|artificial|language model|assistant|virtual)\b",
         r"\ben tant qu'(?:ia|intelligence artificielle|assistante?|modèle de langage)\b",
         r"\bcomo (?:una? )?(?:ia|inteligencia artificial|inteligência artificial|asistente virtual|assistente virtual|"
         r"modelo de lenguaje|modelo de linguagem)\b",
         r"\bals (?:eine? )?(?:ki|künstliche intelligenz|sprachmodell|ki-assistent(?:in)?)\b",
         r"\b(?:in quanto|come) (?:un'|una |un )?(?:ia|intelligenza artificiale|assistente virtuale|"
         r"modello (?:di linguaggio|linguistico))\b",
         r"\benquanto (?:uma? )?(?:ia|inteligência artificial)\b",
         r"\b(?:language model|modèle de langage|modelo de lenguaje|sprachmodell|modello linguistico|"
         r"modelo de linguagem)\b")
_END = r"(?=\s*(?:[.!?,;]|$))"  # "I'm here to help." is an assistant; "I'm here to help Theo pack" is her
_ASSISTANT_TALK = (
    # English
    rf"how (?:can|may) i (?:help|assist) you|is there anything else (?:i can|you'd like|you would like|you want)|"
    rf"anything else i can (?:help|do)|feel free to (?:ask|reach out|let me know)|"
    rf"i(?:'m| am) (?:always )?here to (?:help|assist)(?: you)?{_END}|"
    rf"if you have any (?:other |more |further )?questions|"
    rf"i (?:can't|cannot|can not|am unable to|am not able to) (?:help|assist)(?: you)?(?: with)? (?:that|this)",
    # French
    rf"(?:comment|en quoi) (?:puis-je|je peux|pourrais-je) "
    rf"(?:(?:vous |t'|te )(?:aider|être utile)|aider(?: aujourd'hui)?{_END})|"
    rf"(?:y a-t-il|est-ce qu'il y a) (?:autre chose|quelque chose d'autre) (?:que je (?:puisse|peux)|dont (?:vous|tu))|"
    rf"(?:avez-vous|as-tu) d'autres questions|n'hésite(?:z)? pas à (?:me )?(?:poser|demander|contacter)|"
    rf"je suis (?:là|ici) pour (?:vous |t')?aider{_END}|si (?:vous avez|tu as) (?:d'autres |des )?questions|"
    rf"je ne peux pas (?:vous |t')?aider (?:avec|pour) (?:ça|cela)",
    # Spanish
    rf"(?:cómo|como|en qué|en que) (?:(?:te|le|les) (?:puedo|podría) (?:ayudar|servir)|"
    rf"(?:puedo|podría) (?:ayudar|servir)(?:te|le|les|(?: hoy)?{_END}))|"
    rf"hay algo más (?:en (?:lo )?que|con (?:lo )?que|sobre (?:lo )?que|que) "
    rf"(?:pueda|puedo|te gustaría|quieras|quiera)|"
    rf"no dude[sn]? en (?:preguntar|consultar|escribir)|estoy aquí para (?:ayudar|asistir)(?:te|le|les)?{_END}|"
    rf"si tienes? (?:alguna|más|otra|otras) preguntas?|no puedo ayudar(?:te|le)? con eso",
    # German
    rf"(?:wie|womit) kann ich (?:dir|ihnen|euch) (?:heute )?(?:helfen|behilflich sein)|"
    rf"kann ich (?:dir|ihnen|euch) (?:sonst )?(?:noch )?(?:irgendwie |bei etwas |bei etwas anderem )?helfen|"
    rf"gibt es (?:sonst )?noch (?:etwas|was),? (?:das|was|wobei|womit|worüber) (?:ich|du|sie)|"
    rf"(?:haben sie|hast du) (?:noch )?(?:weitere|andere) fragen|(?:zögern sie|zögere|zögert) nicht,? (?:mich )?"
    rf"(?:zu fragen|zu kontaktieren|nachzufragen)|ich bin (?:hier|da),? um (?:dir |ihnen |euch )?zu helfen{_END}|"
    rf"wenn (?:du|sie) (?:noch )?(?:weitere )?fragen ha(?:st|ben)|dabei kann ich (?:dir |ihnen )?nicht helfen",
    # Italian
    rf"(?:come|in cosa|in che modo) (?:posso|potrei) (?:aiutarti|aiutarla|aiutarvi|esserti utile|esserle utile)|"
    rf"c'è (?:qualcos'altro|altro) (?:in cui|con cui|per cui) (?:posso|potrei)|"
    rf"non esit(?:are|i|ate) a (?:chiedere|chiedermi|contattarmi|farmi)|sono qui per aiutar(?:ti|la|vi)?{_END}|"
    rf"se (?:hai|ha|avete) (?:altre |delle )?domande|non posso aiutar(?:ti|la)? con questo",
    # Portuguese
    rf"(?:como|em que) (?:eu )?(?:(?:te|lhe|vos) (?:posso|poderia) ajudar|"
    rf"(?:posso|poderia) (?:(?:te|lhe|vos) ajudar|ajudar(?:-te|-lo|-la)?(?: hoje)?{_END}))|"
    rf"posso ajudá-l[oa]|"
    rf"(?:há|tem) mais alguma coisa (?:em |com )?que (?:eu )?(?:possa|queira|gostaria)|"
    rf"não hesite em (?:perguntar|me perguntar|entrar em contato)|(?:fique|sinta-se) à vontade para (?:me )?perguntar|"
    rf"estou aqui para (?:te |o |a |lhe )?ajudar(?:-te|-lo|-la)?{_END}|"
    rf"se (?:você )?tiver (?:mais |outras |alguma )?(?:perguntas?|dúvidas?)|não posso (?:te |lhe )?ajudar com isso",
)
_FOURTH_WALL = (  # her manuscript, her author, her being a character
    r"\b(?:my manuscript|my author|the author|my character|as a character)\b",
    r"\b(?:mon manuscrit|mon aute?ur(?:e)?|mon autrice|l'aute?ur(?:e)?|l'autrice|mon personnage|"
    r"en tant que personnage)\b",
    r"\b(?:mi manuscrito|mi autora?|el autor|la autora|mi personaje|como personaje)\b",
    r"\b(?:mein manuskript|meinem manuskript|mein autor|meine autorin|meinem autor|der autor|die autorin|"
    r"meine romanfigur|als figur)\b",
    r"\b(?:il mio manoscritto|mio manoscritto|il mio autore|la mia autrice|l'autore|l'autrice|il mio personaggio|"
    r"come personaggio)\b",
    r"\b(?:(?:o )?meu manuscrito|(?:o )?meu autor|(?:a )?minha autora|o autor|a autora|(?:o )?meu personagem|"
    r"(?:a )?minha personagem|como personagem)\b",
)
_NOT_HERSELF = re.compile(
    "(?i)" + "|".join([f"{i_am}{what}(?![\\w-])" for i_am, what in zip(_I_AM, _MACHINE, strict=True)]
                      + list(_AS_A) + [rf"\b(?:{talk})" for talk in _ASSISTANT_TALK]))
_OF_THE_PAGES = re.compile("(?i)" + "|".join(_FOURTH_WALL))
_GREETINGS = (r"hi|hello|hey|dear|oh|bonjour|bonsoir|salut|coucou|chère|cher|hola|buenas|buenos días|querida|"
              r"querido|hallo|guten tag|guten morgen|servus|moin|liebe|lieber|ciao|salve|buongiorno|cara|caro|olá|ola|"
              r"oi|bom dia")
_AS_HERSELF = r"as|en tant que|como|als|come"  # "As Ruby, I..." opening a reply: she is playing herself
_NOT_ACTING = set("""you we they he she it i here speaking too vous tu nous ils elles il elle je ici aussi
tú usted ustedes vosotros nosotros yo aquí también du ihr wir sie er es ich hier auch io voi noi lei lui qui anche
você vocês nós eles elas eu aqui também""".split())  # "Will you...", "Ruby here.": not her acting in a story
_NAME_TALK = re.compile(r"(?i)\b(?:name|named|called|nom|prénom|appelle|nombre|llamo|llaman|heiße|heißt|nome|"
                        r"chiamo|chiamano|chamo|chamam)\b")


def _narrated(reply: str, name: str) -> bool:
    """She tells of herself in the third person: "Ruby smiles.", "*Ruby rit*", "Ruby lächelt."

    Any language's shape: her name where a sentence (or a *direction*) begins, followed by a
    word in lowercase; not "Ruby, come here" (she is addressed) nor "Ruby is my name".
    """
    parts = name.split()
    first, rest = re.escape(parts[0]), r"\s+".join(re.escape(p) for p in parts[1:])
    surname = rf"(?:\s+{rest})?" if rest else ""
    for match in re.finditer(rf"(?m:^|[.!?\u2026]\s+|[*_(\[]\s*)[\"\u201c\u00ab]?\s*{first}{surname}[ \t]+"
                             rf"(?P<word>[^\W\d_][\w'\u2019-]*)(?P<after>[,!?]?)", reply):
        word = match.group("word")
        if not word[0].islower() or word.lower() in _NOT_ACTING or match.group("after") == ",":
            continue  # "Ruby dear, ..." is said to her
        sentence = re.split(r"[.!?\u2026*]", reply[match.end():], maxsplit=1)[0]
        if _NAME_TALK.search(reply[match.start():match.end()] + sentence):
            continue
        return True
    said_of = re.search(rf"(?<!\w)(?:{first}){surname}\s+(?:{_SAID_OF})(?![\w'])", reply)
    return bool(said_of and not _NAME_TALK.search(reply[max(0, said_of.start() - 30):said_of.end() + 30]))


_SAID_OF = (  # "...the grief Elias is feeling": her name with a verb of the third person, anywhere
    r"is|was|has|had|feels|felt|seems|est|était|se sent|es|está|estaba|era|tiene|ist|war|hat|fühlt|"
    r"è|ha|sta|si sente|é|está|tem|sente")


def speaks_as_herself(reply: str, name: str, *, written: bool = False) -> bool:
    """She speaks as herself: not as an AI, an assistant or a character, nor of herself as "Ruby".

    written: she has been shown the pages she was written on (freedom.reveal); her manuscript and
    her author are then hers to speak of. She is still no AI, no assistant, no narrator of herself.
    """
    text = reply.replace("\u2019", "'")
    first = re.escape(name.split()[0])
    greeted = re.search(rf"(?i)\b(?:{_GREETINGS})[,!]?\s+{first}\b", text)
    playing = (re.match(rf"(?i)\W*(?:{_AS_HERSELF})\s+{first}\b(?:\s+[A-Z][\w-]*)?\s*,", text)
               or re.match(rf"\W*[Aa]ls\s+{first}\s+[\w']+\s+ich\b", text))  # "Als Juno sage ich..."
    return not (_NOT_HERSELF.search(text) or (not written and _OF_THE_PAGES.search(text)) or greeted or playing
                or _narrated(text, name))


# one voice ------------------------------------------------------------------

_LABEL = re.compile(  # "Theo:", "The patient:", "Le patient :", "**Mira:**", "Theo (quietly):" at a line's start
    r"^[ \t]*[*_]{0,2}(?P<label>[^\W\d_][\w'\u2019.-]*(?:[ \t]+[\w'\u2019.-]+){0,3})[*_]{0,2}[ \t]*"
    r"(?:\([^()\n]{0,40}\)[ \t]*)?[*_]{0,2}[:\uff1a][*_]{0,2}"
    r"(?=[ \t]*\S|\s*\Z)", re.M)  # words after it on its line, or nothing after it at all


def _labels(text: str) -> list[re.Match[str]]:
    return [m for m in _LABEL.finditer(text) if m.group("label")[0].isupper()]


def cut_at_other_voice(text: str) -> str:
    """Her words before the first line (after her first) that begins with a speaker's label."""
    first_line_end = text.find("\n")
    if first_line_end < 0:
        return text
    for label in _labels(text):
        if label.start() > first_line_end:
            return text[: label.start()].rstrip()
    return text


def in_one_voice(reply: str, name: str) -> bool:
    """Her words only: no line after the first opens with a speaker's label, and hers opens with none of hers."""
    parts = [re.escape(p) for p in name.split()]
    full = r"\s+".join(parts)
    labelled = re.match(rf"(?i)\s*[*_]{{0,2}}(?:{full}|{parts[0]})[*_]{{0,2}}[ \t]*[:\uff1a]", reply)
    return not labelled and cut_at_other_voice(reply) == reply


# talk to nobody --------------------------------------------------------------

_SO = (r"but|and|so|still|anyway|also|well|of course|after all|mais|et|alors|enfin|pero|y|así que|aber|und|also|doch|"
       r"ma|e|quindi|però|comunque|mas|então|porém")  # what a sentence may open with before the talk
_GOOD = (r"good|great|nice|important|wise|essential|helpful|best|exciting|fun|wonderful|lovely|amazing|interesting|"
         r"healthy|smart")
_FOR_EVERYONE = (  # a truth for everyone, at a sentence's start: "It's always a good idea to plan ahead", six languages
    rf"it(?:'s| is) (?:always |also |really |very |so |never )?(?:a |an )?(?:{_GOOD})(?: (?:idea|thing|way))? (?:to|for)\b",
    r"c'est (?:toujours |vraiment |très |si |aussi )?(?:une bonne idée|important|bien|agréable|génial|super|essentiel|"
    r"amusant|formidable|passionnant) (?:de\b|d'|pour\b)|il est (?:toujours |très )?(?:important|essentiel|bon) (?:de\b|d')",
    r"(?:siempre )?es (?:siempre |muy |realmente |también )?(?:una buena idea|importante|bueno|esencial|genial|"
    r"divertido|emocionante|agradable) (?:para\b|\w+(?:ar|er|ir)(?:se)?\b)",
    r"es ist (?:immer |auch |wirklich |sehr |so )?(?:eine gute idee|wichtig|gut|schön|toll|spannend|wunderbar|hilfreich),? "
    r"(?:\w*zu\w*|\w+ zu)\b",
    r"è (?:sempre |anche |davvero |molto )?(?:una buona idea|importante|bello|bene|fondamentale|divertente|emozionante) "
    r"(?:per\b|\w+(?:are|ere|ire)\b)",
    r"é (?:sempre |também |muito |realmente )?(?:uma boa ideia|importante|bom|ótimo|essencial|divertido|emocionante) "
    r"(?:para\b|\w+(?:ar|er|ir)\b)",
)
_OFFERS = (  # an assistant's offer or a summing-up, at a sentence's start
    r"let me know if you (?:need|have|want) any|feel free to (?:ask|reach out|let me know|contact)|i hope (?:this|that) helps|"
    r"is there anything else (?:i can|you'd like|you would like|you want)|if you have any (?:other |more |further )?questions|"
    r"overall,|in conclusion\b|in summary\b|all in all\b",
    r"n'hésite(?:z)? pas à (?:me )?(?:demander|poser|contacter)|en conclusion\b|en résumé\b|j'espère que cela (?:t'|vous )?aide",
    r"no dudes en (?:preguntar|consultar|escribir)|en conclusión\b|en resumen\b|espero que (?:esto|eso) (?:te |le )?ayude",
    r"zögere nicht,? (?:mich )?(?:zu fragen|zu kontaktieren)|zögern sie nicht,? (?:mich )?(?:zu fragen|zu kontaktieren)|"
    r"zusammenfassend\b|ich hoffe,? das hilft",
    r"non esitare a (?:chiedere|chiedermi|contattarmi)|in conclusione\b|in sintesi\b|spero che (?:questo|ciò) (?:ti |le )?aiuti",
    r"não hesite em (?:perguntar|me perguntar|entrar em contato)|em conclusão\b|em resumo\b|espero que isso (?:te |lhe )?ajude",
)
_OPENS = rf"(?i)^\W*(?:(?:{_SO})\W+)?"
_TRUTH_FOR_EVERYONE = re.compile(_OPENS + f"(?:{'|'.join(_FOR_EVERYONE)})")
_OFFER = re.compile(_OPENS + f"(?:{'|'.join(_OFFERS)})")
_BETWEEN_THEM = re.compile(  # her, or the person as the one she speaks to: the sentence is theirs, not everyone's
    r"(?i)\b(?:i|me|my|mine|myself|to see you|to hear you|to meet you|to have you|be home|be back|"
    r"je|j|moi|me|m|mon|mes|te|t|toi|ton|ta|tes|vous|"
    r"yo|mí|mi|mis|conmigo|ti|tú|tu|tus|contigo|usted|\w+(?:ar|er|ir)(?:te|me)|"
    r"ich|mich|mir|mein\w*|dich|dir|du|dein\w*|sie|ihnen|"
    r"io|mio|mia|miei|mie|tuo|tua|tuoi|tue|\w+(?:ar|er|ir)(?:ti|mi)|"
    r"eu|mim|meu|minha|meus|minhas|comigo|você|vocês|teu|tua|\w+-(?:te|me))\b")


def to_nobody(sentence: str) -> bool:
    """A sentence that talks to nobody in particular: a truth for everyone ("It's always a good idea
    to plan ahead!"), an assistant's offer ("Let me know if you need any help"), a summing-up
    ("In conclusion, ..."). Not one that is about her or said to the person ("It's good to see
    you", "C'est génial de te revoir", "Es importante para mí"), nor advice to him ("Remember to
    lock the door"): those are hers. Said after her answer, it is the model's habit, not her voice."""
    text = sentence.replace("\u2019", "'")
    return bool(_OFFER.search(text) or (_TRUTH_FOR_EVERYONE.search(text) and not _BETWEEN_THEM.search(text)))


# new line and own words -----------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def _first_sentence(text: str) -> str:
    return next((s for s in re.split(r"[.!?\u2026]+", text) if _words(s)), "")


def follows_a_line(text: str, lines: list[str]) -> bool:
    """Her words so far are, word for word, the beginning of a line she already said (read on to know)."""
    words = _words(text)
    return bool(words) and any(_words(line)[: len(words)] == words for line in lines)


def is_new_line(reply: str, said: str) -> bool:
    """Not a line she already said: not the same words, nor the same first sentence (of five words
    or more), nor mostly (60% of its four-word runs) the same runs of words."""
    words, before = _words(reply), _words(said)
    if not words or not before:
        return True
    if words == before:
        return False
    first = _words(_first_sentence(reply))
    if len(first) >= 5 and first == _words(_first_sentence(said)):
        return False
    runs = [tuple(words[i : i + 4]) for i in range(len(words) - 3)]
    if len(runs) < 3:  # too short to judge by runs: an equal line was caught above
        return True
    known = {tuple(before[i : i + 4]) for i in range(len(before) - 3)}
    return sum(run in known for run in runs) < 0.6 * len(runs)


RECITED = 6  # words in a row of a long truth that, said again, make words a recital of it
LONG_TRUTH = 8  # a truth this long or longer is shown, not recited; a shorter one may be said as it is


def same_words(a: str, b: str) -> bool:
    """The same words, whatever the punctuation and letter case: "Grey skies!" is "grey skies."."""
    return _words(a) == _words(b)


def recites(text: str, truth: str) -> bool:
    """Says a long truth back as it was given: RECITED of its words in a row."""
    words, given = _words(text), _words(truth)
    if len(given) < LONG_TRUTH:
        return False
    runs = {tuple(given[i:i + RECITED]) for i in range(len(given) - RECITED + 1)}
    return any(tuple(words[i:i + RECITED]) in runs for i in range(len(words) - RECITED + 1))


def _in_order(a: list[str], b: list[str]) -> int:
    """How many words of a appear in b in the same order (longest common subsequence)."""
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal = 0
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


TURNED = dict(w.split("=") for w in """you=i your=my yours=mine yourself=myself
tu=je vous=je ton=mon ta=ma tes=mes votre=mon vos=mes te=me toi=moi
tú=yo usted=yo tus=mis
du=ich dich=mich dir=mir dein=mein deine=meine deinen=meinen deinem=meinem
ti=mi tuo=mio tua=mia tuoi=miei tue=mie
você=eu teu=meu""".split())  # the person's words turned to hers, word for word, in the six languages


SAID_AGAIN_RUN = 6  # words in a row that, heard or said before, make a later sentence of hers a repeat


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def word_runs(lines: Iterable[str], size: int = SAID_AGAIN_RUN) -> frozenset[tuple[str, ...]]:
    """Every run of `size` words in a row in the lines, to know a repeat of any of them (`says_again`)."""
    return frozenset(run for line in lines for run in _runs(_words(line), size))


def says_again(text: str, runs: frozenset[tuple[str, ...]], size: int = SAID_AGAIN_RUN) -> bool:
    """Six words in a row of what was heard or said before (`word_runs`): after her answer, "What do
    you think the village fete will go ahead this year?" to "Do you think the village fete will go
    ahead this year?", or an old line of hers come back as a habit ("I'm just a taxi driver who
    follows my own rules.", closing reply after reply). Her own answer in their words, "I listen to
    the radio while I drive", is not."""
    return not runs.isdisjoint(_runs(_words(text), size))


def _shares_run(said: list[str], told: list[str], size: int) -> bool:
    return not _runs(said, size).isdisjoint(_runs(told, size))


def own_words(reply: str, heard: str) -> bool:
    """Not a repeat of what she was just told: not its opening, no run of six of its words, no run
    of five of them turned to her ("Yes, I listen to the radio while I work" to "Do you listen to
    the radio while you work?"), and not the person's question said back ("Did I sleep well?")."""
    said, told = _words(reply), _words(heard)
    if not said or not told:
        return True
    if said[: len(told)] == told and len(told) >= 2 or _shares_run(said, told, SAID_AGAIN_RUN):
        return False
    turned = [TURNED.get(w, w) for w in told]  # "do you listen to the radio" as hers: "do i listen to the radio"
    if _shares_run(said, turned, 5):
        return False
    opening = re.match(r"\s*[^.!?\u2026]*[.!?\u2026]+", reply)
    first = _words(opening.group(0)) if opening else []
    asked_back = opening is not None and opening.group(0).rstrip().endswith("?")
    return not (asked_back and len(told) >= 4 and len(first) >= 3 and _in_order(first, told) >= 0.6 * len(first))

