"""Output formats: the registry (``registry.py``) and one module per format (markdown, html, pdf,
word with its helpers), with what they share: the Markdown parser, brand and theme, paper sizes,
the restricted fetcher. A format renders a composed document to bytes; it writes no file.

Stage "render" of the pipeline: see docs/architecture.md."""
