"""An audit report as plain text, Markdown, HTML or JSON.

Text from the audited file is data in every format: escaped for Markdown, escaped by the
autoescaping HTML template, a plain string in JSON. JSON keeps a fixed key order and
sorts nothing that the document does not order itself, so the same file gives the same bytes.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup

from .. import __version__
from ..content.mdtext import escape_markdown
from .audit import SEVERITY_ORDER, AuditReport, Finding

REPORT_FORMATS = ("text", "md", "html", "json")
_WRAP = 100


def render_report(report: AuditReport, fmt: str) -> str:
    """The report in one of REPORT_FORMATS."""
    return {"text": report_text, "md": report_markdown, "html": report_html, "json": report_json}[fmt](report)


def summary_line(report: AuditReport) -> str:
    """"2 high, 1 medium, 0 low risky rules; 1 not risky here; 3 subjects missing"."""
    counts = report.counts()
    risky = ", ".join(f"{counts[s]} {s}" for s in SEVERITY_ORDER[:3])
    return (f"{risky} risky rule(s); {counts['info']} risky only elsewhere; "
            f"{counts['missing']} of {len(report.expected)} expected subject(s) missing")


def _where(finding: Finding) -> str:
    return str(finding.sentence.location)


# ---------------------------------------------------------------- text

def report_text(report: AuditReport) -> str:
    """A report for the terminal."""
    lines = [f"Audit of {report.document.path} ({report.document.format}, {len(report.document.sentences)} "
             f"sentences), judged for {report.judged_for}", ""]
    lines.append(f"Risky rules ({sum(f.applies for f in report.findings)}):" if report.findings else
                 "Risky rules: none found.")
    for finding in report.findings:
        pattern = finding.pattern
        lines += ["", f"  [{finding.severity}] {pattern.name}  ({pattern.id})", f"    where: {_where(finding)}",
                  *_wrapped("said", f'"{finding.sentence.text}"'), *_wrapped("why", pattern.why),
                  *_wrapped("risky for", pattern.where.text if finding.applies else
                            pattern.where.text + " Not risky for the organisation judged here."),
                  *[f"    source: {s.title}: {s.url}" for s in pattern.sources],
                  f"    rewrite: policygen clause {finding.rewrite.clause_id} ({finding.rewrite.title}):",
                  *("      " + line if line else "" for line in finding.rewrite.text.splitlines())]
    expected = len(report.expected)
    lines += ["", f"Missing subjects ({len(report.missing)} of {expected} expected):" if report.missing
              else f"Missing subjects: none (all {expected} expected subjects are covered)."]
    for item in report.missing:
        lines += [f"  - {item.subject.title}: covered by policygen clause {item.clause_id} ({item.clause_title})",
                  *_wrapped("why", item.subject.why, indent="      ")]
    lines += ["", f"Summary: {summary_line(report)}."]
    return "\n".join(lines) + "\n"


def _wrapped(label: str, text: str, indent: str = "    ") -> list[str]:
    return textwrap.wrap(text, _WRAP, initial_indent=f"{indent}{label}: ", subsequent_indent=indent + "  ")


# ---------------------------------------------------------------- Markdown

def report_markdown(report: AuditReport) -> str:
    """A report as Markdown (every piece of the audited text escaped)."""
    esc = escape_markdown
    doc = report.document
    out = [f"# Audit of {esc(doc.path.name)}", "",
           f"Judged for {esc(report.judged_for)}. {len(doc.sentences)} sentences read ({doc.format}).", "",
           f"**Summary:** {esc(summary_line(report))}.", "", "## Risky rules", ""]
    if not report.findings:
        out += ["None found.", ""]
    for number, finding in enumerate(report.findings, 1):
        pattern = finding.pattern
        sources = "; ".join(f"[{esc(s.title)}](<{s.url}>)" for s in pattern.sources)
        out += [f"### {number}. {esc(pattern.name[:1].upper() + pattern.name[1:])} ({finding.severity})", "",
                f"> {esc(finding.sentence.text)}", "",
                f"- **Where:** {esc(_where(finding))}",
                f"- **What:** {esc(pattern.what)}",
                f"- **Why it is risky:** {esc(pattern.why)}",
                f"- **Risky for:** {esc(pattern.where.text)}"
                + ("" if finding.applies else " *Not risky for the organisation judged here.*"),
                f"- **Sources:** {sources}",
                f"- **Suggested rewrite** (policygen clause `{finding.rewrite.clause_id}`, "
                f"{esc(finding.rewrite.title)}):", "",
                *("> " + line if line else ">" for line in finding.rewrite.text.splitlines()), ""]
    out += ["## Missing subjects", ""]
    if not report.missing:
        out += [f"None: all {len(report.expected)} subjects expected of this organisation are covered.", ""]
    for item in report.missing:
        out.append(f"- **{esc(item.subject.title)}.** {esc(item.subject.why)} Covered by policygen clause "
                   f"`{item.clause_id}` ({esc(item.clause_title)}).")
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------- HTML

_HTML_TEMPLATE = Path(__file__).resolve().parent / "report.html.j2"
_LABELS = {"high": "High", "medium": "Medium", "low": "Low", "info": "Risky only elsewhere",
           "missing": "Missing subjects"}


def report_html(report: AuditReport) -> str:
    """A standalone, autoescaped HTML page."""
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(_HTML_TEMPLATE.read_text(encoding="utf-8"))
    # A rewrite is a clause of policygen's own library, rendered with every answer escaped: trusted
    # Markdown, turned into HTML with raw HTML off (the same guard as the policy's own pages).
    parser = MarkdownIt("commonmark", {"html": False})
    rewrites = {f.rewrite.clause_id: Markup(parser.render(f.rewrite.text)) for f in report.findings}
    return template.render(report=report, name=report.document.path.name, counts=report.counts(), labels=_LABELS,
                           rewrites=rewrites, version=__version__)


# ---------------------------------------------------------------- JSON

def report_json(report: AuditReport) -> str:
    """Stable, deterministic JSON: fixed key order, the document's own order for lists."""
    org = report.organisation
    data: dict[str, Any] = {
        "policygen": __version__,
        "file": str(report.document.path),
        "format": report.document.format,
        "sentences": len(report.document.sentences),
        "judged_for": report.judged_for,
        "organisation": {"places": sorted(org.places), "kind": org.kind, "level": org.level,
                         "sectors": sorted(org.sectors) if org.sectors is not None else None},
        "summary": {**report.counts(), "risky": report.risky, "exit_code": report.exit_code},
        "risky_rules": [_finding_json(f) for f in report.findings],
        "missing_subjects": [{"subject": m.subject.id, "title": m.subject.title, "why": m.subject.why,
                              "clause": m.clause_id, "clause_title": m.clause_title} for m in report.missing],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _finding_json(finding: Finding) -> dict[str, Any]:
    pattern, location = finding.pattern, finding.sentence.location
    return {
        "pattern": pattern.id, "rubric": pattern.rubric, "name": pattern.name, "severity": finding.severity,
        "applies": finding.applies, "sentence": finding.sentence.text,
        "location": {"section": location.section, "paragraph": location.paragraph, "page": location.page,
                     "line": location.line},
        "what": pattern.what, "why": pattern.why, "where": pattern.where.text,
        "sources": [{"title": s.title, "url": s.url} for s in pattern.sources],
        "rewrite": {"clause": finding.rewrite.clause_id, "title": finding.rewrite.title,
                    "text": finding.rewrite.text},
    }
