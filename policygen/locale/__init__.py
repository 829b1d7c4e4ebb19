"""The locale layer: one message catalogue per language, and dates, lists and typography per locale.

English is the source language: every user-facing string in the code is written in
English and passed through :func:`translate` (``_``), which returns it unchanged for
English and looks it up in ``policygen/locale/locales/<language>.po`` otherwise. The catalogue
is a gettext PO file read with Babel, only when a non-English language is asked for,
so the English path imports no Babel at all (and its bytes cannot change).

Clause and document templates are translated as whole files: a language's templates
sit in ``<templates folder>/<language>/`` (``templates/fr-CA/policy/clauses/...``),
searched before the folder itself (see :func:`language_path`).

To add a language: add its code to ``LANGUAGES``, write ``locales/<code>.po`` and put
its templates under ``templates/<code>/`` (docs/architecture.md, "How to add a language").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

# Languages other than English that policygen can write, and Babel's name for each.
LANGUAGES = {"fr-CA": "fr_CA"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
NBSP = "\u00a0"
_CATALOGUES = Path(__file__).parent / "locales"
_EXTRA: dict[str, Path] = {}  # language -> catalogue file, for languages registered at run time (tests)


def babel_locale(language: str) -> str:
    """Babel's name for a language code ("fr-CA" -> "fr_CA")."""
    return LANGUAGES.get(language, language.replace("-", "_"))


def is_english(language: str | None) -> bool:
    """True for English (any spelling) and for no language at all."""
    return not language or language.split("-")[0] == "en"


def register_language(code: str, babel_name: str, catalogue: Path) -> None:
    """Make a language known at run time (a toy language in a test, a consultant's own language)."""
    LANGUAGES[code] = babel_name
    _EXTRA[code] = catalogue
    _catalogue.cache_clear()


def catalogue_file(language: str) -> Path:
    """Where a language's messages live."""
    return _EXTRA.get(language, _CATALOGUES / f"{language}.po")


@cache
def _catalogue(language: str) -> dict[str, str]:
    """A language's messages (English -> translation); untranslated entries are left out."""
    file = catalogue_file(language)
    if not file.is_file():
        return {}
    from babel.messages.pofile import read_po

    with file.open("rb") as handle:
        catalog = read_po(handle, locale=babel_locale(language))
    # The catalogue is our own text: the language's spacing rules apply to it as to the templates.
    return {str(m.id): typography(str(m.string), language) for m in catalog if m.id and m.string and not m.fuzzy}


def translate(message: str, language: str | None) -> str:
    """The message in ``language``: the English itself for English, or when there is no translation yet."""
    if is_english(language):
        return message
    return _catalogue(str(language)).get(message, message)


@cache
def _patterns(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The catalogue's messages with ``%(name)s`` fields, as patterns that match their English; the
    most specific first ("must be at least %(limit)s items" before "must be at least %(limit)s").
    A message with no word of its own ("%(label)s: %(why)s") is left out: it would match any text."""
    found = []
    for english, french in _catalogue(language).items():
        if "%(" in english and re.search(r"[^\W\d_]", re.sub(r"%\([a-z_]+\)s", "", english)):
            pattern = re.sub(r"%\\\(([a-z_]+)\\\)s", _field_pattern, re.escape(english))
            fixed = len(re.sub(r"%\([a-z_]+\)s", "", english))
            found.append((-fixed, english, re.compile(pattern + r"\Z", re.DOTALL), french))
    return tuple((pattern, french) for _, _, pattern, french in sorted(found))




def _field_pattern(match: re.Match[str]) -> str:
    """What a field may hold in a message: a count or limit only a number or a date ("%(done)s of
    %(total)s" must not match "a group of keys"), any other field any text."""
    name = match.group(1)
    return rf"(?P<{name}>-?\d[\d,.:/-]*)" if name in _NUMBER_FIELDS or name == "line" else rf"(?P<{name}>.+?)"


def translate_formatted(text: str, language: str | None) -> str:
    """An English message already filled in ("'x' is not one of the choices") in ``language``: the
    catalogue entry whose fields match it, filled with the same values; the English when none does.

    A field named ``what`` or ``type`` names the kind of a wrong value ("expected a number, got a
    list"), and one named ``prompt`` holds a question of the questionnaire: each is itself a message
    and is translated too. An answer quoted back keeps its quotes ("'many'") and never matches one."""
    if is_english(language):
        return text
    catalogue = _catalogue(str(language))
    exact = catalogue.get(text)
    if exact is not None:
        return exact
    for pattern, french in _patterns(str(language)):
        match = pattern.match(text)
        if match:
            fields = {name: _words(value, str(language)) if name in _WORD_FIELDS
                      else _number(value, str(language)) if name in _NUMBER_FIELDS else value
                      for name, value in match.groupdict().items()}
            return french % fields
    return text


# Fields of a message that hold our own English words (a type's name, a question's prompt), not a
# person's answer: they are translated too. Every other field is quoted back as it was written.
_WORD_FIELDS = frozenset({"what", "prompt", "kind", "type"})
# Fields that hold a count or a limit: written with the language's digit grouping ("1 000" in French).
# A value the person wrote ('%(value)s') is quoted back as written, and a year or a date never matches.
_NUMBER_FIELDS = frozenset({"count", "limit", "total", "low", "high", "length", "size", "months", "done",
                            "number", "line", "ratio", "needed"})
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _words(text: str, language: str) -> str:
    """Our own words in a message, translated; a quoted name that is not a message ("'org.kind'", a
    mapping named by its key) keeps its name in the language's quotation marks."""
    translated = translate(text, language)
    if translated == text and re.fullmatch(r"'[^']+'", text):
        return typography(translate("“%(value)s”", language) % {"value": text[1:-1]}, language)
    return translated


def _number(text: str, language: str) -> str:
    """A count or limit written out in English ("1000", "1,000", "2.5") in the language's way, with as many
    decimals as the English ("2.0:1" is "2,0:1" in French, not "2:1")."""
    plain = text.replace(",", "")
    if not _NUMBER.fullmatch(plain):
        return text
    if "." not in plain:
        return format_number(int(plain), language)
    from decimal import Decimal

    from babel.numbers import format_decimal

    decimals = len(plain.partition(".")[2])
    return str(format_decimal(Decimal(plain), format="#,##0." + "0" * decimals,
                              locale=babel_locale(language)))


def translator(language: str | None) -> Callable[[str], str]:
    """``_`` for one language."""
    return lambda message: translate(message, language)


def sentences_in(language: str | None) -> Callable[[str], str]:
    """``_`` for a document's own sentences (the change log, the redline pages, ``explain``'s notes):
    each message in ``language`` with that language's spacing rules, applied even where a message falls
    back to the English, so a French page is spaced as French throughout. English is returned as written.

    Unlike :func:`translator`, whose callers (templates, the Word renderer) apply the spacing rules to
    the whole text they build."""
    if is_english(language):
        return lambda message: message
    return lambda message: typography(translate(message, language), language)


def missing_messages(language: str, messages: Sequence[str]) -> list[str]:
    """The messages that have no translation in ``language``."""
    known = _catalogue(language)
    return [m for m in messages if m not in known]


def long_date(value: dt.date, language: str | None) -> str:
    """A date written out: "1 March 2027", "March 1, 2027" (US), "1er mars 2027" (French)."""
    if not is_english(language):
        from babel.dates import format_date

        babel_name = babel_locale(str(language))
        text = format_date(value, format="d MMMM y", locale=babel_name)
        if babel_name.startswith("fr") and value.day == 1:  # French writes the first day as an ordinal
            text = "1er" + text[1:]
        return text
    month = _MONTHS[value.month - 1]
    if language == "en-US":
        return f"{month} {value.day}, {value.year}"
    return f"{value.day} {month} {value.year}"


def join_words(parts: Sequence[str], language: str | None, conjunction: str = "and") -> str:
    """``a, b and c`` in English (no serial comma), ``a, b et c`` in French (Babel's list patterns)."""
    if len(parts) <= 1:
        return "".join(parts)
    if is_english(language) or conjunction != "and":
        word = translate(conjunction, language)
        return ", ".join(parts[:-1]) + f" {word} " + parts[-1]
    from babel.lists import format_list

    return format_list(list(parts), locale=babel_locale(str(language)))


def format_number(value: float, language: str | None) -> str:
    """A number with the locale's digit grouping and decimal sign ("1 234,5" in French)."""
    if is_english(language):
        return f"{value:,}"
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=babel_locale(str(language))))


# Quebec's rule (Office québécois de la langue française): a non-breaking space before the colon and
# inside « », no space at all before ; ! ?  (France's thin spaces before ; ! ? are not used in Quebec).
_NO_SPACE = re.compile(r"[ \t\u00a0\u202f]+([;!?])")
_OPEN_QUOTE = re.compile(r"«[ \t\u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \t\u00a0\u202f]*»")


def quebec_typography(text: str) -> str:
    """Text with Quebec's spacing around punctuation; spaces at line starts and in links are left alone.

    Only spaces that are already there are changed: "mot :" becomes "mot\u00a0:", "mot ;" becomes
    "mot;", and « » get non-breaking spaces inside. A colon with no space before it (a time, a web
    address) is not touched.
    """
    text = re.sub(r"(?<=\S)[ \t\u202f]+:(?=[\s*_)\]]|$)", NBSP + ":", text)  # also before ** (bold)
    text = _NO_SPACE.sub(r"\1", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    return _CLOSE_QUOTE.sub(NBSP + "»", text)


def typography(text: str, language: str | None) -> str:
    """The language's spacing rules applied to a template's own text (never to answers)."""
    return quebec_typography(text) if language == "fr-CA" else text


def language_path(search_path: Sequence[Path], language: str | None) -> tuple[Path, ...]:
    """The template search path for a language: each folder's ``<language>/`` subfolder just before it."""
    if is_english(language):
        return tuple(search_path)
    result: list[Path] = []
    for folder in search_path:
        if (folder / str(language)).is_dir():
            result.append(folder / str(language))
        result.append(folder)
    return tuple(result)


def css_strings(css: str, language: str | None) -> str:
    """A stylesheet with the quoted strings of its ``content:`` declarations translated ("Page " -> "Page ")."""
    if is_english(language):
        return css

    def swap(match: re.Match[str]) -> str:
        return re.sub(r'"([^"]+)"', lambda q: '"' + translate(q.group(1), language).replace('"', "") + '"',
                      match.group(0))

    return re.sub(r"content:[^;}]*", swap, css)


# ---------------------------------------------------------------- the messages of a run

_RUN_LANGUAGE: dict[str, str | None] = {"language": None}


def set_messages_language(language: str | None) -> None:
    """The language of the messages a command prints (its answers file's, or ``--language``)."""
    _RUN_LANGUAGE["language"] = None if is_english(language) else language


def messages_language() -> str | None:
    """The language set by :func:`set_messages_language` (None: English)."""
    return _RUN_LANGUAGE["language"]


def say(message: str, **fields: object) -> str:
    """A message of the command line in the run's language, its fields filled in (``%(name)s``)."""
    language = messages_language()
    text = translate(message, language) if language else message
    if language:  # counts in the language's way ("1 234 réponses"); a bool is not a count
        fields = {name: format_number(value, language) if isinstance(value, int | float) and name != "version"
                  and not isinstance(value, bool) else value for name, value in fields.items()}
    return text % fields if fields else text


# ---------------------------------------------------------------- French articles before a name

_ARTICLE = re.compile("(?:(le|la|les)\\s+|(l['\u2019]))(?=\\S)", re.IGNORECASE)
_VOWEL = re.compile(r"[aeiouyàâäéèêëîïôöùûüœæ]", re.IGNORECASE)  # not h: aspirate or mute, a name cannot tell
_CONTRACTED = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


def with_preposition(name: str, preposition: str) -> str:
    """``à`` or ``de`` and a name, as French writes them: "au Groupe", "aux Amis", "du Cercle",
    "des Amis", "de La Coop", "de L\u2019Atelier", "d\u2019Acme", "à Acme".

    Only the article that opens the name is contracted ("Le Groupe" -> "du Groupe"; "Groupe Le Duc"
    stays "de Groupe Le Duc"); the name's own words and capitals are otherwise kept as given.
    """
    name = name.strip()
    word = preposition.strip().lower()
    if word not in ("à", "de"):
        return f"{preposition} {name}"
    match = _ARTICLE.match(name)
    if match and match.group(1):
        article = match.group(1).lower()
        rest = name[match.end():]
        if (word, article) in _CONTRACTED:
            return f"{_CONTRACTED[word, article]} {rest}"
    if match:  # à La Coop, de L\u2019Atelier: no contraction, the name as given
        return f"{word} {name}"
    if word == "de" and _VOWEL.match(name):
        return f"d\u2019{name}"
    return f"{word} {name}"


def of_name(name: str, language: str | None) -> str:
    """"of Acme" in English; in French "de Acme" as French writes it ("du Groupe", "d\u2019Acme")."""
    return f"of {name}" if is_english(language) else with_preposition(name, "de")
