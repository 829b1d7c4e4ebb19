"""The HTML redline of ``policygen diff OLD NEW -f html``: what changed, marked in the text itself.

The page opens with a count and a contents list of the changes, then one part per
change: the document details (version, dates, owner, contact), each clause added,
removed or reworded (with the answers that caused it), and each companion document
whose text changed. Inside a paragraph or list item only the words that changed are
marked, so a reader sees the one word that moved, not a struck-out paragraph.

Lists, emphasis and code keep their form. Nothing relies on colour: added words are
underlined, removed words struck through, each also labelled in words for screen
readers (``[added: …]``), and every part carries a word badge (Added, Removed...).
Everything from the policy is escaped: the page never contains markup from answers.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Sequence

from msgspec import Struct

Atom = tuple[str, frozenset[str]]  # a word or a run of spaces, and its marks (strong, em, code)
_MARK_TAGS = (("strong", "strong"), ("em", "em"), ("code", "code"))
_SIMILAR = 0.5  # at least half the words kept: an edit, marked word by word; below: rewritten
# numbers (2027.1 is one), words, runs of spaces, single punctuation marks
_TOKENS = re.compile(r"\d+(?:[.,:]\d+)*|\w+(?:['\u2019-]\w+)*|\s+|[^\w\s]")


class Block(Struct, frozen=True):
    """A paragraph, list item or heading, as words with their marks."""

    tag: str  # p, li, heading
    container: str | None  # ul or ol for a list item
    atoms: tuple[Atom, ...]

    @property
    def text(self) -> str:
        """The block's words as plain text (what is compared to pair blocks up)."""
        return " ".join("".join(text for text, _ in self.atoms).split())


class Part(Struct, frozen=True):
    """One entry of the redline: an anchor, a badge, a heading, reasons and the marked-up body."""

    anchor: str
    badge: str
    heading: str
    body: str
    reasons: tuple[str, ...] = ()


def blocks(markdown: str) -> list[Block]:
    """The Markdown's paragraphs, list items and headings, with emphasis kept as marks."""
    from ..render.mdparse import markdown_parser

    result: list[Block] = []
    lists: list[str] = []
    tag = "p"
    for token in markdown_parser().parse(markdown):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("ul" if token.type == "bullet_list_open" else "ol")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "heading_open":
            tag = "heading"
        elif token.type == "heading_close":
            tag = "p"
        elif token.type == "inline":
            atoms = tuple(_atoms(token.children or ()))
            if any(text.strip() for text, _ in atoms):
                in_list = bool(lists) and tag != "heading"
                result.append(Block("li" if in_list else tag, lists[-1] if in_list else None, atoms))
    return result


def _atoms(children: Iterable[object]) -> Iterable[Atom]:
    marks: set[str] = set()
    for child in children:
        kind, content = getattr(child, "type", ""), getattr(child, "content", "")
        if kind in ("strong_open", "em_open"):
            marks.add(kind[:-5])
        elif kind in ("strong_close", "em_close"):
            marks.discard(kind[:-6])
        elif kind in ("softbreak", "hardbreak"):
            yield " ", frozenset(marks)
        elif kind in ("text", "code_inline"):
            extra = {"code"} if kind == "code_inline" else set()
            for word in _TOKENS.findall(content):
                yield word, frozenset(marks | extra)


def _phrase(atoms: Sequence[Atom]) -> str:
    """Atoms as HTML, runs with the same marks wrapped once (<strong>, <em>, <code>)."""
    out: list[str] = []
    index = 0
    while index < len(atoms):
        marks = atoms[index][1]
        end = index
        while end < len(atoms) and atoms[end][1] == marks:
            end += 1
        text = html.escape("".join(text for text, _ in atoms[index:end]))
        for mark, tag in _MARK_TAGS:
            if mark in marks:
                text = f"<{tag}>{text}</{tag}>"
        out.append(text)
        index = end
    return "".join(out)


def _words(message: str, language: str | None) -> str:
    """One of the page's own phrases in ``language``, with its spacing rules."""
    from ..locale import sentences_in

    return sentences_in(language)(message)


def _marked(tag: str, atoms: Sequence[Atom], language: str | None = None) -> str:
    said = _words("[added: " if tag == "ins" else "[removed: ", language)  # what a screen reader announces
    return (f'<{tag}><span class="label">{html.escape(said)}</span>{_phrase(atoms)}'
            f'<span class="label">]</span></{tag}>') if atoms else ""


def word_diff(before: Sequence[Atom], after: Sequence[Atom], language: str | None = None) -> str:
    """One block's words, with only the words that changed marked as removed and added."""
    out = []
    for op, i1, i2, j1, j2 in _merged(difflib.SequenceMatcher(a=list(before), b=list(after),
                                                              autojunk=False).get_opcodes(), before):
        if op == "equal":
            out.append(_phrase(before[i1:i2]))
        else:
            out.append(_marked("del", before[i1:i2], language) + _marked("ins", after[j1:j2], language))
    return "".join(out)


Opcode = tuple[str, int, int, int, int]


def _merged(opcodes: Sequence[Opcode], before: Sequence[Atom]) -> list[Opcode]:
    """Opcodes with a space or a punctuation mark between two changes taken into the change, so a
    rewritten phrase reads as one removal and one addition rather than alternating fragments."""
    result: list[Opcode] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        between = 0 < index < len(opcodes) - 1 and op == "equal" and \
            all(not text.strip() or (not text.isalnum() and len(text) == 1) for text, _ in before[i1:i2])
        if result and result[-1][0] != "equal" and (op != "equal" or between):
            last = result[-1]
            result[-1] = ("replace", last[1], i2, last[3], j2)
        else:
            result.append((op, i1, i2, j1, j2))
    return result


def _similar(before: Block, after: Block) -> bool:
    return difflib.SequenceMatcher(a=before.text.split(), b=after.text.split(), autojunk=False).ratio() >= _SIMILAR


def _pairs(old: list[Block], new: list[Block], changed_only: bool,
           language: str | None) -> Iterable[tuple[Block, str]]:
    """Each block to show, with its marked-up content (the block gives the tag and list)."""
    keys = [(b.tag, b.container, b.text) for b in old], [(b.tag, b.container, b.text) for b in new]
    matcher = difflib.SequenceMatcher(a=keys[0], b=keys[1], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            if not changed_only:
                yield from ((block, _phrase(block.atoms)) for block in new[j1:j2])
            continue
        for a, b in _align(old[i1:i2], new[j1:j2]):
            if a is not None and b is not None:
                yield b, word_diff(a.atoms, b.atoms, language)
            elif a is not None:
                yield a, _marked("del", a.atoms, language)
            elif b is not None:
                yield b, _marked("ins", b.atoms, language)


def _align(was: Sequence[Block], now: Sequence[Block]) -> Iterable[tuple[Block | None, Block | None]]:
    """Old and new blocks in order: an old block with the next similar new one (edited), else alone
    (removed); new blocks passed over on the way are added."""
    start = 0
    for block in was:
        match = next((k for k in range(start, len(now)) if _similar(block, now[k])), None)
        if match is None:
            yield block, None
            continue
        yield from ((None, added) for added in now[start:match])
        yield block, now[match]
        start = match + 1
    yield from ((None, added) for added in now[start:])


def redline_body(before: str | None, after: str | None, *, changed_only: bool = False,
                 language: str | None = None) -> str:
    """The new text with the changes from the old marked, lists kept as lists. ``changed_only``
    leaves out the blocks that did not change (for long documents); the screen readers' words are
    in ``language``."""
    out: list[str] = []
    open_list: str | None = None
    for block, content in _pairs(blocks(before or ""), blocks(after or ""), changed_only, language):
        if block.container != open_list:
            if open_list:
                out.append(f"</{open_list}>")
            if block.container:
                out.append(f"<{block.container}>")
            open_list = block.container
        if block.tag == "li":
            out.append(f"<li>{content}</li>")
        else:
            css = ' class="heading"' if block.tag == "heading" else ""
            out.append(f"<p{css}>{content}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    return "\n".join(out)


def details_body(rows: Sequence[tuple[str, str, str]], language: str | None = None) -> str:
    """The document details (label, before, now) as a list, changed values marked word by word."""
    items = []
    colon = _words("%(label)s: %(value)s", language)  # "Version : 2027.2" in French
    for label, before, after in rows:
        value = html.escape(after) if before == after else word_diff(_plain(before), _plain(after), language)
        items.append(f"<li>{colon % {'label': html.escape(label), 'value': value}}</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def _plain(text: str) -> tuple[Atom, ...]:
    return tuple((word, frozenset()) for word in _TOKENS.findall(text))


_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; line-height: 1.55; color: #1d1d1f; max-width: 46rem;
       margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.35rem; margin-top: 2rem; padding-top: 0.5rem;
     border-top: 2px solid #d0d0d7; }
a { color: #1a4f8b; }
.kind { display: inline-block; font-size: 0.85rem; font-weight: bold; border: 1px solid #1d1d1f;
        border-radius: 0.25rem; padding: 0 0.4rem; margin-right: 0.4rem; }
ins { text-decoration: underline 2px; background: #e3f1e6; color: #0b3d17; }
del { text-decoration: line-through 2px; background: #fbe4e2; color: #5c1111; }
.label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.legend, .count { background: #f4f5f8; padding: 0.5rem 1rem; border-radius: 0.5rem; }
.heading { font-weight: bold; }
del + ins { margin-left: 0.25em; }
.because { font-size: 0.95rem; }
"""


def page(title: str, language: str, intro: str, parts: Sequence[Part]) -> str:
    """The standalone redline page: title, count, contents list, legend, then every part."""
    from ..locale import sentences_in

    _ = sentences_in(language)
    count = len(parts)
    counted = "%(count)s change" if count == 1 else "%(count)s changes"
    body = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(intro)}</p>",
            f'<p class="count">{html.escape(_(counted) % {"count": count})}'
            + (html.escape(_(", listed here and marked in the text below.")) + "</p>" if count else ".</p>")]
    if parts:
        colon = _("%(badge)s: %(heading)s")
        body.append(f'<nav aria-labelledby="contents"><h2 id="contents">{html.escape(_("Contents"))}</h2><ol>'
                    + "".join(f'<li><a href="#{part.anchor}">'
                              + html.escape(colon % {"badge": part.badge, "heading": part.heading}) + "</a></li>"
                              for part in parts) + "</ol></nav>")
        body.append('<p class="legend">' + _("Added words are <ins>underlined</ins> and removed words are "
                    "<del>struck through</del>. Screen readers announce each change as “added” or “removed”.")
                    + "</p>")
    else:
        body.append(f"<p>{html.escape(_('Nothing changed: both answers files give the same policy and documents.'))}"
                    "</p>")
    for part in parts:
        body.append(f'<section aria-labelledby="{part.anchor}">')
        body.append(f'<h2 id="{part.anchor}"><span class="kind">{html.escape(part.badge)}</span> '
                    f"{html.escape(part.heading)}</h2>")
        if part.reasons:
            body.append(f'<p class="because">{html.escape(_("Because:"))}</p><ul class="because">'
                        + "".join(f"<li>{html.escape(r)}</li>" for r in part.reasons) + "</ul>")
        body.append(part.body)
        body.append("</section>")
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")
