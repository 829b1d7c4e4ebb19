"""Auditing an existing policy (explaining policygen's own is ``content/explain.py`` and ``content/margin.py``).

* ``patterns.py`` and ``patterns/*.yaml``: the risky-rule patterns, one file per subject,
  written from primary sources, checked on load (their own examples must match or not).
* ``subjects.yaml`` and ``coverage.py``: what a policy should cover, and how to tell.
* ``reader.py``: Markdown, text, HTML, Word and PDF into located sentences.
* ``audit.py``: a document + an organisation -> findings; ``report.py`` writes them.

Nothing here is imported by the render path.
"""
