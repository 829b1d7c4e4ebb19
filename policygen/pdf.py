"""HTML -> tagged PDF with WeasyPrint, which is imported here and nowhere else.

WeasyPrint gets a URL fetcher that serves only files inside the allowed folders
(the bundled templates, and later a brand file's own folder) and ``data:``
URLs. Anything else (http, https, ftp, other files, attachments) stops the
render with an error instead of being fetched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import EnvironmentProblem, RenderError
from .resources import templates_dir

PRINT_CSS = "pdf/print.css"
PDF_VARIANT = "pdf/ua-1"
_MISSING_LIBS_HINT = (
    "WeasyPrint needs the Pango text libraries. On Debian or Ubuntu: "
    "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; "
    "on macOS: brew install pango; see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"
)


class FetchRefused(ValueError):
    """A resource outside what the PDF step may read."""


@dataclass(frozen=True)
class FetchPolicy:
    """What the PDF step may read: files under these folders, and ``data:`` URLs."""

    allowed_dirs: tuple[Path, ...]
    refused: list[str] = field(default_factory=list, compare=False)

    def check(self, url: str) -> Path | None:
        """The local path ``url`` may be read from (None for a data: URL); raise FetchRefused otherwise."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return None
        if scheme != "file":
            raise FetchRefused(f"refused to fetch {url}: only bundled files may be used")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(folder.resolve()) for folder in self.allowed_dirs):
            raise FetchRefused(f"refused to read {path}: it is outside the allowed folders")
        return path


def _import_weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as exc:  # cffi could not load libpango/libgobject
        raise EnvironmentProblem(f"cannot render PDF: a system library is missing ({exc})",
                                 hint=_MISSING_LIBS_HINT) from None
    except ImportError as exc:
        raise EnvironmentProblem(f"cannot render PDF: {exc}",
                                 hint="install policygen with its dependencies: pip install policygen") from None
    return weasyprint


def _fetcher_class(weasyprint: Any) -> Any:
    base = weasyprint.urls.URLFetcher

    class RestrictedFetcher(base):  # type: ignore[misc, valid-type]
        """WeasyPrint fetcher that reads only what the FetchPolicy allows; refusals are fatal."""

        def __init__(self, policy: FetchPolicy) -> None:
            super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
            self.policy = policy

        def fetch(self, url: str, headers: Any = None) -> Any:
            try:
                path = self.policy.check(url)
            except FetchRefused as exc:
                self.policy.refused.append(str(exc))
                raise
            if path is None:
                return super().fetch(url, headers)
            return weasyprint.urls.URLFetcherResponse(url, path.read_bytes(), status=200)

    return RestrictedFetcher


def render_pdf(html: str, *, templates: Path | None = None, extra_dirs: tuple[Path, ...] = ()) -> bytes:
    """The HTML page as a tagged PDF/UA-1 document, with the print stylesheet applied."""
    weasyprint = _import_weasyprint()
    folder = templates or templates_dir()
    policy = FetchPolicy((folder, *extra_dirs))
    fetcher = _fetcher_class(weasyprint)(policy)
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheet = weasyprint.CSS(filename=str(folder / PRINT_CSS), url_fetcher=fetcher, font_config=font_config)
    try:
        document = weasyprint.HTML(string=html, base_url=(folder / "html").as_uri() + "/", url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(stylesheets=[stylesheet], font_config=font_config,
                                        pdf_variant=PDF_VARIANT, pdf_tags=True,
                                        uncompressed_pdf=False, **_reproducible())
    except weasyprint.urls.FatalURLFetchingError as exc:
        raise RenderError("; ".join(policy.refused) or f"the PDF could not be made: {exc}",
                          hint="answers and templates may only refer to bundled files") from None
    if policy.refused:
        raise RenderError("; ".join(policy.refused), hint="answers and templates may only refer to bundled files")
    return pdf


def _reproducible() -> dict[str, Any]:
    """Options for byte-stable output when SOURCE_DATE_EPOCH is set (reproducible builds)."""
    return {} if "SOURCE_DATE_EPOCH" not in os.environ else {"pdf_identifier": b"policygen"}
