"""``policygen diff OLD NEW -f docx``: the new policy as a Word document whose differences from the old one are
tracked changes a reviewer accepts or rejects in Word, each with a comment giving the answer that caused it.

Both policies are rendered to Markdown and walked into blocks (``word_blocks``), the same as ``-f docx``.
The block sequences are compared; a paragraph that was edited (same style, at least half its words kept)
gets word-level ``w:ins``/``w:del`` runs (deleted text in ``w:delText``), other paragraphs are inserted or
deleted whole, paragraph mark included, so that accepting every change gives exactly the new policy's text
and rejecting every change exactly the old one's. Each change is attributed to the person and date the
answers' provenance records for the answer that caused it (else the policy's owner and effective date), and
carries a comment with the reason, taken from ``diff.compare``'s causes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence

from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from msgspec import Struct
from msgspec.structs import force_setattr, replace

from ..content.library import ClauseLibrary
from ..content.model import META_QUESTIONS
from ..locale import sentences_in
from ..questionnaire.answers import Answers
from ..render.brand import Brand
from ..render.markdown import render_markdown
from ..render.registry import Document
from ..render.word import Part, WordWriter
from ..render.word_blocks import Block, Paragraph, Span, Table, markdown_blocks, merge_spans
from ..render.word_ooxml import AFTER_TRACK_REVISIONS, element, insert_before, xml_safe
from .diff import Cause, ClauseChange, Comparison, causes_of, why_changed

_TOKEN = re.compile(r"\S+|\s+")


class Reason(Struct, frozen=True):
    """Why a stretch of the text changed, and whom to credit: the comment's text, the author, the date."""

    text: str
    author: str
    date: dt.datetime

    def __post_init__(self) -> None:  # both come from answers: keep only what XML can hold
        force_setattr(self, "text", xml_safe(self.text))
        force_setattr(self, "author", xml_safe(self.author) or "policygen")


class _Context(Struct):
    """What the writer needs while it walks the blocks: the reasons by heading, and the ids already used."""

    by_heading: dict[str, ClauseChange]
    meta: Reason
    fallback: Reason
    new_answers: Answers


def redline_docx(comparison: Comparison, old_answers: Answers, new_answers: Answers,
                 library: ClauseLibrary) -> bytes:
    """The new policy with every difference from the old as a tracked change with a comment."""
    old_md, new_md = render_markdown(comparison.old, library), render_markdown(comparison.new, library)
    old, new = markdown_blocks(old_md), markdown_blocks(new_md)
    writer = WordWriter(comparison.new, Brand())
    document = Document("policy", comparison.new, new_md, None, Brand())
    part = Part(document, new, "")
    writer.name_bookmarks([part, Part(document, old, "old-")])
    writer.section("policy", document.info.title, cover=False)
    context = _context(comparison, old_answers, new_answers)
    _Redline(writer, part, context).write([*old.title, *old.body], [*new.title, *new.body])
    settings = writer.doc.settings.element  # Track Changes on: the reviewer's own edits are tracked too
    insert_before(settings, element("w:trackRevisions", {}), AFTER_TRACK_REVISIONS)
    info, _ = document.info, sentences_in(comparison.new.language)  # the properties in the policy's language
    versions = {"title": info.title, "old": comparison.old.version, "new": comparison.new.version}
    writer.properties(_("%(title)s: changes since version %(old)s") % versions,
                      _("The changes from version %(old)s to %(new)s, as tracked changes") % versions,
                      (_("social media"), _("policy"), _("changes")))
    return writer.to_bytes()


def _when(date: dt.date) -> dt.datetime:
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def _credit(causes: Sequence[Cause], answers: Answers, fallback: Reason) -> tuple[str, dt.datetime]:
    """The author and date of the first cause whose answer records them."""
    for cause in causes:
        source = answers.provenance.get(cause.qid)
        if source is not None and (source.by or source.at):
            return source.by or fallback.author, _when(source.at) if source.at else fallback.date
    return fallback.author, fallback.date


def _context(comparison: Comparison, old_answers: Answers, new_answers: Answers) -> _Context:
    new = comparison.new
    _ = sentences_in(new.language)  # the comments speak the policy's language
    fallback = Reason(_("The standard wording of this part changed in a newer policygen."), new.owner,
                      _when(new.effective_date))
    by_heading = {f"{change.number} {change.title}": change for change in comparison.changes}
    causes = list(causes_of(META_QUESTIONS.values(), old_answers, new_answers, new.language))
    author, date = _credit(causes, new_answers, fallback)
    meta = Reason(_("Because %(causes)s.") % {"causes": "; ".join(c.sentence() for c in causes)}
                  if causes else fallback.text, author, date)
    return _Context(by_heading, meta, fallback, new_answers)


class _Redline:
    """Writes the merged block sequence with tracked changes and their comments."""

    def __init__(self, writer: WordWriter, part: Part, context: _Context) -> None:
        self.writer, self.part, self.context = writer, part, context
        self.heading: str | None = None  # the clause heading the text is under ("4.5 Checking posts")
        self.comments = writer.doc.comments
        self.group: tuple[Reason, list[BaseOxmlElement]] | None = None  # changes waiting for their comment
        self.language = context.new_answers.get("org.language") or "en-GB"
        self._ = sentences_in(self.language)  # the comments speak the policy's language

    def write(self, old: Sequence[Block], new: Sequence[Block]) -> None:
        """The new blocks, with the old ones' differences as tracked changes; one comment per run of changes
        that share a reason (a removed clause gets one comment, not one per paragraph)."""
        matcher = difflib.SequenceMatcher(a=[_key(b) for b in old], b=[_key(b) for b in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                self._flush()
                for block in new[j1:j2]:
                    self._follow(block)
                    self._plain(block)
                continue
            was, now = list(old[i1:i2]), list(new[j1:j2])
            while was and now and _edited(was[0], now[0]):
                self._pending(*self._edited(was.pop(0), now.pop(0)))  # type: ignore[arg-type]
            for block in was:
                self._pending(*self._whole(block, "del"))
            for block in now:
                self._pending(*self._whole(block, "ins"))
        self._flush()

    def _pending(self, marks: list[BaseOxmlElement], reason: Reason) -> None:
        if self.group and self.group[0] != reason:
            self._flush()
        self.group = (reason, [*(self.group[1] if self.group else []), *marks])

    def _flush(self) -> None:
        if self.group:
            self._comment(self.group[1], self.group[0])
        self.group = None

    # ------------------------------------------------------------ where are we, and why did it change

    def _follow(self, block: Block) -> None:
        if isinstance(block, Paragraph) and block.style.startswith("Heading"):
            self.heading = block.text

    def _reason(self, block: Block) -> Reason:
        change = self.context.by_heading.get(self.heading or "")
        if isinstance(block, Paragraph) and block.style.startswith("Heading") and change is None:
            return replace(self.context.meta, text=self._("Renumbered: clauses before it were added or removed."))
        if change is None:
            return self.context.meta if self.heading is None else self.context.fallback
        author, date = _credit(change.causes, self.context.new_answers, self.context.fallback)
        said = {"added": "Added %(part)s, because %(causes)s.", "removed": "Removed %(part)s, because %(causes)s.",
                "reworded": "Reworded %(part)s, because %(causes)s."}[change.kind]
        return Reason(self._(said) % {"part": f"{change.number} {change.title}",
                                      "causes": "; ".join(why_changed(change, self.language))}, author, date)

    # ------------------------------------------------------------ writing

    def _plain(self, block: Block) -> None:
        if isinstance(block, Table):
            self.writer.table(self.writer.doc, block, self.part)
        else:
            self.writer.paragraph(self.writer.doc, block, self.part)

    def _whole(self, block: Block, kind: str) -> tuple[list[BaseOxmlElement], Reason]:
        """A block inserted or deleted whole: every run and the paragraph mark (or every table row)."""
        self._follow(block)
        reason = self._reason(block)
        if isinstance(block, Table):
            self.writer.table(self.writer.doc, block, self.part)
            table = self.writer.doc.tables[-1]._tbl
            marks = [self._mark(list(tr.iter(qn("w:r"))), kind, reason) for tr in table.tr_lst]
            for tr in table.tr_lst:
                tr.get_or_add_trPr().append(self._change(kind, reason))
            return [m for group in marks for m in group], reason
        shown = replace(block, anchor=None) if kind == "del" else block  # the old text's headings have no bookmark
        paragraph = self.writer.paragraph(self.writer.doc, shown, self.part, ())
        marked = self._mark(self.writer.add_spans(paragraph, block.spans, self.part), kind, reason)
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(element("w:rPr", {}, self._change(kind, reason)))  # the paragraph mark, too
        return marked, reason

    def _edited(self, old: Paragraph, new: Paragraph) -> tuple[list[BaseOxmlElement], Reason]:
        """A paragraph edited in place: word-level insertions and deletions."""
        self._follow(new)
        reason = self._reason(new)
        paragraph = self.writer.paragraph(self.writer.doc, new, self.part, ())
        a, b = _tokens(old.spans), _tokens(new.spans)
        marked: list[BaseOxmlElement] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if tag == "equal":
                self.writer.add_spans(paragraph, _spans(b[j1:j2]), self.part)
                continue
            if i2 > i1:
                marked += self._mark(self.writer.add_spans(paragraph, _spans(a[i1:i2]), self.part), "del", reason)
            if j2 > j1:
                marked += self._mark(self.writer.add_spans(paragraph, _spans(b[j1:j2]), self.part), "ins", reason)
        return marked, reason

    def _change(self, kind: str, reason: Reason) -> BaseOxmlElement:
        return element(f"w:{kind}", {"w:id": str(self.writer.next_id()), "w:author": reason.author,
                                     "w:date": reason.date.strftime("%Y-%m-%dT%H:%M:%SZ")})

    def _mark(self, runs: Sequence[object], kind: str, reason: Reason) -> list[BaseOxmlElement]:
        """Wrap each run in its own w:ins or w:del (inside a link, if it is in one)."""
        marks = []
        for run in runs:
            assert isinstance(run, BaseOxmlElement)
            mark = self._change(kind, reason)
            run.addprevious(mark)
            mark.append(run)
            if kind == "del":
                for text in run.findall(qn("w:t")):
                    text.tag = qn("w:delText")
            marks.append(mark)
        return marks

    def _comment(self, marks: Sequence[BaseOxmlElement], reason: Reason) -> None:
        """A comment spanning the marked runs, with the reason; by the change's author, on its date."""
        if not marks:
            return
        comment = self.comments.add_comment(reason.text, author=reason.author,
                                            initials="".join(w[0] for w in reason.author.split()[:3]))
        comment._comment_elm.date = reason.date.replace(tzinfo=None)
        cid = str(comment.comment_id)
        marks[0].addprevious(element("w:commentRangeStart", {"w:id": cid}))
        end = element("w:commentRangeEnd", {"w:id": cid})
        marks[-1].addnext(end)
        reference = element("w:r", {}, element("w:rPr", {}, element("w:rStyle", {"w:val": "CommentReference"})),
                            element("w:commentReference", {"w:id": cid}))
        end.addnext(reference)


def _key(block: Block) -> tuple[str, str]:
    return (block.style if isinstance(block, Paragraph) else "table", block.text)


def _edited(old: Block, new: Block) -> bool:
    """Two paragraphs of the same style with at least half their words in common: an edit, not a rewrite."""
    return isinstance(old, Paragraph) and isinstance(new, Paragraph) and old.style == new.style and \
        difflib.SequenceMatcher(a=old.text.split(), b=new.text.split(), autojunk=False).ratio() >= 0.5


def _tokens(spans: Sequence[Span]) -> list[Span]:
    """Words and spaces, each keeping its span's emphasis and link (the unit of a word-level change)."""
    return [replace(span, text=piece) if not span.line_break else span
            for span in spans for piece in (_TOKEN.findall(span.text) if not span.line_break else [""])]


def _spans(tokens: Sequence[Span]) -> list[Span]:
    return merge_spans(tokens)
