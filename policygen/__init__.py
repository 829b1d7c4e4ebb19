"""policygen: answer a questionnaire, get an integrated social media policy (Markdown, HTML, PDF)."""

__version__ = "0.1.0"
