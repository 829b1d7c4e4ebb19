"""Fields to fill in: a form's blank answer cells become labelled text inputs.

The acknowledgement's Markdown stays a plain table (``| Full name | |``): readable as text,
printable as ruled cells. In HTML each row whose first cell names a detail and whose second
cell is empty becomes a row header holding a ``<label>`` and a text input. In the PDF those
inputs are AcroForm text fields (WeasyPrint writes a field for each input styled
``appearance: auto``, templates/pdf/forms.css), named after the detail, with the detail as
the tooltip (/TU) that screen readers announce, and tagged as /Form structure elements; the
signature is a signature field. On paper the field has no border of its own: the cell's rules
are the line to write on.
"""

from __future__ import annotations

import html
import re

from markupsafe import escape

FILLABLE_KINDS = frozenset({"acknowledgement"})
FIELD_PREFIX = "field-"
# A body row of two cells: a detail's name (plain text, as markdown-it writes it) and an empty cell.
_ROW = re.compile(r"<tr>\n<td>([^<>\n]+)</td>\n<td></td>\n</tr>")
# Fields that take a signature: in the PDF a signature field (/Sig, policygen/render/pdf.py), signed with a
# digital ID in a PDF reader, or by hand on paper; in HTML a text field to type one's name in.
SIGNATURE_FIELDS = frozenset({"signature"})
# Details a browser can fill in from the reader's saved data (HTML autocomplete tokens).
_AUTOCOMPLETE = {"full-name": "name", "job-title-or-role": "organization-title"}


def field_name(label: str) -> str:
    """The field's name in HTML and the PDF: the label in lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "field"


def _field_row(match: re.Match[str]) -> str:
    label = html.unescape(match.group(1)).strip()
    name = field_name(label)
    autocomplete = _AUTOCOMPLETE.get(name)
    extra = f' autocomplete="{autocomplete}"' if autocomplete else ""
    text = escape(label)
    field = f'<input type="text" id="{FIELD_PREFIX}{name}" name="{name}" title="{text}"{extra}>'
    return (f'<tr>\n<th scope="row"><label for="{FIELD_PREFIX}{name}">{text}</label></th>\n'
            f'<td class="field">{field}</td>\n</tr>')


def add_fields(body: str, kind: str) -> str:
    """The page body with fill-in fields, for the kinds of document that are forms; others unchanged."""
    if kind not in FILLABLE_KINDS:
        return body
    return _ROW.sub(_field_row, body)
