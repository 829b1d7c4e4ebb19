"""Policy -> Markdown: the canonical text, from which HTML and PDF are made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..content.compose import tidy_markdown
from ..content.library import ClauseLibrary
from ..content.model import Policy
from .registry import OneFilePerDocument, Rendered

if TYPE_CHECKING:
    from .registry import Document

DOCUMENT_TEMPLATE = "policy/document.md.j2"


def render_markdown(policy: Policy, library: ClauseLibrary) -> str:
    """The whole policy as Markdown: same policy, same bytes (LF line endings, one final newline)."""
    env = library.environment(policy.language)
    text = env.get_template(DOCUMENT_TEMPLATE).render(policy=policy)
    return tidy_markdown(text) + "\n"


class MarkdownFormat(OneFilePerDocument):
    """The ``md`` output format: the document's Markdown as it is."""

    def render(self, document: Document) -> Rendered:
        """The document's Markdown text."""
        return Rendered(document.markdown)
