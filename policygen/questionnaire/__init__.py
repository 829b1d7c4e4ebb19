"""Questions and answers: the questionnaire and its conditions, one answer's value, answers files read,
checked, migrated and written back with their comments, the answers file's JSON Schema.

Stage "questionnaire" of the pipeline: see docs/architecture.md."""
