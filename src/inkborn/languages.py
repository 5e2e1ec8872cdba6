"""Languages: their names as a manuscript writes them, and which one her words are in.

The detector is py3langid (BSD-3-Clause), a naive Bayes model over byte n-grams that ships
inside its package: 139 languages, no download at run time. Its normalized probabilities are
what a reply is judged on (`language_confidence`), never its single best guess alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["NOT_HER_LANGUAGE", "detect_language", "language_confidence", "language_names", "named_languages"]

# Every language the detector knows, by its English name (the canonical one last: it names the
# language to a model asked for a translation); then other English names.
_ENGLISH = """af Afrikaans|am Amharic|an Aragonese|ar Arabic|ary Moroccan Arabic, Darija|arz Egyptian Arabic|
as Assamese|ace Acehnese|az Azeri, Azerbaijani|ba Bashkir|bcl Bikol, Central Bikol|be Belarusian|bg Bulgarian|
bn Bangla, Bengali|br Breton|bs Bosnian|ca Catalan|crh Crimean Tatar|cs Czech|cy Welsh|da Danish|de German|
dz Dzongkha|el Greek|en English|eo Esperanto|es Castilian, Spanish|et Estonian|eu Basque|ext Extremaduran|
fa Farsi, Persian|fi Finnish|fo Faroese|fr French|fuv Fulfulde, Nigerian Fulfulde|fy West Frisian, Frisian|
ga Irish Gaelic, Irish|gcf Guadeloupean Creole|gcr Guianese Creole|gd Gaelic, Scottish Gaelic|gl Galician|
gom Goan Konkani, Konkani|grc Ancient Greek|gu Gujarati|gug Paraguayan Guarani, Guarani|guw Gungbe|ha Hausa|
hbo Ancient Hebrew, Biblical Hebrew|he Hebrew|hi Hindi|hr Croatian|ht Haitian, Haitian Creole|hu Hungarian|
hy Armenian|id Bahasa Indonesia, Indonesian|ig Igbo|is Icelandic|it Italian|ja Japanese|jv Javanese|
ka Georgian|kab Kabyle|kik Gikuyu, Kikuyu|kk Kazakh|km Cambodian, Khmer|kn Kannada|ko Korean|ku Kurmanji, Kurdish|
ky Kirghiz, Kyrgyz|la Latin|lb Luxembourgish|lg Luganda, Ganda|lij Genoese, Ligurian|ln Lingala|lo Lao|
lt Lithuanian|ltg Latgalian|lv Latvian|mg Malagasy|mk Macedonian|ml Malayalam|mn Mongolian|mr Marathi|ms Malay|
mt Maltese|my Myanmar, Burmese|ne Nepali|nl Flemish, Dutch|nn Nynorsk, Norwegian Nynorsk|no Bokmål, Norwegian|
nso Sepedi, Northern Sotho|oc Occitan|om Oromo|or Oriya, Odia|pa Panjabi, Punjabi|pcm Nigerian Pidgin|pl Polish|
ps Pashto|pt Portuguese|qu Quechua|ro Moldovan, Romanian|ru Russian|rw Kinyarwanda|sa Sanskrit|
sdh Southern Kurdish|se Northern Sami|si Sinhalese, Sinhala|sk Slovak|sl Slovene, Slovenian|sn Shona|so Somali|
sq Albanian|sr Serbian|st Sesotho, Sotho|sv Swedish|sw Kiswahili, Swahili|ta Tamil|te Telugu|tg Tajik|th Thai|
tk Turkmen|tl Filipino, Tagalog|tr Turkish|tt Tatar|ug Uighur, Uyghur|uk Ukrainian|ur Urdu|uz Uzbek|
uzs Southern Uzbek|vec Venetian|vi Vietnamese|vo Volapük|wa Walloon|wuu Shanghainese, Wu Chinese|xh Xhosa|
yo Yoruba|yue Cantonese|zh Mandarin, Chinese|zu Zulu"""

# Names in the languages she is checked in (and endonyms): written lowercase in most of them,
# so matched in any case, unlike the English names ("a Turkish rug" is not "turkish").
_OWN = """en anglais, inglés, Englisch, inglese, inglês|fr français, francés, Französisch, francese, francês|
es espagnol, español, castellano, Spanisch, spagnolo, espanhol|de allemand, alemán, Deutsch, tedesco, alemão|
it italien, Italienisch, italiano|pt portugais, portugués, Portugiesisch, portoghese, português|
nl néerlandais, neerlandés, holandés, Niederländisch, olandese, holandês, Nederlands|
ru russe, ruso, Russisch, russo, русский|zh chinois, chino, Chinesisch, cinese, chinês, 中文, 普通话|
ja japonais, japonés, Japanisch, giapponese, japonês, 日本語|ar arabe, árabe, Arabisch, arabo, العربية|
el grec, griego, Griechisch, greco, grego, ελληνικά|pl polonais, polaco, Polnisch, polacco, polonês, polski|
tr turc, turco, Türkisch, Türkçe|sv suédois, sueco, Schwedisch, svedese, svenska|ko coréen, coreano, Koreanisch, 한국어|
ca catalan, catalán, català|gl gallego, galego|eu euskera, euskara|cs čeština|da dansk|no norsk|fi suomi|
hu magyar|ro română|uk українська|he עברית|hi हिन्दी|cy Cymraeg|ga Gaeilge|is íslenska|hr hrvatski|
sk slovenčina|sl slovenščina|et eesti|lt lietuvių|lv latviešu|vi Tiếng Việt|th ภาษาไทย|fa فارسی"""


def _table(text: str) -> list[tuple[str, str]]:
    pairs = []
    for entry in text.split("|"):
        code, names = entry.strip().split(" ", 1)
        pairs += [(name.strip(), code) for name in names.split(",")]
    return pairs


@lru_cache(maxsize=1)
def language_names() -> dict[str, str]:
    """Language name → code (ISO 639-1, or the detector's ISO 639-3 where a language has none).

    The English name of every language the detector knows, other English names (Farsi,
    Mandarin), and names in French, Spanish, German, Italian and Portuguese and endonyms
    (français, español, Deutsch, italiano, português...). For each code its English name
    comes last, so inverting the table names each language in English.
    """
    return dict(_table(_OWN) + _table(_ENGLISH))


@lru_cache(maxsize=1)
def _names() -> re.Pattern[str]:
    own = {name for name, _ in _table(_OWN)}
    names = sorted(language_names(), key=len, reverse=True)  # "Ancient Greek" before "Greek"
    alternatives = [f"(?i:{re.escape(n)})" if n in own else re.escape(n) for n in names]
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])")


def named_languages(text: str) -> list[tuple[int, int, str]]:
    """The languages a text names: (start, end, code), in order, longest names first where they overlap."""
    table = language_names()
    lowered = {name.lower(): code for name, code in table.items()}
    found = []
    for match in _names().finditer(text):
        code = table.get(match.group(0)) or lowered[match.group(0).lower()]
        found.append((match.start(), match.end(), code))
    return found


@lru_cache(maxsize=1)
def _identifier():
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ImportError("language detection needs py3langid: pip install py3langid==0.4.0") from exc
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=512)
def _ranked(text: str) -> dict[str, float]:
    return dict(_identifier().rank(text))


NOT_HER_LANGUAGE = 0.06
"""Below this confidence that a reply is in her language, it is not.

py3langid's normalized probability for her language, measured on ten-word openings (the words
her language is judged on) written for it in English, French, Spanish, German, Italian and
Portuguese (tests/test_promises.py): on 26 plain ones, 0.42-0.9998 in her language and 0-0.0081
in any other of the six; on 8 hard ones (English full of German, Portuguese or French names; the
others with English names and loanwords, "Jack", "brunch", "super"), 0.093-0.96 in hers and at most
0.050 in another (English with Jürgen and Hamburg, read as German). Past any threshold: English
laced with Italian names and "trattoria" is Italian at 0.18. On two or three words the ranges
overlap ("Merci, Theo." is French at 0.012, "Sí, claro." Portuguese at 0.059): there a reply
found not in her language costs a translation into the language she already spoke, which is
harmless, where a threshold low enough to pass it would let English through. The single best
guess is not the test: "Yes." is Kabyle to it (English 0.022), "Good, Theo." Estonian.
"""


def language_confidence(text: str, code: str) -> float:
    """How sure the detector is that text is in the language with this code (0 to 1)."""
    ranked = _ranked(text)
    if code not in ranked:
        return 1.0  # a language the detector does not know: it cannot say she broke it
    return ranked[code]


def detect_language(text: str) -> str | None:
    """The code of the text's most likely language, or None when it has no words to tell by."""
    if not re.search(r"[^\W\d_]", text):
        return None
    code, _ = _identifier().classify(text)
    return None if code == "zxx" else code
