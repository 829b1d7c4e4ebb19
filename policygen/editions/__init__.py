"""One policy over time: what changed between two answers files and why (diff), the HTML and Word
redlines, yearly editions, and upgrading answers to a newer questionnaire.

Stage "editions" of the pipeline: see docs/architecture.md."""
