"""policygen batch: many clients, one failing among good ones, brands, overrides, workers, handbooks."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_support import is_tagged

from conftest import FIXTURES, ROOT, Cli, require_tool
from policygen.consultants.batch import BatchOptions, Client, find_clients, run_batch
from policygen.manifest import MANIFEST
from policygen.pipeline import RenderOptions

EXAMPLES = ROOT / "examples"


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    """A consultant's folder: two good clients (one with a brand and overrides), one broken."""
    root = tmp_path / "clients"
    shutil.copytree(EXAMPLES / "us-software-startup", root / "brightloop")
    shutil.copytree(EXAMPLES / "uk-literacy-charity", root / "readwell")
    shutil.copytree(FIXTURES / "brand", root / "readwell", dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "overrides" / "acme", root / "readwell" / "templates")
    broken = root / "broken"
    shutil.copytree(EXAMPLES / "us-hospital", broken)
    answers = broken / "answers.yaml"
    answers.write_text(answers.read_text(encoding="utf-8").replace("kind: nonprofit", "kind: charity")
                       .replace("kind: company", "kind: charity"), encoding="utf-8")
    return root


def test_a_broken_client_does_not_stop_the_others(cli: Cli, clients: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("batch", clients / "brightloop", clients / "broken", clients / "readwell", "-o", out,
                 "-f", "md", "-f", "html", "-j", "2")
    assert result.code == 2
    assert (out / "brightloop" / "policy.md").is_file() and (out / "readwell" / "summary.html").is_file()
    assert not (out / "broken").exists(), "nothing is written for a client that failed"
    assert "broken: failed\n" in result.err and "'charity' is not one of the choices" in result.err
    assert "1 of 3 clients failed; the other 2 were rendered" in result.err
    table = result.out
    for name in ("brightloop", "broken", "readwell"):
        assert name in table
    assert "failed" in table and "md, html" in table


def test_each_client_gets_its_own_brand_and_overrides(clients: Path, tmp_path: Path) -> None:
    found, failures = find_clients([clients / "brightloop", clients / "readwell"])
    assert failures == []
    readwell = next(c for c in found if c.name == "readwell")
    assert readwell.brand == clients / "readwell" / "brand.yaml"
    assert readwell.templates == clients / "readwell" / "templates"
    options = BatchOptions(RenderOptions(formats=("md", "html"), provenance=True), tmp_path)
    results = run_batch(found, options, jobs=1)
    assert all(r.ok for r in results), [r.reason for r in results]
    readwell_policy = (tmp_path / "readwell" / "policy.md").read_text(encoding="utf-8")
    assert "disabled personal.politics" in readwell_policy  # its override is listed in the provenance
    assert "Photos in uniform" in readwell_policy
    brightloop_policy = (tmp_path / "brightloop" / "policy.md").read_text(encoding="utf-8")
    assert "Photos in uniform" not in brightloop_policy  # another client's override stays its own
    html = (tmp_path / "readwell" / "policy.html").read_text(encoding="utf-8")
    assert "data:image/" in html  # the brand's logo
    assert "data:image/" not in (tmp_path / "brightloop" / "policy.html").read_text(encoding="utf-8")


def test_consultancy_templates_come_after_the_clients_own(clients: Path, tmp_path: Path) -> None:
    found, _ = find_clients([clients / "brightloop"])
    options = BatchOptions(RenderOptions(formats=("md",), documents=("policy",)), tmp_path,
                           templates=(FIXTURES / "overrides" / "acme",))
    [result] = run_batch(found, options, jobs=1)
    assert result.ok, result.reason
    assert "Photos in uniform" in (tmp_path / "brightloop" / "policy.md").read_text(encoding="utf-8")


def test_clients_that_cannot_be_found_or_clash_are_failures(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    single = tmp_path / "solo.yaml"
    shutil.copy(EXAMPLES / "demo" / "answers.yaml", single)
    found, failures = find_clients([tmp_path / "empty", tmp_path / "missing", single, single])
    assert [c.name for c in found] == ["solo"]
    reasons = [f.reason for f in failures]
    assert any("no answers.yaml in this folder" in r for r in reasons)
    assert any("not found" in r for r in reasons)
    assert any("has the same name" in r for r in reasons)


def test_results_come_back_in_order_with_times_and_formats(tmp_path: Path) -> None:
    clients = [Client(name, EXAMPLES / name / "answers.yaml") for name in ("demo", "us-hospital", "us-broker-dealer")]
    seen: list[str] = []
    results = run_batch(clients, BatchOptions(RenderOptions(formats=("md",)), tmp_path), jobs=2,
                        on_result=lambda r: seen.append(r.name))
    assert [r.name for r in results] == ["demo", "us-hospital", "us-broker-dealer"]
    assert sorted(seen) == sorted(r.name for r in results)
    assert all(r.ok and r.formats == ["md"] and r.seconds > 0 for r in results)


def test_the_largest_clients_go_first_so_no_worker_is_left_with_a_big_one_at_the_end(tmp_path: Path) -> None:
    # Sizes of the answers files: au-victoria-nonprofit < demo < ca-retailer-ontario.
    names = ("demo", "au-victoria-nonprofit", "ca-retailer-ontario")
    clients = [Client(name, EXAMPLES / name / "answers.yaml") for name in names]
    sizes = {c.name: c.answers.stat().st_size for c in clients}
    assert sizes["au-victoria-nonprofit"] < sizes["demo"] < sizes["ca-retailer-ontario"]
    seen: list[str] = []
    results = run_batch(clients, BatchOptions(RenderOptions(formats=("md",)), tmp_path), jobs=1,
                        on_result=lambda r: seen.append(r.name))
    assert seen == ["ca-retailer-ontario", "demo", "au-victoria-nonprofit"]
    assert [r.name for r in results] == list(names), "the results still come back in the clients' order"


def test_one_worker_s_pdfs_are_each_client_s_own_and_the_bytes_render_gives(
        cli: Cli, clients: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Both clients go through one process's PDF renderer (its balanced-columns memo, its deflated-stream
    # cache, its fonts and stylesheets): each PDF must hold its own client's text and metadata only, and
    # be byte for byte what a separate `render` makes.
    import pikepdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")
    pdftotext = require_tool("pdftotext")
    found, _ = find_clients([clients / "brightloop", clients / "readwell"])
    documents = ("policy", "acknowledgement")
    options = BatchOptions(RenderOptions(formats=("pdf",), documents=documents), tmp_path / "batch")
    assert all(r.ok for r in run_batch(found, options, jobs=1))
    names = {"brightloop": "Brightloop", "readwell": "Riverside Housing"}  # readwell's brand renames it
    for client, other in (("brightloop", "readwell"), ("readwell", "brightloop")):
        folder = clients / client
        own = [*(["--brand", folder / "brand.yaml"] if (folder / "brand.yaml").is_file() else []),
               *(["--templates", folder / "templates"] if (folder / "templates").is_dir() else [])]
        alone = cli("render", folder / "answers.yaml", "-f", "pdf", "-d", "policy", "-d", "acknowledgement",
                    *own, "-o", tmp_path / "alone" / client)
        assert alone.code == 0, alone.err
        for document in documents:
            pdf = tmp_path / "batch" / client / f"{document}.pdf"
            assert pdf.read_bytes() == (tmp_path / "alone" / client / f"{document}.pdf").read_bytes(), \
                f"{client}'s {document}: batch and render differ"
            text = subprocess.run([pdftotext, pdf, "-"], capture_output=True, text=True, check=True).stdout
            assert names[client] in text and names[other] not in text
            with pikepdf.open(pdf) as opened:
                info = " ".join(str(value) for value in opened.docinfo.values())
            assert names[other] not in info


def test_bundle_makes_one_handbook_pdf_per_client(cli: Cli, tmp_path: Path) -> None:
    import pikepdf

    out = tmp_path / "out"
    result = cli("batch", EXAMPLES / "demo", "-o", out, "-f", "pdf", "--bundle", "-j", "1")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (out / "demo").iterdir() if p.name != MANIFEST) == ["handbook.pdf"]
    with pikepdf.open(out / "demo" / "handbook.pdf") as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        assert titles[0] == "Social media policy" and len(titles) == 4
        assert any("acknowledgement" in t for t in titles) and any("Register" in t for t in titles)
        assert len(outline.root[0].children) >= 5  # the policy's sections under it
        assert is_tagged(pdf.Root)
        pages = len(pdf.pages)
    from pypdf import PdfReader

    texts = [page.extract_text() or "" for page in PdfReader(out / "demo" / "handbook.pdf").pages]
    assert "Social media handbook" in texts[0]
    assert texts[1].startswith("Contents")
    assert all(f"of {pages}" in text for text in texts[2:]), "one page count across the whole handbook"


def test_bundle_needs_pdf(cli: Cli, tmp_path: Path) -> None:
    result = cli("batch", EXAMPLES / "demo", "-o", tmp_path, "-f", "html", "--bundle")
    assert result.code == 2 and "--bundle makes a handbook in pdf" in result.err


def test_each_clients_warnings_are_printed_not_only_counted(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "clients"
    shutil.copytree(EXAMPLES / "us-software-startup", root / "brightloop")
    answers = root / "brightloop" / "answers.yaml"
    text = answers.read_text(encoding="utf-8")
    answers.write_text(text.replace("  unionised: false\n", "  unionised: false\n  eu_countries: [de]\n"),
                       encoding="utf-8")
    result = cli("batch", root / "brightloop", "-o", tmp_path / "out", "-f", "md", "-j", "1")
    assert result.code == 0, result.err
    assert "(1 warning)" in result.out
    assert "brightloop: 1 warning" in result.err
    # Each warning on its own line, as validate prints it: file:line, key, message (long lines unbroken).
    assert re.search(rf"^    {re.escape(str(answers))}:\d+: warning: org\.eu_countries: this answer is not used",
                     result.err, re.MULTILINE)


def test_a_failed_client_s_problems_are_listed_by_line_as_validate_lists_them(cli: Cli, tmp_path: Path) -> None:
    # An unknown key (found while reading) was listed before the wrong values above it.
    client = tmp_path / "clients" / "acme"
    client.mkdir(parents=True)
    text = (EXAMPLES / "demo" / "answers.yaml").read_text(encoding="utf-8")
    (client / "answers.yaml").write_text(text.replace("kind: nonprofit", "kind: charity")
                                         .replace("  unionised: true", "  unionsed: true"), encoding="utf-8")
    result = cli("batch", client, "-o", tmp_path / "out", "-f", "md", "-j", "1")
    assert result.code == 2
    lines = [int(n) for n in re.findall(r"answers\.yaml:(\d+): error", result.err)]
    assert len(lines) == 2 and lines == sorted(lines), result.err
