"""Feelings: whether a sentence of her manuscript sets how she feels, strongly.

A small lexicon of strong feeling words (joy and its kin, misery and its kin) in English,
French, Spanish, German, Italian and Portuguese, with negation ("not happy" is unhappy,
"not miserable" is no strong feeling). It reads canon, not replies: whether her reply sounds
as the canon makes her feel is asked of the model itself (judge.py). Anger and fear are left
out: the judge hears happy, sad or neutral, and an angry reply is neither.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["mood_of", "strong_feeling"]

# one language a line (en, fr, es, de, it, pt); a word two languages share is written once
_GLAD = """
happy happier happiest happiness joy joys joyful joyous elated elation ecstatic ecstasy euphoric euphoria overjoyed
delighted delight delights cheerful cheery cheerfulness blissful bliss thrilled jubilant radiant gleeful glee merry
giddy exuberant beaming laughing
heureux heureuse heureuses bonheur joie joyeux joyeuse joyeuses ravi ravie ravis ravies euphorique euphorie
extatique extase comblé comblée gai gaie gaieté radieux radieuse enjoué enjouée rayonnant rayonnante
feliz felices felicidad felicísima felicísimo alegre alegres alegría contento contenta dichoso dichosa eufórico
eufórica euforia radiante encantado encantada jubiloso jubilosa entusiasmado entusiasmada
glücklich glückliche glücklicher überglücklich glückselig freude fröhlich fröhliche froh frohe heiter euphorisch
selig begeistert strahlend
felice felici felicità felicissima felicissimo gioia gioiosa gioioso allegro allegra allegria contentissima
contentissimo euforico euforica raggiante entusiasta estasiato estasiata
felizes felicidade felicíssima felicíssimo contente contentes exultante extasiado extasiada
"""
_GRIEVING = """
miserable misery sad sadder saddest sadness unhappy unhappiness grief grieving grieves grief-stricken sorrow sorrowful
sorrows despair despairing despairs depressed depression heartbroken broken-hearted desolate devastated wretched
gloomy gloom melancholy melancholic mournful mourning mourns hopeless inconsolable anguish anguished forlorn dejected
despondent downcast crying weeping weeps sobbing sobs lonely loneliness
malheureux malheureuse malheureuses malheur misérable misère triste tristes tristesse chagrin désespoir désespéré
désespérée déprimé déprimée dépression accablé accablée effondré effondrée anéanti anéantie mélancolie mélancolique
deuil pleure pleurer pleurant sanglote
tristeza tristísima tristísimo infeliz infelices desgraciado desgraciada desdichado desdichada miseria desesperado
desesperada desesperación deprimido deprimida depresión desolado desolada destrozado destrozada abatido abatida
afligido afligida melancolía melancólico melancólica llorando llora llorar desconsolado desconsolada luto
unglücklich unglückliche todunglücklich traurig traurige todtraurig trauer trauert elend verzweifelt verzweifelte
verzweiflung deprimiert niedergeschlagen bedrückt kummer untröstlich melancholisch melancholie weint weinen schluchzt
einsam
infelice infelici tristi tristezza tristissima tristissimo miserabile disperato disperata disperazione depresso
depressa depressione addolorato addolorata affranto affranta desolato desolata malinconia malinconico malinconica
piange piangere piangendo sconsolato sconsolata lutto
infelizes tristíssima tristíssimo miserável miséria desgraçado desgraçada desespero depressão arrasado arrasada
destroçado destroçada chorando chora chorar inconsolável
"""
_GLAD_PHRASES = ("over the moon", "on top of the world", "aux anges", "fou de joie", "folle de joie", "voller freude")
_GRIEVING_PHRASES = ("en larmes", "am boden zerstört", "in lacrime", "em lágrimas")
# "not", "never", "without"... a few words before a feeling word turn it
_NEGATORS = set("""not no never nor without hardly pas jamais guère sans ni nunca jamás sin tampoco nicht nie niemals
kein keine keinen keiner ohne non mai senza né não nem sem""".split())
# "can't stop crying", "ne peut s'empêcher de rire": a negation that strengthens the feeling instead
_UNABLE = set("""stop help hide contain empêcher contenir cacher dejar parar ocultar esconder aufhören verbergen
zurückhalten smettere nascondere trattenere conter""".split())


def _pattern(words: str, phrases: tuple[str, ...]) -> re.Pattern[str]:
    terms = sorted(set(words.split()) | set(phrases), key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(t) for t in terms)})(?![\w-])", re.I)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _pattern(_GLAD, _GLAD_PHRASES), _pattern(_GRIEVING, _GRIEVING_PHRASES)


def _negated(text: str, start: int) -> bool:
    before = re.split(r"[,;:.!?]", text[:start])[-1]
    words = re.findall(r"[\w']+", before.lower())[-3:]
    for i, word in enumerate(words):
        no_longer = word == "plus" and any(w == "ne" or w.startswith("n'") for w in words[:i])  # "n'est plus"
        if word in _NEGATORS or word.endswith("n't") or word == "cannot" or no_longer:
            return not any(w in _UNABLE for w in words[i + 1:])
    return False


def strong_feeling(text: str, start: int = 0) -> str | None:
    """"positive" or "negative" when the text's strong feeling words (from `start` on) lean one way."""
    text = text.replace("\u2019", "'")
    glad, grieving = _lexicon()
    positive = negative = 0
    for match in glad.finditer(text, start):
        if _negated(text, match.start()):
            negative += 1  # "not happy"
        else:
            positive += 1
    for match in grieving.finditer(text, start):
        if not _negated(text, match.start()):  # "not miserable" is no strong feeling
            negative += 1
    return "positive" if positive > negative else "negative" if negative > positive else None


_SUBJECTS = "she|he|they|elle|il|ella|él|sie|er|lei|lui|ela|ele"
_FEELS = re.compile(
    r"(?<![\w-])(?:is|was|feels|felt|has been|had been|seems|seemed|stays|gets|becomes|became|grows|looks|"
    r"can hardly|cannot stop|can't stop|ne peut (?:pas )?s'empêcher|no puede dejar|kann nicht aufhören|"
    r"non (?:riesce|può) (?:a )?smettere|não (?:consegue|pode) parar|"
    r"est|était|se sent|semble|devient|reste|a été|paraît|"
    r"es|está|estaba|era|se siente|parece|se pone|se vuelve|ha estado|sigue|"
    r"ist|war|fühlt sich|wirkt|scheint|wird|bleibt|"
    r"è|si sente|sembra|diventa|resta|rimane|appare|"
    r"é|estava|se sente|sente-se|fica|ficou|tem estado|anda)(?![\w-])", re.I)
_AFTER = 6  # a feeling word this many words past the verb is still hers ("is, these days, utterly miserable")


def mood_of(name: str, sentence: str) -> str | None:
    """"positive" or "negative" when a sentence sets how she feels, strongly ("Ruby est folle de joie")."""
    text = sentence.replace("\u2019", "'")
    first = re.escape(name.split()[0])
    for verb in _FEELS.finditer(text):
        head = text[: verb.start()]
        her_before = re.search(rf"(?<![\w-])(?:{first}|{_SUBJECTS})(?![\w-])(?:\W+[\w'-]+){{0,4}}\W*$", head, re.I)
        her_after = re.match(rf"\s+{first}\b", text[verb.end():])  # "Heute ist Ruby glücklich"
        if not (her_before or her_after or not head.strip()):  # or no subject at all: "Está feliz."
            continue
        window = re.match(rf"(?:[^\w.;!?]*[\w'-]+){{0,{_AFTER}}}", text[verb.end():])
        end = verb.end() + (window.end() if window else 0)
        return strong_feeling(text[:end], verb.start())
    return None
