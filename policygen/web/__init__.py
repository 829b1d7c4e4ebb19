"""``policygen serve``: the questionnaire as a local web application.

The browser is a second face of the terminal interview: the same questions,
conditions, defaults, messages, draft file and answers file. The modules:

``session``   the interview as the server holds it: which sections apply, a submitted
              section checked and recorded, the draft saved (no web imports)
``fields``    a question as a form field, and a posted form back to a raw answer
``preview``   the clauses a section's answers shape, and the whole policy, as HTML
``jobs``      documents rendered in the background (PDF with progress), kept in memory
``uploads``   an uploaded answers file checked (size, text, a time limit) before it is read
``security``  the token cookie, the Host check, CSRF tokens, the response headers
``app``       the Starlette routes and templates; ``server`` runs uvicorn

Only :mod:`policygen.web.server` and :mod:`policygen.web.app` import Starlette, uvicorn
or the templates; the CLI imports them inside the ``serve`` command alone.
"""
