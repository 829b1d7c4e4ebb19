"""Content-addressed outputs: unchanged work is skipped, changed inputs re-render exactly what depends on them."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, Result
from policygen.manifest import MANIFEST

FIXTURES = ROOT / "tests" / "fixtures"
DEMO = ROOT / "examples" / "demo" / "answers.yaml"
FAST = ("-f", "md", "-f", "html")
Cli = Callable[..., Result]


def outputs(folder: Path) -> dict[str, bytes]:
    """The rendered files of a folder (the manifest left out)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != MANIFEST}


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: a file written again (even with the same bytes) changes."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def written(result: Result) -> set[str]:
    return {Path(line).name for line in result.out.splitlines() if line.strip()}


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "answers.yaml"
    path.parent.mkdir()
    shutil.copy(DEMO, path)
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_unchanged_rerun_writes_nothing_and_says_so(cli: Cli, answers: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = cli("render", answers, "-o", out, *FAST)
    assert first.code == 0, first.err
    assert len(written(first)) == 8 and (out / MANIFEST).is_file()
    before = stamps(out)
    again = cli("render", answers, "-o", out, *FAST)
    assert again.code == 0, again.err
    assert again.out == "" and "8 files unchanged, nothing to render" in again.err
    assert stamps(out) == before  # not even the manifest is written again
    forced = cli("render", answers, "-o", out, *FAST, "--force")
    assert written(forced) == written(first)


def _incremental(cli: Cli, answers: Path, tmp_path: Path, change: Callable[[], object],
                 *args: str | Path) -> tuple[set[str], set[str]]:
    """What an incremental run wrote after ``change``, and what really differs (from a fresh render)."""
    out = tmp_path / "out"
    assert cli("render", answers, "-o", out, *FAST, *args).code == 0
    old = outputs(out)
    change()
    result = cli("render", answers, "-o", out, *FAST, *args)
    assert result.code == 0, result.err
    fresh = tmp_path / "fresh"
    assert cli("render", answers, "-o", fresh, *FAST, *args).code == 0
    assert outputs(out) == outputs(fresh)  # the folder is exactly what a full render gives
    return written(result), {name for name, data in outputs(fresh).items() if old.get(name) != data}


def test_a_changed_answer_re_renders_only_the_documents_that_show_it(cli: Cli, answers: Path,
                                                                     tmp_path: Path) -> None:
    # Advocacy is in the policy and the summary's do's and don'ts, not in the form or the register.
    got, differs = _incremental(cli, answers, tmp_path, lambda: edit(answers, "advocacy: false", "advocacy: true"))
    assert got == differs
    assert {"policy.md", "summary.md"} <= got and not any(n.startswith("accounts-register") for n in got)


def test_a_changed_owner_re_renders_every_document_that_names_the_owner(cli: Cli, answers: Path,
                                                                        tmp_path: Path) -> None:
    got, differs = _incremental(cli, answers, tmp_path,
                                lambda: edit(answers, "owner: Director of People", "owner: Chief Executive"))
    assert got == differs and "policy.md" in got


def test_the_spelling_re_renders_every_document(cli: Cli, answers: Path, tmp_path: Path) -> None:
    got, differs = _incremental(cli, answers, tmp_path,
                                lambda: edit(answers, "  unionised: true\n", "  unionised: true\n  language: en-US\n"))
    assert got == differs and {"policy.md", "summary.md"} <= got


def test_a_changed_brand_re_renders_the_web_pages_only(cli: Cli, answers: Path, tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(FIXTURES / "brand", brand)
    got, differs = _incremental(cli, answers, tmp_path, lambda: edit(brand / "brand.yaml", "#1b6b5a", "#224466"),
                                "--brand", brand / "brand.yaml")
    assert got == differs and got and all(name.endswith(".html") for name in got)


def test_a_changed_logo_re_renders_the_web_pages(cli: Cli, answers: Path, tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(FIXTURES / "brand", brand)
    logo = brand / "logo.svg"
    got, differs = _incremental(cli, answers, tmp_path,
                                lambda: logo.write_text(logo.read_text().replace("</svg>", "<g/></svg>")),
                                "--brand", brand / "brand.yaml")
    assert got == differs and "policy.html" in got and "policy.md" not in got


def test_a_changed_override_re_renders_the_policy(cli: Cli, answers: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(FIXTURES / "overrides" / "acme", templates)
    clause = next(p for p in (templates / "policy" / "clauses").rglob("*.md.j2"))

    def change() -> None:
        clause.write_text(clause.read_text(encoding="utf-8") + "\nOne more sentence for Acme.\n", encoding="utf-8")

    got, differs = _incremental(cli, answers, tmp_path, change, "-t", templates)
    assert got == differs and "policy.md" in got


def test_a_new_version_of_policygen_renders_everything(cli: Cli, answers: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import policygen

    out = tmp_path / "out"
    first = cli("render", answers, "-o", out, *FAST)
    monkeypatch.setattr(policygen, "__version__", "99.0")
    assert written(cli("render", answers, "-o", out, *FAST)) == written(first)


def test_a_deleted_or_edited_output_is_rendered_again(cli: Cli, answers: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cli("render", answers, "-o", out, *FAST)
    good = outputs(out)
    (out / "summary.md").unlink()
    (out / "policy.html").write_text("<p>edited by hand</p>", encoding="utf-8")
    result = cli("render", answers, "-o", out, *FAST)
    assert written(result) == {"summary.md", "policy.html"}
    assert "6 files unchanged, 2 rendered" in result.err
    assert outputs(out) == good


@pytest.mark.parametrize("damage", ["{not json", '{"policygen": "output manifest", "format": 1}', "[]",
                                    "\udcff"])
def test_a_damaged_manifest_is_ignored_with_a_warning(cli: Cli, answers: Path, tmp_path: Path,
                                                      damage: str) -> None:
    out = tmp_path / "out"
    first = cli("render", answers, "-o", out, *FAST)
    (out / MANIFEST).write_bytes(damage.encode("utf-8", "surrogateescape"))
    result = cli("render", answers, "-o", out, *FAST)
    assert result.code == 0 and "Traceback" not in result.err
    assert "warning: the record of what made these files is damaged" in result.err
    assert written(result) == written(first)
    assert "unchanged" in cli("render", answers, "-o", out, *FAST).err  # a good one was written


def test_a_hand_edited_record_is_not_trusted(cli: Cli, answers: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cli("render", answers, "-o", out, *FAST)
    (out / "policy.md").write_text("forged\n", encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["outputs"]["policy.md"]["key"] = "0" * 64  # the record no longer matches the inputs
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert "policy.md" in written(cli("render", answers, "-o", out, *FAST))
    assert (out / "policy.md").read_text(encoding="utf-8") != "forged\n"


def test_an_interrupted_commit_leaves_manifest_and_outputs_consistent(cli: Cli, answers: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:

    out = tmp_path / "out"
    cli("render", answers, "-o", out, *FAST)
    edit(answers, "owner: Director of People", "owner: Chief Executive")
    calls = []
    real_replace = os.replace

    def killed(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(dst)
        if len(calls) == 3:  # the journal and one file are in place: the run dies here
            raise SystemExit(137)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(SystemExit):
        from policygen.pipeline import RenderOptions, render_file

        render_file(answers, RenderOptions(formats=("md", "html"), out_dir=out))
    monkeypatch.setattr(os, "replace", real_replace)
    result = cli("render", answers, "-o", out, *FAST)  # completes the set first, then finds nothing to do
    assert result.code == 0 and result.out == "" and "unchanged" in result.err
    fresh = tmp_path / "fresh"
    cli("render", answers, "-o", fresh, *FAST)
    assert outputs(out) == outputs(fresh)


def test_batch_says_which_clients_are_unchanged(cli: Cli, tmp_path: Path) -> None:
    clients = []
    for name in ("north", "south", "east"):
        folder = tmp_path / "clients" / name
        folder.mkdir(parents=True)
        shutil.copy(DEMO, folder / "answers.yaml")
        edit(folder / "answers.yaml", "Riverside Community Housing", f"{name.title()} Housing")
        clients.append(folder)
    out = tmp_path / "out"
    first = cli("batch", *clients, "-o", out, *FAST, "-j", "1")
    assert first.code == 0 and "3 clients rendered." in first.out
    edit(clients[1] / "answers.yaml", "owner: Director of People", "owner: Chief Executive")
    again = cli("batch", *clients, "-o", out, *FAST, "-j", "2")
    assert again.code == 0, again.err
    assert "2 clients unchanged, 1 rendered." in again.out
    assert again.out.count("unchanged") == 3  # two table rows and the summary
    forced = cli("batch", *clients, "-o", out, *FAST, "-j", "1", "--force")
    assert "3 clients rendered." in forced.out


# ---------------------------------------------------------------- the warm start (policygen.warmcache)

def _warm_entries() -> list[Path]:
    from policygen.jinjacache import cache_root

    root = cache_root()
    assert root is not None
    return sorted((root / "warm").glob("*.pickle"))


def test_the_library_comes_from_the_cache_until_a_file_changes(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.content import library
    from policygen.questionnaire.questions import load_questionnaire
    from policygen.resources import questionnaires_dir, templates_dir

    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    shutil.copytree(FIXTURES / "overrides" / "acme", templates)
    questionnaire = load_questionnaire(questionnaires_dir() / "social-media.yaml")
    first = library.load_library(questionnaire, [templates, templates_dir()])
    built = []
    real = library._read_library
    def counting(*args: Any) -> Any:
        built.append(1)
        return real(*args)

    monkeypatch.setattr(library, "_read_library", counting)
    again = library.load_library(questionnaire, [templates, templates_dir()])
    assert not built and again.clauses.keys() == first.clauses.keys()  # read from the cache
    (templates / "policy" / "overrides.yaml").write_text("# changed\n" + (templates / "policy" / "overrides.yaml")
                                                         .read_text(encoding="utf-8"), encoding="utf-8")
    library.load_library(questionnaire, [templates, templates_dir()])
    assert built == [1]  # an override changed: built again


def test_a_damaged_cache_is_ignored_with_a_warning(cli: Cli, answers: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen import manifest
    from policygen.questionnaire import questions as questionnaire

    monkeypatch.setattr(questionnaire, "_CACHE", {})  # this process's own copy: read the file (or the cache)
    manifest.bundled_digest.cache_clear()  # likewise
    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(tmp_path / "cache"))
    good = cli("render", answers, "-o", tmp_path / "a", "-f", "md")
    entries = _warm_entries()
    # the questionnaire, the library, the answers, the hash of the bundled files
    assert sorted(entry.name.partition("-")[0] for entry in entries) == ["answers", "clause", "questionnaire"]
    entries += sorted(entries[0].parent.glob("bundled-digest-*.txt"))
    assert len(entries) == 4
    for entry in entries:
        entry.write_bytes(b"\x80\x05not a pickle")
    monkeypatch.setattr(questionnaire, "_CACHE", {})
    manifest.bundled_digest.cache_clear()
    result = cli("render", answers, "-o", tmp_path / "b", "-f", "md")
    assert result.code == 0 and "Traceback" not in result.err
    assert result.err.count("could not be read; it is built again") == 4
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b") and good.code == 0
    assert "could not be read" not in cli("render", answers, "-o", tmp_path / "c", "-f", "md").err  # rewritten


def test_the_html_of_unchanged_markdown_comes_from_the_cache(cli: Cli, answers: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.render import mdparse as html

    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(tmp_path / "cache"))
    parsed: list[str] = []
    real = html._markdown_to_html
    def counting(markdown: str) -> html.HtmlParts:
        parsed.append(markdown)
        return real(markdown)

    monkeypatch.setattr(html, "_markdown_to_html", counting)
    args = ("render", answers, "-f", "html", "-d", "policy", "--force", "-o")
    assert cli(*args, tmp_path / "a").code == 0 and len(parsed) == 1
    assert cli(*args, tmp_path / "b").code == 0 and len(parsed) == 1  # the same Markdown: not parsed again
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")
    edit(answers, "owner: ", "owner: Chief ")
    assert cli(*args, tmp_path / "c").code == 0 and len(parsed) == 2  # other Markdown: parsed
    entries = [e for e in _warm_entries() if e.name.startswith("html-")]
    assert len(entries) == 2
    for entry in entries:
        entry.write_bytes(b"\x80\x05not a pickle")
    damaged = cli(*args, tmp_path / "d")
    assert damaged.code == 0 and damaged.err.count("a cached HTML page could not be read") == 1
    assert outputs(tmp_path / "c") == outputs(tmp_path / "d") and len(parsed) == 3


def test_the_html_cache_keeps_its_newest_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen import warmcache
    from policygen.render.mdparse import markdown_to_html

    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(warmcache, "MEMO_ENTRIES", 3)
    for number in range(5):
        assert f"Clause {number}" in markdown_to_html(f"# T\n\n## Clause {number}\n").body
    assert len([e for e in _warm_entries() if e.name.startswith("html-")]) == 3


def test_a_changed_base_layer_re_renders_the_client(cli: Cli, tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "layers", tmp_path / "layers")
    sales = tmp_path / "layers" / "clients" / "acme" / "departments" / "sales.yaml"
    baseline = tmp_path / "layers" / "consultancy" / "baseline.yaml"
    out = tmp_path / "out"
    args = ("render", sales, "-o", out, "-f", "md", "--root", tmp_path / "layers")
    assert cli(*args).code == 0
    assert cli(*args).out == ""  # unchanged
    edit(baseline, "owner: Head of People", "owner: Chief People Officer")  # two layers below the file named
    again = cli(*args)
    assert "policy.md" in written(again)
    assert "Chief People Officer" in (out / "policy.md").read_text(encoding="utf-8")


def test_an_unchanged_book_starts_no_worker(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.consultants import batch

    folder = tmp_path / "clients" / "north"
    folder.mkdir(parents=True)
    shutil.copy(DEMO, folder / "answers.yaml")
    out = tmp_path / "out"
    assert cli("batch", folder, "-o", out, "-f", "md", "-j", "1").code == 0

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(batch, "Pool", no_pool)
    result = cli("batch", folder, folder.parent / "missing", "-o", out, "-f", "md", "-j", "2")
    assert "unchanged" in result.out and "1 of 2 clients failed" in result.err  # the one that exists: unchanged


def test_a_render_in_several_languages_is_recorded_and_skipped_like_one(cli: Cli, answers: Path,
                                                                        tmp_path: Path) -> None:
    out = tmp_path / "out"
    both = ("-l", "en-CA,fr-CA")
    first = cli("render", answers, "-o", out, *FAST, *both)
    assert first.code == 0, first.err
    assert len(written(first)) == 16 and "policy.fr-CA.html" in written(first) and (out / MANIFEST).is_file()
    before = stamps(out)
    again = cli("render", answers, "-o", out, *FAST, *both)
    assert again.code == 0, again.err
    assert again.out == "" and "16 files unchanged, nothing to render" in again.err
    assert stamps(out) == before
    # Another list: only the new language is rendered; the one kept is byte for byte a fresh render.
    other = cli("render", answers, "-o", out, *FAST, "-l", "en-CA,en-GB")
    assert other.code == 0, other.err
    assert written(other) == {n.replace(".en-CA.", ".en-GB.") for n in written(first) if ".en-CA." in n}
    assert "8 files unchanged" in other.err
    fresh = tmp_path / "fresh"
    assert cli("render", answers, "-o", fresh, *FAST, "-l", "en-CA,en-GB").code == 0
    assert outputs(fresh) == {n: d for n, d in outputs(out).items() if ".fr-CA." not in n}
    # A changed answer re-renders only what shows it, in each language; --force renders everything.
    edit(answers, "advocacy: false", "advocacy: true")
    changed = cli("render", answers, "-o", out, *FAST, "-l", "en-CA,en-GB")
    assert changed.code == 0, changed.err
    assert {"policy.en-CA.md", "policy.en-GB.md"} <= written(changed)
    assert not any(n.startswith("accounts-register") for n in written(changed))
    forced = cli("render", answers, "-o", out, *FAST, "-l", "en-CA,en-GB", "--force")
    assert len(written(forced)) == 16


def test_the_language_is_part_of_what_a_file_was_made_from(cli: Cli, answers: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    french = cli("render", answers, "-o", out, *FAST, "-l", "fr-CA")
    assert french.code == 0, french.err
    assert len(written(french)) == 8
    before = stamps(out)
    again = cli("render", answers, "-o", out, *FAST, "-l", "fr-CA")
    assert again.out == "" and "8 fichiers inchangés" in again.err  # said in the language asked for
    assert stamps(out) == before
    # Same file names in another language: every one is rendered again, as a fresh render writes it.
    english = cli("render", answers, "-o", out, *FAST, "-l", "en-CA")
    assert english.code == 0, english.err
    assert written(english) == written(french)
    fresh = tmp_path / "fresh"
    assert cli("render", answers, "-o", fresh, *FAST, "-l", "en-CA").code == 0
    assert outputs(out) == outputs(fresh)
    plain = cli("render", answers, "-o", out, *FAST)  # the answers' own language (en-GB): rendered again
    assert plain.code == 0 and len(written(plain)) == 8


def test_the_per_user_cache_is_not_an_input(cli: Cli, answers: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A client whose cache entries were pruned or replaced (a book larger than the cache keeps) is still
    unchanged: nothing read from the cache is recorded as something its outputs were made from."""
    from policygen.pipeline import RenderOptions, render_file

    cache = tmp_path / "cache"
    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(cache))
    out = tmp_path / "out"
    assert cli("render", answers, "-o", out, *FAST).code == 0
    assert cli("render", answers, "-o", out, *FAST).code == 0  # the answers now come from the cache
    inputs = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["inputs"]
    assert list(inputs) == [str(answers)]
    shutil.rmtree(cache)

    def no_render(*args: object, **kwargs: object) -> None:
        raise AssertionError("the client was rendered again")

    monkeypatch.setattr("policygen.pipeline.render_all", no_render)
    result = render_file(answers, RenderOptions(formats=("md", "html"), out_dir=out))
    assert result.written == [] and len(result.unchanged) == 8
