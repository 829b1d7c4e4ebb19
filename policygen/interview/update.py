"""The first screen of ``interview --update``: what is due, on one screen, and one choice about it.

A yearly update should take minutes. Instead of walking the questionnaire, the
person sees every answer that is due (new questions, answers that no longer fit,
questions whose meaning or policy text changed, answers older than
``--stale-months``, and the next edition's effective date and version), each
with its answer now, and chooses:

* **keep all as they are**: each is confirmed in its provenance (who, when, and an
  optional note); the effective date and version move to the next edition;
* **go through them**: each is asked, pre-filled;
* **pick some**: tick the ones to change; the others are kept.

A question without anything fitting to keep is asked whatever the choice. What is
due comes from :func:`policygen.interview.state.due_for_update` (pure); this module
only talks to the prompt port.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct, field

from ..locale import format_number, messages_language, say
from .prompts import Option, Prompt, PromptPort
from .review import shorten
from .state import DueItem, InterviewState, due_for_update, keep_as_they_are

KEEP, GO, PICK = "keep", "go", "pick"
_POINTER = 3  # columns a select prompt uses for its pointer


class UpdatePlan(Struct, frozen=True):
    """What the walk asks after the first screen, and why each is asked (shown above it)."""

    ask: frozenset[str] = frozenset()
    why: dict[str, str] = field(default_factory=dict)
    kept: int = 0  # answers confirmed as they are


def due_line(item: DueItem, width: int) -> str:
    """One due item as a line: the question, its answer now (-> the next edition's), the reason."""
    answer = item.shown()
    if item.reason == "edition":
        answer = f"{answer} → {item.shown(item.proposed)}"
    elif item.reason == "unanswered" and item.proposed is not None:
        answer = f"{item.shown(item.proposed)} ({say('suggested')})"
    room = max(width - _POINTER, 40)
    label_room = max(len(item.label), 12)
    question_room = (room - label_room - 4) * 11 // 20
    answer_room = room - label_room - question_room - 4
    return (f"{shorten(item.question.prompt, question_room):<{question_room}}  "
            f"{shorten(answer, answer_room):<{answer_room}}  {item.label}")


_SHOWN_LAST = ("age", "text", "meaning", "unanswered", "unfit", "edition")


def due_screen(items: Sequence[DueItem], width: int) -> str:
    """Every due item, one line each, for the first screen of an update. Answers that are only old
    come first and what changed comes last, so in a short terminal the lines that matter most stay
    in view just above the choice; a closing line counts them by reason."""
    ordered = sorted(items, key=lambda item: _SHOWN_LAST.index(item.reason))  # stable: questionnaire order
    counts: dict[str, int] = {}
    for item in items:
        counts[item.label] = counts.get(item.label, 0) + 1
    summary = ", ".join(say("%(count)s %(label)s", count=format_number(count, messages_language()), label=label)
                        for label, count in counts.items())
    return "\n".join([*(due_line(item, width) for item in ordered), f"({summary})"])


def _edition(items: Sequence[DueItem]) -> str:
    """' (the new edition: version 2028.1, from 2028-01-04)', or '' when none is proposed."""
    parts = {item.question.qid: item.shown(item.proposed) for item in items if item.reason == "edition"}
    version, date = parts.get("policy.version"), parts.get("policy.effective_date")
    words = [w for w in (say("version %(version)s", version=version) if version else None,
                         say("from %(date)s", date=date) if date else None) if w]
    return " (" + say("new edition: %(edition)s", edition=", ".join(words)) + ")" if words else ""


def plan_update(state: InterviewState, port: PromptPort) -> UpdatePlan:
    """Show what is due and apply the person's choice; return what the walk still asks."""
    items = due_for_update(state)
    if not items:
        port.show(say("Nothing is due: every answer is recent, still fits, and its policy text is unchanged. "
                      "You can still change any answer in the review."), "text")
        return UpdatePlan()
    must = [item for item in items if item.must_answer]
    count = len(items)
    port.show(say("Due for a look: %(count)s answers" if count != 1 else "Due for a look: %(count)s answer",
                  count=count), "heading")
    port.show(due_screen(items, port.width), "text")
    if must:
        port.show(say("%(count)s of them needs an answer and will be asked whatever you choose." if len(must) == 1
                      else "%(count)s of them need an answer and will be asked whatever you choose.",
                      count=len(must)), "note")
    why = {item.question.qid: say("%(label)s: %(why)s", label=item.label, why=item.why) for item in items}
    if len(must) == count:
        return UpdatePlan(frozenset(why), why)
    choice = port.ask(Prompt("interview:due", "select", say("What would you like to do?"), options=(
        Option(KEEP, shorten(say("Keep all as they are") + _edition(items), port.width - _POINTER)),
        Option(GO, say("Go through them one by one (%(count)s)", count=count)),
        Option(PICK, say("Pick the ones to change; keep the others"))), default=KEEP))
    asked = list(items) if choice == GO else list(must) if choice == KEEP else _pick(items, port) + must
    kept = [item for item in items if item not in asked]
    note = _note(port) if kept else None
    keep_as_they_are(state, kept, note)
    for item in asked:  # pre-fill the next edition's date and version
        if item.reason == "edition":
            state.change(item.question, item.proposed)
    if kept:
        port.show(say("Kept %(count)s answers as they are, recorded as checked today." if len(kept) != 1 else
                      "Kept %(count)s answer as it is, recorded as checked today.", count=len(kept)), "note")
    return UpdatePlan(frozenset(item.question.qid for item in asked), why, len(kept))


def _pick(items: Sequence[DueItem], port: PromptPort) -> list[DueItem]:
    keepable = [item for item in items if not item.must_answer]
    picked = port.ask(Prompt("interview:pick", "checkbox", say("Which do you want to change?"), options=tuple(
        Option(item.question.qid, due_line(item, port.width - 4)) for item in keepable), default=[],
        instruction="(" + say("space to tick, enter when done") + ")"))
    chosen = set(picked or [])
    return [item for item in keepable if item.question.qid in chosen]


def _note(port: PromptPort) -> str | None:
    answer = port.ask(Prompt("interview:note", "text", say("A note for the record on the answers you keep?"),
                             default="", instruction=say("(optional, e.g. Checked with the union in May)")))
    return " ".join(str(answer or "").split()) or None
