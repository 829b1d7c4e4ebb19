"""Work over many policies or folders: the batch (workers, its report) and the clause library check
for authors of clauses and override folders.

Stage "consultants" of the pipeline: see docs/architecture.md."""
