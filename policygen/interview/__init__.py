"""The interview in the terminal: the flow (``flow.py``), where it starts, its state, the yearly
update, the review, the draft file, prompts and the questionary adapter (a prompt port).

Stage "interview" of the pipeline: see docs/architecture.md."""
