"""The pipeline in one place: answers (+ brand) -> policy and companions -> Markdown -> HTML -> PDF -> files.

Everything is rendered in memory first; files are written only when every
requested document has rendered in every requested format, and then
atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from msgspec import Struct, field
from msgspec.structs import replace

from .confine import answers_root
from .content.compose import ChangeNotes, compose
from .content.documents import DOCUMENTS, POLICY, normalise_documents
from .content.library import ClauseLibrary, load_library, untranslated
from .content.model import Policy, meta_questions
from .errors import InputError, Problem
from .files import recover_folder, write_files_atomically
from .locale import translate
from .manifest import (
    MANIFEST,
    Manifest,
    bundle_key,
    input_hashes,
    key_of,
    new_record,
    options_key,
    output_key,
    pages_of,
    problem_records,
    read_manifest,
    recording_reads,
)
from .questionnaire.answers import Answers, load_answers, resolve
from .render.brand import Brand, load_brand
from .render.registry import HANDBOOK, Document, FormatSettings, OutputFormat, Rendered, Renderer, any_needs, get_format
from .render.registry import default_formats as default_formats
from .render.registry import normalise_formats as normalise_formats
from .resources import templates_dir
from .warmcache import take_warnings

FORMATS = default_formats()
DEFAULT_PDF_VARIANT = "ua-1"

__all__ = ["DOCUMENTS", "FORMATS", "RenderOptions", "RenderResult", "Rendering", "normalise_documents",
           "normalise_formats", "render_all", "render_documents", "render_file", "render_in_memory"]


class RenderOptions(Struct, frozen=True):
    """What to render and where: one object instead of keyword lists repeated across calls."""

    formats: tuple[str, ...] = FORMATS
    out_dir: Path = Path("out")
    documents: tuple[str, ...] = DOCUMENTS
    brand_file: Path | None = None
    pdf_variant: str = DEFAULT_PDF_VARIANT
    bundle: bool = False  # the PDFs as one handbook.pdf (one cover, contents, outline) instead of one each
    changes_since: Path | None = None  # an older answers file: add "What changed in this version"
    provenance: bool = False  # add the "Where the answers came from" appendix
    today: dt.date | None = None  # for the review-date check; None means the real date
    templates: tuple[Path, ...] = ()  # override folders, before the bundled templates (first wins)
    explain: bool = False  # margin notes in the policy's HTML: why each clause is there (hidden in print)
    root: Path | None = None  # base answers files must be inside it (None: policygen.confine.default_root)
    theme: str | None = None  # a design from theme.DESIGNS (render --theme); None: the brand file's, else standard
    languages: tuple[str, ...] = ()  # render --language: these instead of the answers' own; two or more side by side
    force: bool = False  # render every output even when its inputs are unchanged (policygen.manifest)


class RenderResult(Struct):
    """The files written and the warnings met on the way."""

    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    policy: Policy | None = None
    pages: dict[str, int] = field(default_factory=dict)  # document -> pages, for paged formats (PDF)
    unchanged: list[Path] = field(default_factory=list)  # outputs kept: made from the same inputs, still intact


class Rendering(Struct, frozen=True):
    """Everything rendered in memory: the policy, the outputs by file name and each paged output's page count.

    ``keys`` gives what each output (rendered or kept) was made from (policygen.manifest); ``kept`` names
    the outputs not rendered again because the caller's ``reuse`` said their file is still right."""

    policy: Policy
    outputs: dict[str, bytes | str]
    pages: dict[str, int]  # document (or "handbook") -> pages, for formats that know them
    keys: dict[str, str] = field(default_factory=dict)
    kept: tuple[str, ...] = ()


def render_all(answers: Answers, options: RenderOptions, brand: Brand | None = None,
               library: ClauseLibrary | None = None, previous: Answers | None = None, *,
               renderers: Mapping[str, Renderer] | None = None,
               reuse: Callable[[str, str], bool] | None = None) -> Rendering:
    """Compose the policy and render each requested document in each requested format, in memory.

    Outputs are keyed by file name (``policy.pdf``, ``summary.html``...), documents in the
    order of DOCUMENTS, formats in registry order, handbooks last. ``previous`` adds a
    "What changed in this version" section against those answers; ``options.provenance``
    an appendix listing every answer and who gave it. ``renderers`` reuses open format
    renderers (a PDF renderer's fonts and stylesheet) across calls, as a batch does. ``reuse(name, key)``
    says an output made from ``key`` is already in place: it is then not rendered (see policygen.manifest).
    """
    library = library or load_library(answers.questionnaire,
                                      language=answers.get(meta_questions(answers.questionnaire)["language"]))
    brand = brand or Brand()
    if options.theme:  # --theme wins over the brand file's theme
        brand = replace(brand, theme=replace(brand.theme, design=options.theme))
    policy = compose(answers, library, changes=_changes_since(previous, answers, library),
                     provenance=options.provenance)
    documents = _documents(policy, answers, library, options.documents, brand)
    library.keep_compiled()  # the clause templates compiled this time, in one file for the next run
    made = _Outputs(options, renderers, reuse)
    chosen = [get_format(name) for name in options.formats]
    base = options_key(options, overrides=False)  # the Markdown each output is made from shows the overrides
    for document in documents:
        for fmt in chosen:
            if not (options.bundle and fmt.bundles):
                made.make(document.name, fmt, output_key(base, fmt, document),
                          lambda renderer, document=document: renderer.render(document))  # type: ignore[misc]
    for fmt in chosen:
        if options.bundle and fmt.bundles:
            made.make(HANDBOOK, fmt, bundle_key(base, fmt, documents),
                      lambda renderer: renderer.render_bundle(documents))
    if options.explain and f"{POLICY}.html" in made.outputs:
        # Margin notes for a reviewer: the web page only (they are hidden in print, so a PDF is unchanged).
        from .content.margin import add_margin_notes

        made.outputs[f"{POLICY}.html"] = add_margin_notes(str(made.outputs[f"{POLICY}.html"]), policy, answers,
                                                          library)
    return Rendering(policy, made.outputs, made.pages, made.keys, tuple(made.kept))


def _changes_since(previous: Answers | None, answers: Answers, library: ClauseLibrary) -> ChangeNotes | None:
    """The "What changed in this version" notes against ``previous`` answers, for compose (None: no section)."""
    if previous is None:
        return None
    from .editions.diff import notes_since

    return notes_since(previous, answers, library)


class _Outputs:
    """The outputs of one render_all call, made one at a time: rendered, or kept when ``reuse`` says the file
    in place was made from the same key. Each format's renderer is opened on first use, so a run that keeps
    every PDF never starts WeasyPrint."""

    def __init__(self, options: RenderOptions, renderers: Mapping[str, Renderer] | None,
                 reuse: Callable[[str, str], bool] | None) -> None:
        self.options = options
        self.settings = FormatSettings(options.pdf_variant)
        self.renderers = renderers or {}
        self.reuse = reuse
        self.opened: dict[str, Renderer] = {}
        self.outputs: dict[str, bytes | str] = {}
        self.pages: dict[str, int] = {}  # document (or "handbook") -> pages
        self.keys: dict[str, str] = {}
        self.kept: list[str] = []

    def make(self, name: str, fmt: OutputFormat, key: str, render: Callable[[Renderer], Rendered]) -> None:
        """Output ``name`` in ``fmt``, made from ``key``: kept if it is in place, else rendered by ``render``."""
        file = name + fmt.suffix
        self.keys[file] = key
        if self.reuse is not None and not (self.options.explain and file == f"{POLICY}.html") \
                and self.reuse(file, key):
            self.kept.append(file)
            return
        if fmt.name not in self.opened:
            self.opened[fmt.name] = self.renderers.get(fmt.name) or fmt.open(self.settings)
        rendered = render(self.opened[fmt.name])
        self.outputs[file] = rendered.content
        if rendered.pages is not None:
            self.pages[name] = rendered.pages


def _documents(policy: Policy, answers: Answers, library: ClauseLibrary, names: Sequence[str],
               brand: Brand) -> list[Document]:
    """The requested documents' Markdown, in order: the policy and its companions."""
    from .render.markdown import render_markdown

    documents = []
    for name in names:
        if name == POLICY:
            documents.append(Document(name, policy, render_markdown(policy, library), None, brand))
        else:
            from .content.documents import render_companion
            from .render.html import PageInfo

            companion = render_companion(name, policy, answers.questionnaire, library)
            documents.append(Document(name, policy, companion.markdown, PageInfo(
                name, companion.title, companion.description, (translate("social media", policy.language),
                                                                *companion.keywords),
                language=policy.language), brand))
    return documents


def render_documents(answers: Answers, options: RenderOptions, brand: Brand | None = None,
                     library: ClauseLibrary | None = None, previous: Answers | None = None, *,
                     renderers: Mapping[str, Renderer] | None = None) -> tuple[Policy, dict[str, bytes | str]]:
    """The policy and the outputs by file name (see :func:`render_all`, which also gives page counts)."""
    rendering = render_all(answers, options, brand, library, previous, renderers=renderers)
    return rendering.policy, rendering.outputs


def render_in_memory(answers: Answers, formats: Sequence[str],
                     library: ClauseLibrary | None = None) -> tuple[Policy, dict[str, bytes | str]]:
    """The policy alone in each requested format, by format (``{"md": ..., "pdf": ...}``), neutral theme."""
    policy, outputs = render_documents(answers, RenderOptions(formats=tuple(formats), documents=(POLICY,)),
                                       library=library)
    return policy, {name.rpartition(".")[2]: content for name, content in outputs.items()}


def load_inputs(answers_path: Path, options: RenderOptions) -> tuple[Answers, Brand, list[Problem]]:
    """The answers and the brand, checked together: every problem in either file is reported at once."""
    problems: list[Problem] = []
    summaries: list[str] = []
    answers: Answers | None = None
    brand = Brand()
    warnings: list[Problem] = []
    try:
        answers, found = load_answers(answers_path)
        warnings += found
    except InputError as exc:
        problems += exc.problems
        summaries.append(exc.message)
    if options.brand_file is not None:
        try:
            brand, found = load_brand(options.brand_file, check_fonts=any_needs(options.formats, "fonts"))
            warnings += found
        except InputError as exc:
            problems += exc.problems
            summaries.append(exc.message)
    if problems or answers is None:
        raise InputError(problems, summaries=summaries)  # each file's summary translated on its own
    return answers, brand, warnings


def output_names(options: RenderOptions) -> list[str]:
    """The file names a render with these options writes, in order (see :func:`render_all`, and
    :func:`_render_languages` for two languages or more)."""
    chosen = [get_format(name) for name in options.formats]
    if len(options.languages) > 1:
        names = [_in_name(name, language) for language in options.languages
                 for name in output_names(_one_language(options, language))]
        return names + [HANDBOOK + fmt.suffix for fmt in chosen if options.bundle and fmt.bundles]
    names = [document + fmt.suffix for document in options.documents for fmt in chosen
             if not (options.bundle and fmt.bundles)]
    return names + [HANDBOOK + fmt.suffix for fmt in chosen if options.bundle and fmt.bundles]


def _client_key(options: RenderOptions, inputs: Mapping[str, str]) -> str:
    """One key for a client's whole run: its render options and bundled files, and every input file read."""
    return key_of(options_key(options), *sorted(f"{path}\0{digest}" for path, digest in inputs.items()))


def _review_warning(review_date: dt.date, answers_path: Path, options: RenderOptions) -> list[Problem]:
    if review_date >= (options.today or dt.date.today()):
        return []
    return [Problem(
        f"this policy was due for review by {review_date.isoformat()}", file=str(answers_path),
        key="policy.review_months",
        hint="review the answers (policygen interview --update), then give the new edition a new version "
             "and effective date", severity="warning")]


def unchanged_result(answers_path: Path, options: RenderOptions) -> RenderResult | None:
    """The result of a render that has nothing to do, without reading the answers: every input file and option
    is as recorded in the output folder's manifest and every output file is intact. None otherwise."""
    if options.force:
        return None
    manifest, damaged = read_manifest(options.out_dir)
    if damaged or not manifest.inputs_unchanged():
        return None
    client = _client_key(options, manifest.inputs)
    names = output_names(options)
    for name in names:
        entry = manifest.outputs.get(name)
        if entry is None or entry.get("client") != client or manifest.kept(options.out_dir, name, entry["key"]) is None:
            return None
    try:
        review = dt.date.fromisoformat(manifest.review_date or "")
    except ValueError:
        return None
    warnings = manifest.problems() + _review_warning(review, answers_path, options)
    return RenderResult([], warnings, None, pages_of({n: manifest.outputs[n] for n in names}),
                        [options.out_dir / name for name in names])


def render_file(answers_path: Path, options: RenderOptions, *,
                renderers: Mapping[str, Renderer] | None = None) -> RenderResult:
    """Validate an answers file (and brand file), render everything requested, then write it all atomically.

    First, whatever a killed run left in the output folder is repaired (files.recover_folder). Outputs
    whose inputs are unchanged and whose files are intact are kept, not rendered again (policygen.manifest,
    ``options.force`` renders anyway); the folder's manifest is written in the same set as the outputs.
    """
    recover_folder(options.out_dir)
    unchanged = unchanged_result(answers_path, options)
    if unchanged is not None:
        return unchanged
    manifest, damaged = (Manifest(), []) if options.force else read_manifest(options.out_dir)
    with answers_root(options.root):
        with recording_reads() as read:  # the bundled files and override folders are in options_key
            answers, brand, warnings = load_inputs(answers_path, options)
            previous = None
            if options.changes_since is not None:
                previous, _ = load_answers(options.changes_since, answers.questionnaire)
        inputs = input_hashes(read)

        def reuse(name: str, key: str) -> bool:
            return manifest.kept(options.out_dir, name, key) is not None

        if options.languages:  # render --language (see _render_languages)
            rendering = _render_languages(answers, brand, warnings, previous, options, renderers, reuse)
        else:
            library = load_library(answers.questionnaire, [*options.templates, templates_dir()],
                                   language=answers.get(meta_questions(answers.questionnaire)["language"]))
            warnings += library.warnings
    if not options.languages:
        rendering = render_all(answers, options, brand, library, previous=previous, renderers=renderers,
                               reuse=reuse)
        warnings += untranslated(rendering.policy, library, [*options.templates, templates_dir()])
    policy = rendering.policy
    client = _client_key(options, inputs)
    records = dict(manifest.outputs)
    for name, key in rendering.keys.items():
        if name in rendering.outputs:
            records[name] = new_record(key, rendering.outputs[name], rendering.pages.get(name.rpartition(".")[0]))
        records[name]["client"] = client
    new_manifest = Manifest(options_key(options), inputs, records, policy.review_date.isoformat(),
                            problem_records(warnings))
    files: dict[Path, bytes | str] = {options.out_dir / name: content for name, content in rendering.outputs.items()}
    files[options.out_dir / MANIFEST] = new_manifest.to_json()
    write_files_atomically(files)
    pages = {**pages_of({n: records[n] for n in rendering.kept}), **rendering.pages}
    warnings = [*damaged, *take_warnings(), *warnings, *_review_warning(policy.review_date, answers_path, options)]
    return RenderResult([options.out_dir / name for name in rendering.outputs], warnings, policy, pages,
                        [options.out_dir / name for name in rendering.kept])


def in_language(answers: Answers, language: str) -> Answers:
    """The same answers with the document written in ``language``: the defaults computed again in it,
    an answer that is one of the questionnaire's default names in the file's language written in the
    new one ("IT team" <-> « équipe informatique »), the organisation's own words unchanged."""
    from .questionnaire.translation import localised_defaults

    qid = meta_questions(answers.questionnaire)["language"]
    given = {q: answers.values[q] for q in answers.provided if q in answers.values}
    given.update(localised_defaults(answers.questionnaire, {**given, qid: answers.values.get(qid)}, language,
                                    answers.namespaces()))
    given[qid] = language
    again = resolve(answers.questionnaire, given, provenance=answers.provenance).answers
    return replace(answers, values=again.values if again is not None else {**answers.values, **given})


def _one_language(options: RenderOptions, language: str) -> RenderOptions:
    """The options of one language's part of a render --language: with two or more and --bundle, the formats
    that make a handbook are left out (one handbook holds every language)."""
    several = len(options.languages) > 1
    handbook = several and options.bundle
    return replace(options, languages=(language,), bundle=options.bundle and not several,
                   formats=tuple(f for f in options.formats if not (handbook and get_format(f).bundles)))


def _in_name(name: str, language: str) -> str:
    """``policy.pdf`` as one language's file among several: ``policy.fr-CA.pdf``."""
    stem, _, suffix = name.rpartition(".")
    return f"{stem}.{language}.{suffix}"


def _render_languages(answers: Answers, brand: Brand, warnings: list[Problem], previous: Answers | None,
                      options: RenderOptions, renderers: Mapping[str, Renderer] | None,
                      reuse: Callable[[str, str], bool]) -> Rendering:
    """render --language: each language in turn; with two or more, file names carry the language
    (``policy.fr-CA.pdf``) and --bundle makes one handbook holding every language. Each output's key
    includes its language (its options say that language alone), and outputs ``reuse`` says are in
    place are kept, as in a render in the answers' own language; ``warnings`` gets each language's."""
    several = len(options.languages) > 1
    outputs: dict[str, bytes | str] = {}
    pages: dict[str, int] = {}
    keys: dict[str, str] = {}
    kept: list[str] = []
    bundled: list[Document] = []
    policy = None
    opened = dict(renderers or {})
    for language in options.languages:
        translated = in_language(answers, language)
        library = load_library(answers.questionnaire, [*options.templates, templates_dir()], language=language)
        warnings += library.warnings

        def named(name: str, language: str = language) -> str:
            return _in_name(name, language) if several else name

        def in_place(name: str, key: str, named: Callable[[str], str] = named) -> bool:
            return reuse(named(name), key)

        rendering = render_all(translated, _one_language(options, language), brand, library,
                               previous=None if previous is None else in_language(previous, language),
                               renderers=opened, reuse=in_place)
        policy = policy or rendering.policy
        warnings += untranslated(rendering.policy, library, [*options.templates, templates_dir()])
        outputs.update({named(name): content for name, content in rendering.outputs.items()})
        keys.update({named(name): key for name, key in rendering.keys.items()})
        kept += [named(name) for name in rendering.kept]
        pages.update({f"{k}.{language}" if several else k: v for k, v in rendering.pages.items()})
        if several and options.bundle:
            bundled += _documents(rendering.policy, translated, library, options.documents, brand)
    base = options_key(options, overrides=False)
    for fmt in (get_format(name) for name in options.formats):
        if several and options.bundle and fmt.bundles:
            file = HANDBOOK + fmt.suffix
            keys[file] = bundle_key(base, fmt, bundled)
            if reuse(file, keys[file]):
                kept.append(file)
                continue
            renderer = opened.get(fmt.name) or fmt.open(FormatSettings(options.pdf_variant))
            rendered = renderer.render_bundle(bundled)
            outputs[file] = rendered.content
            if rendered.pages is not None:
                pages[HANDBOOK] = rendered.pages
    assert policy is not None
    return Rendering(policy, outputs, pages, keys, tuple(kept))
