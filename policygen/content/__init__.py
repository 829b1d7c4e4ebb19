"""The clause library and the policy made from it: loading clauses (override folders applied), the
Policy model, composition, decisions shared by clauses, where law lives and citations, companion
documents, Markdown escaping of answers, readability measures, and why each clause is there.

Stage "content" of the pipeline: see docs/architecture.md."""
