"""The demo: what a newcomer sees first."""

from __future__ import annotations

from pathlib import Path

from conftest import Cli, Result, Snapshot


def test_demo_writes_three_formats_and_prints_their_paths(cli: Cli, tmp_path: Path) -> None:
    result: Result = cli("demo", "-d", "policy", "-o", tmp_path / "demo")
    assert result.code == 0, result.err
    paths = [Path(line) for line in result.out.splitlines()]
    assert [p.name for p in paths] == ["policy.md", "policy.html", "policy.pdf"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert paths[2].read_bytes().startswith(b"%PDF-")


DOCUMENTS = ("policy", "acknowledgement", "summary", "accounts-register")


def test_demo_markdown_snapshots(cli: Cli, tmp_path: Path, snapshot: Snapshot) -> None:
    result = cli("demo", "-f", "md", "-o", tmp_path)
    assert result.code == 0, result.err
    for name in DOCUMENTS:
        snapshot(f"demo/{name}.md", (tmp_path / f"{name}.md").read_text(encoding="utf-8"))


def test_demo_html_snapshots(cli: Cli, tmp_path: Path, snapshot: Snapshot) -> None:
    result = cli("demo", "-f", "html", "-o", tmp_path)
    assert result.code == 0, result.err
    for name in DOCUMENTS:
        snapshot(f"demo/{name}.html", (tmp_path / f"{name}.html").read_text(encoding="utf-8"))
