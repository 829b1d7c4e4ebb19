"""Content-addressed outputs: each output folder records what made its files, so unchanged work is skipped.

One small manifest per output folder (``.policygen-manifest.json``), written in the
same atomic set as the outputs (``files.write_files_atomically``), records:

* the client's *inputs*: every file read while loading the answers (all layers),
  the brand file and its logo, an older answers file, each with its SHA-256, plus a
  key over policygen's version, the bundled library and questionnaire, the override
  folders' contents and every render option (format settings, documents, locale...);
* each *output*: the key of what it was rendered from (its document's Markdown, or
  the HTML page for HTML, PDF and Word, plus the format and its settings) and the
  SHA-256 of the file as written.

A run whose client inputs all match, and whose files all still hash to what was
written, does nothing at all (:func:`unchanged`). Otherwise the policy is composed
(cheap) and each output whose key matches, and whose file is intact, is kept
instead of rendered again. A manifest that is missing, unreadable, from another
format or edited by hand is never trusted: it only means "render again", with a
warning when it was there but damaged.

The files read while loading are found with an audit hook on ``open`` (PEP 578),
so whatever module reads an answers layer or a logo, and however it does it, the
file is recorded: a new kind of input cannot be forgotten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from . import __version__
from .errors import Problem

if TYPE_CHECKING:
    from .pipeline import RenderOptions
    from .render.registry import Document, OutputFormat

MANIFEST = ".policygen-manifest.json"
_KIND = "policygen output manifest"
_FORMAT = 1
#: Render options that are not inputs of any one output: where it goes, the day (for the review check),
#: --force, and which files are asked for (each output's own key says what it was made from).
_NOT_INPUTS = frozenset({"out_dir", "today", "force", "formats", "documents"})


def sha256(data: bytes | str) -> str:
    """The hex SHA-256 of ``data`` (text as UTF-8)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def file_sha256(path: Path) -> str | None:
    """The hex SHA-256 of a regular file's bytes, or None when it is missing or not a regular file."""
    try:
        with open(path, "rb") as handle:
            if not os.path.isfile(path):
                return None
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def key_of(*parts: object) -> str:
    """One hash over several values (each length-prefixed, so no two lists of parts collide)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


# ---------------------------------------------------------------- what a client's outputs depend on

def tree_digest(folder: Path) -> str:
    """A hash of every file under ``folder`` (relative names and contents); a missing folder hashes as such."""
    digest = hashlib.sha256()
    if not folder.is_dir():
        return key_of("missing", folder)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@cache
def bundled_digest() -> str:
    """policygen's version and a hash of its bundled library, page templates, styles and questionnaires,
    and of its own code (:func:`code_digest`).

    Reading and hashing every bundled file takes longer than the rest of a Markdown render's own work, so
    the hash is kept in the per-user warm cache under the name, size, modification time and inode of each
    bundled file (as :func:`code_digest` trusts them for policygen's code): any change to a file there
    makes a new entry, hashed from the contents again."""
    from .jinjacache import note_damaged, private_folder
    from .resources import questionnaires_dir, templates_dir

    folders = (templates_dir(), questionnaires_dir())
    cache = private_folder("warm")  # warmcache's folder; warmcache itself imports this module
    entry = cache / ("bundled-digest-" + key_of("bundled", __version__, code_digest(), *map(tree_stamp, folders))
                     + ".txt") if cache is not None else None
    if entry is not None:
        try:
            text = entry.read_bytes().decode("ascii", errors="replace")
        except OSError:
            text = None  # not cached yet
        if text is not None:
            if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
                return text
            note_damaged("hash of the bundled files", entry)
    digest = key_of(__version__, code_digest(), *map(tree_digest, folders))
    if entry is not None:
        from .files import write_file_atomically

        with contextlib.suppress(Exception):  # uncached when it cannot be written
            write_file_atomically(entry, digest, durable=False)
    return digest


def tree_stamp(folder: Path, suffix: str = "") -> str:
    """A hash of the name, size, modification time and inode of every file under ``folder`` (only those whose
    name ends with ``suffix``, when given: ``.py`` for a package's modules, not its compiled copies)."""
    stamps = []
    pending = [str(folder)]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.name.endswith(suffix):
                        info = entry.stat()
                        stamps.append(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}")
        except OSError as exc:
            stamps.append(f"{exc.filename}\0unreadable")
    return key_of(*sorted(stamps))


@cache
def code_digest() -> str:
    """A hash of the name, size and modification time of each of policygen's modules: code changed under an
    unchanged version number (a development checkout, a patched install) is a new version too."""
    return tree_stamp(Path(__file__).resolve().parent, ".py")


def _plain(value: object) -> object:
    if isinstance(value, Path):
        return str(value.absolute())
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def options_key(options: RenderOptions, *, overrides: bool = True) -> str:
    """A key over everything but the answers files that shapes a client's outputs: policygen's version and
    bundled files (:func:`bundled_digest`), the override folders' contents and every render option (PDF
    variant, handbook, language... any option added later is included without code here).

    ``overrides=False`` leaves out the override folders' contents (not their names): each output's own key
    (:func:`output_key`) includes the Markdown those folders' clauses made, so a changed clause re-renders
    only the documents whose text it changed."""
    # __struct_fields__, the names alone: msgspec.structs.fields() would also evaluate every annotation
    fields = {name: _plain(getattr(options, name)) for name in options.__struct_fields__ if name not in _NOT_INPUTS}
    folders = [tree_digest(folder) for folder in options.templates] if overrides else []
    # SOURCE_DATE_EPOCH sets the dates inside a PDF: a different one makes different files
    return key_of(_version(), bundled_digest(), json.dumps(fields, sort_keys=True, default=str),
                  os.environ.get("SOURCE_DATE_EPOCH", ""), *folders)


def _version() -> str:
    from . import __version__ as version  # read at call time: an upgrade (or a test) changes it

    return version


# ---------------------------------------------------------------- recording the files a load reads

_state = threading.local()  # .found: the list a recording_reads block in this thread collects into
_hooked = False
_WRITING = os.O_WRONLY | os.O_RDWR
_SYSTEM = (*(str(Path(p).resolve()) + os.sep for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}),
           "/usr/", "/etc/", "/proc/", "/sys/", "/dev/", "/lib/", str(Path(__file__).resolve().parent) + os.sep)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # "open" comes from open() and os.open(), with (path, mode, flags); only reads are recorded
    if event == "open" and len(args) == 3 and isinstance(args[0], (str, os.PathLike)) \
            and isinstance(args[2], int) and not args[2] & _WRITING:
        found = getattr(_state, "found", None)
        if found is not None:
            found.append(os.fspath(args[0]))


@contextlib.contextmanager
def recording_reads() -> Iterator[list[str]]:
    """Collect the names of the files this thread opens for reading in this block (see the module docstring)."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)  # once per process; it does nothing outside a block
        _hooked = True
    found: list[str] = []
    _state.found = found
    try:
        yield found
    finally:
        _state.found = None


@cache
def _examples_prefix() -> str:
    """The bundled examples (`policygen demo` renders one): inputs like any user's, wherever installed."""
    from .resources import examples_dir

    return str(examples_dir()) + os.sep


@cache
def _bundled_prefix() -> tuple[str, ...]:
    from .resources import questionnaires_dir, templates_dir

    return tuple(str(folder) + os.sep for folder in (templates_dir(), questionnaires_dir()))


def _cache_prefix() -> tuple[str, ...]:
    """policygen's per-user cache (every version's): what is read from it was made from inputs, it is not one."""
    from .jinjacache import cache_root

    root = cache_root()
    return (str(root.parent) + os.sep,) if root is not None else ()


def input_hashes(names: Sequence[str]) -> dict[str, str]:
    """Each user file read (absolute path -> SHA-256); Python's, the system's, policygen's bundled files (in
    :func:`bundled_digest`) and its per-user cache left out. A cache entry recorded as an input made a client
    look changed whenever its entry was replaced or pruned (a book of more clients than the cache keeps)."""
    hashes: dict[str, str] = {}
    skipped = _bundled_prefix() + _cache_prefix()
    for name in names:
        path = os.path.abspath(name)
        if path in hashes or path.endswith((".py", ".pyc", ".so")) or path.startswith(skipped) \
                or (path.startswith(_SYSTEM) and not path.startswith(_examples_prefix())):
            continue
        digest = file_sha256(Path(path))
        if digest is not None:
            hashes[path] = digest
    return hashes


# ---------------------------------------------------------------- the manifest itself

class Manifest(msgspec.Struct):
    """What an output folder's files were made from (see the module docstring)."""

    options: str = ""
    inputs: dict[str, str] = msgspec.field(default_factory=dict)  # path -> SHA-256
    outputs: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)  # name -> key, sha256, pages
    review_date: str | None = None
    warnings: list[dict[str, Any]] = msgspec.field(default_factory=list)

    def to_json(self) -> str:
        """The manifest as written (stable: same inputs, same bytes)."""
        return json.dumps({"policygen": _KIND, "format": _FORMAT, **msgspec.structs.asdict(self)},
                          indent=1, sort_keys=True) + "\n"

    def kept(self, folder: Path, name: str, key: str) -> dict[str, Any] | None:
        """The record of ``name`` when it was made from ``key`` and its file is still the one written."""
        entry = self.outputs.get(name)
        if entry is None or entry.get("key") != key:
            return None
        return entry if file_sha256(folder / name) == entry.get("sha256") else None

    def inputs_unchanged(self) -> bool:
        """True when every recorded input file still has the recorded contents."""
        return bool(self.inputs) and all(file_sha256(Path(p)) == h for p, h in self.inputs.items())

    def problems(self) -> list[Problem]:
        """The warnings the render that wrote this manifest reported (shown again when it is reused)."""
        fields = set(Problem.__struct_fields__)
        return [Problem(**{k: v for k, v in w.items() if k in fields}) for w in self.warnings]


def _valid(data: object) -> bool:
    if not (isinstance(data, dict) and data.get("policygen") == _KIND and data.get("format") == _FORMAT):
        return False
    outputs, inputs, warnings = data.get("outputs"), data.get("inputs"), data.get("warnings")
    return (isinstance(data.get("options"), str) and isinstance(inputs, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in inputs.items())
            and isinstance(outputs, dict)
            and all(isinstance(k, str) and isinstance(v, dict) and isinstance(v.get("key"), str)
                    and isinstance(v.get("sha256"), str) for k, v in outputs.items())
            and isinstance(warnings, list) and all(isinstance(w, dict) and isinstance(w.get("message"), str)
                                                   for w in warnings)
            and (data.get("review_date") is None or isinstance(data.get("review_date"), str)))


def read_manifest(folder: Path) -> tuple[Manifest, list[Problem]]:
    """The folder's manifest (empty when there is none) and a warning when one is there but damaged."""
    path = folder / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Manifest(), []
    except (OSError, UnicodeDecodeError):
        text = ""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not _valid(data):
        return Manifest(), [Problem("the record of what made these files is damaged or was edited; every file "
                                    "is rendered again", file=str(path), severity="warning",
                                    hint="nothing to do: policygen writes a new one")]
    return Manifest(data["options"], dict(data["inputs"]), dict(data["outputs"]), data.get("review_date"),
                    list(data["warnings"])), []


def output_key(options_digest: str, fmt: OutputFormat, document: Document) -> str:
    """What one document's file in one format is made from: the Markdown for Markdown; for the other formats
    also the HTML page when the format is made from it (it embeds the brand's theme and logo), else the page
    details, the brand and the policy's heading facts."""
    name = f"{document.name}{fmt.suffix}"
    if fmt.name == "md":
        return key_of(options_digest, name, document.markdown)
    if "html" in fmt.needs or fmt.name == "html":
        return key_of(options_digest, name, document.html)
    policy = document.policy
    return key_of(options_digest, name, document.markdown, repr(document.info), repr(document.brand),
                  policy.title, policy.organisation, policy.version, policy.effective_date, policy.review_date,
                  policy.language, policy.contact)


def bundle_key(options_digest: str, fmt: OutputFormat, documents: Sequence[Document]) -> str:
    """What a handbook in one format is made from: each of its documents' own keys."""
    return key_of(options_digest, f"handbook{fmt.suffix}", *(output_key(options_digest, fmt, d) for d in documents))


def new_record(key: str, content: bytes | str, pages: int | None) -> dict[str, Any]:
    """A manifest entry for a file about to be written."""
    entry: dict[str, Any] = {"key": key, "sha256": sha256(content)}
    if pages is not None:
        entry["pages"] = pages
    return entry


def problem_records(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    """Warnings as manifest data (the review-date warning is left out: it depends on the day)."""
    return [msgspec.structs.asdict(p) for p in problems]


def pages_of(outputs: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Each paged output's page count by document, as :class:`policygen.pipeline.RenderResult` gives them."""
    return {name.rpartition(".")[0]: entry["pages"] for name, entry in outputs.items()
            if isinstance(entry.get("pages"), int)}
