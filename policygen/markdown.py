"""Policy -> Markdown: the canonical text, from which HTML and PDF are made."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .compose import ClauseLibrary, Policy, tidy_markdown
from .formats import Rendered

if TYPE_CHECKING:
    from .formats import Document, FormatSettings

DOCUMENT_TEMPLATE = "policy/document.md.j2"


def render_markdown(policy: Policy, library: ClauseLibrary) -> str:
    """The whole policy as Markdown: same policy, same bytes (LF line endings, one final newline)."""
    env = library.environment(policy.language)
    text = env.get_template(DOCUMENT_TEMPLATE).render(policy=policy)
    return tidy_markdown(text) + "\n"


class MarkdownFormat:
    """The ``md`` output format: the document's Markdown as it is."""

    def __init__(self, settings: FormatSettings) -> None:
        self.settings = settings

    def render(self, document: Document) -> Rendered:
        """The document's Markdown text."""
        return Rendered(document.markdown)

    def render_bundle(self, documents: Sequence[Document]) -> Rendered:
        """Not offered: Markdown documents stay one file each."""
        raise NotImplementedError("Markdown has no handbook")
