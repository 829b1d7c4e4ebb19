"""Brand files: every problem at once with file:line:key and a hint; the logo stays in its folder; contrast."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, Cli, WriteAnswers
from policygen.errors import InputError
from policygen.render import fetch
from policygen.render.brand import Brand, load_brand
from policygen.render.theme import Theme, check_graphic_colour, check_text_colour, contrast

BRAND = FIXTURES / "brand"


def _brand_dir(tmp_path: Path, yaml_text: str, logo: str = "logo.svg") -> Path:
    folder = tmp_path / "brand"
    folder.mkdir()
    if logo:
        (folder / logo).write_bytes((BRAND / logo).read_bytes())
    (folder / "brand.yaml").write_text(yaml_text, encoding="utf-8")
    return folder / "brand.yaml"


def test_the_fixture_brand_loads(tmp_path: Path) -> None:
    brand, warnings = load_brand(BRAND / "brand.yaml")
    assert brand.display_name == "Riverside Housing"
    assert brand.logo is not None and brand.logo.media_type == "image/svg+xml"
    assert brand.logo.data_uri().startswith("data:image/svg+xml;base64,")
    assert brand.logo_alt("ignored") == "Riverside Housing"
    assert brand.theme.font_family == "DejaVu Serif"
    assert brand.theme.primary == "#1b6b5a"  # passes as given
    assert [w.key for w in warnings] == ["colours.accent"]  # the pale yellow is darkened for rules


def test_every_problem_is_reported_at_once_with_line_key_and_hint(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    brand = _brand_dir(tmp_path, "display_name: Acme\n"
                                 "logo: missing.png\n"
                                 "colours:\n"
                                 "  primary: #0b5394\n"
                                 "  accent: navy\n"
                                 "  secondary: '#ffffff'\n"
                                 "font: No Such Font Family\n"
                                 "colour: x\n")
    result = cli("render", demo_answers, "--brand", brand, "-o", tmp_path / "out")
    assert result.code == 2
    err = result.err
    assert f"{brand}:2: error: logo: no file 'missing.png'" in err
    assert f"{brand}:4: error: colours.primary: the colour is empty" in err and "put the colour in quotes" in err
    assert f"{brand}:5: error: colours.accent: 'navy' is not a colour" in err
    assert f"{brand}:6: error: colours.secondary: unknown colour 'secondary'" in err
    assert f"{brand}:7: error: font: the font 'No Such Font Family' is not installed" in err
    assert f"{brand}:8: error: colour: unknown key 'colour'" in err and "did you mean 'colours'?" in err
    assert not (tmp_path / "out").exists()


def test_answers_and_brand_problems_are_reported_together(cli: Cli, write_answers: WriteAnswers,
                                                          tmp_path: Path) -> None:
    answers = write_answers({"org.kind": "charity"})
    brand = _brand_dir(tmp_path, "logoo: logo.svg\n")
    result = cli("render", answers, "--brand", brand, "-f", "md", "-o", tmp_path / "out")
    assert result.code == 2
    assert "'charity' is not one of the choices" in result.err
    assert "unknown key 'logoo'" in result.err and "did you mean 'logo'?" in result.err


@pytest.mark.parametrize("logo", ["../outside.png", "sub/../../outside.png", "/etc/hostname.png"])
def test_a_logo_outside_the_brand_folder_is_refused(cli: Cli, demo_answers: Path, tmp_path: Path, logo: str) -> None:
    (tmp_path / "outside.png").write_bytes((BRAND / "logo.png").read_bytes())
    brand = _brand_dir(tmp_path, f"logo: {logo}\n", logo="")
    result = cli("render", demo_answers, "--brand", brand, "-f", "html", "-o", tmp_path / "out")
    assert result.code == 2
    assert f"{brand}:1: error: logo:" in result.err
    assert "outside the brand file's folder" in result.err or "absolute path" in result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("logo", ["/etc/passwd", "../../../../etc/passwd", "/etc/hostname.png"])
def test_a_logo_path_outside_the_folder_is_reported_as_outside_and_never_read(
        cli: Cli, demo_answers: Path, tmp_path: Path, logo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever its extension, a path out of the brand file's folder is reported as such (not "not a PNG"),
    # at the logo's line, with a fix; the file is never opened.
    brand = _brand_dir(tmp_path, f"display_name: Acme\nlogo: {logo}\n", logo="")
    opened: list[str] = []
    real_open = fetch.FetchPolicy.read_file

    def spy(self: fetch.FetchPolicy, path: Path, *args: object, **kwargs: object) -> bytes:
        opened.append(str(path))
        return real_open(self, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fetch.FetchPolicy, "read_file", spy)
    result = cli("render", demo_answers, "--brand", brand, "-f", "html", "-o", tmp_path / "out")
    assert result.code == 2
    assert f"{brand}:2: error: logo: '{logo}' is outside the brand file's folder ({brand.parent})" in result.err
    assert "not a PNG" not in result.err and "copy the logo next to the brand file" in result.err
    assert opened == [] and not (tmp_path / "out").exists()


def test_a_symlinked_logo_pointing_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes((BRAND / "logo.png").read_bytes())
    brand = _brand_dir(tmp_path, "logo: logo.png\n", logo="")
    os.symlink(tmp_path / "secret.png", brand.parent / "logo.png")
    with pytest.raises(InputError) as caught:
        load_brand(brand)
    assert "outside the brand file's folder" in str(caught.value)


def test_the_logo_is_read_only_through_the_fetch_policy_of_its_folder(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[tuple[Path, ...], Path]] = []
    original = fetch.FetchPolicy.read_file

    def spy(self: fetch.FetchPolicy, path: Path, limit: int | None = None) -> bytes:
        seen.append((self.allowed_dirs, path))
        return original(self, path, limit)

    monkeypatch.setattr(fetch.FetchPolicy, "read_file", spy)
    brand = _brand_dir(tmp_path, "logo: logo.svg\n")
    loaded, _ = load_brand(brand)
    assert loaded.logo is not None
    assert seen == [((brand.parent,), brand.parent / "logo.svg")]


@pytest.mark.parametrize(("svg", "reason"), [
    ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event attribute"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
     '<image x:href="file:///etc/hostname"/></svg>', "refers to"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://127.0.0.1:9/x)"/></svg>', "styles"),
    ('<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>', "DOCTYPE"),
    ("<html><body>not svg</body></html>", "not an SVG image"),
])
def test_an_svg_logo_must_be_self_contained(tmp_path: Path, svg: str, reason: str) -> None:
    brand = _brand_dir(tmp_path, "logo: logo.svg\n", logo="")
    (brand.parent / "logo.svg").write_text(svg, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_brand(brand)
    assert reason in str(caught.value)


def test_a_logo_whose_bytes_do_not_match_its_name_is_refused(tmp_path: Path) -> None:
    brand = _brand_dir(tmp_path, "logo: logo.png\n", logo="")
    (brand.parent / "logo.png").write_bytes(b"\xff\xd8\xff\xe0 a jpeg really")
    with pytest.raises(InputError) as caught:
        load_brand(brand)
    assert "this is not a PNG image" in str(caught.value)


def test_a_missing_font_is_only_a_warning_without_pdf(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    brand = _brand_dir(tmp_path, "font: No Such Font Family\n", logo="")
    result = cli("render", demo_answers, "--brand", brand, "-f", "html", "-d", "policy", "-o", tmp_path / "out")
    assert result.code == 0, result.err
    assert "warning: font: the font 'No Such Font Family' is not installed here" in result.err
    assert '"No Such Font Family", "DejaVu Sans"' in (tmp_path / "out" / "policy.html").read_text(encoding="utf-8")


def test_contrast_ratios_follow_wcag() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48
    assert contrast("#0b5394", "#ffffff") >= 4.5


def test_a_pale_primary_colour_is_darkened_with_a_warning(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    brand = _brand_dir(tmp_path, "colours:\n  primary: '#66b2ff'\n  accent: '#0b5394'\n", logo="")
    result = cli("render", demo_answers, "--brand", brand, "-f", "html", "-d", "policy", "-o", tmp_path / "out")
    assert result.code == 0, result.err
    check = check_text_colour("#66b2ff")
    assert check.adjusted and check.ratio_given < 4.5 <= check.ratio_used
    assert f"{brand}:2: warning: colours.primary: #66b2ff has a contrast of" in result.err
    assert f"the documents use the darker {check.used}" in result.err
    html = (tmp_path / "out" / "policy.html").read_text(encoding="utf-8")
    assert f"--primary: {check.used};" in html and "#66b2ff" not in html
    assert not check_graphic_colour("#0b5394").adjusted  # a dark accent is kept as given
    assert "--accent: #0b5394;" in html


def test_the_theme_refuses_values_that_could_break_out_of_css() -> None:
    with pytest.raises(ValueError):
        Theme(primary="red;}body{display:none").css()
    with pytest.raises(ValueError):
        Theme(font_family='x"; } * { display: none').css()


def test_without_a_brand_the_neutral_theme_and_the_organisation_name() -> None:
    brand = Brand()
    assert brand.name_for("Riverside Community Housing") == "Riverside Community Housing"
    assert brand.logo is None and "--primary: #0b5394;" in brand.theme.css()


def test_brand_warnings_for_a_french_client_are_in_french(cli: Cli, tmp_path: Path) -> None:
    # A Quebec client's render printed "#66b2ff has a contrast of 2.4:1 with the page; 4.5:1 is needed because…".
    quebec = Path(__file__).resolve().parent.parent / "examples" / "ca-quebec-cooperative" / "answers.yaml"
    brand = _brand_dir(tmp_path, "colours:\n  primary: '#66b2ff'\n  accent: '#e0e0e0'\nfont: No Such Font Family\n",
                       logo="")
    result = cli("render", quebec, "--brand", brand, "-f", "html", "-d", "policy", "-o", tmp_path / "out")
    assert result.code == 0, result.err
    err, nbsp = result.err, "\u00a0"
    check = check_text_colour("#66b2ff")
    given, used = f"{check.ratio_given:.1f}".replace(".", ","), f"{check.ratio_used:.1f}".replace(".", ",")
    assert f"{brand}:2: avertissement{nbsp}: colours.primary: #66b2ff a un contraste de {given}:1 avec la page; " \
           "il faut 4,5:1, car cette couleur colore les liens" in err, err
    assert f"la couleur plus foncée {check.used} ({used}:1); choisissez" in err
    assert "car cette couleur trace les filets et les bandes (WCAG AA)" in err
    assert f"la police «{nbsp}No Such Font Family{nbsp}» n\u2019est pas installée ici; le PDF" in err
    assert "conseil\u00a0: voyez les familles installées avec la commande fc-list --format='%{family}\\n'" in err
    english = r"\b(has a contrast|is needed|because|the documents use|choose|the font|not installed|list the)\b"
    assert not re.findall(english, err), err
    client = tmp_path / "clients" / "coop"  # batch prints each client's warnings in the client's language
    client.mkdir(parents=True)
    (client / "answers.yaml").write_bytes(quebec.read_bytes())
    (client / "brand.yaml").write_bytes(brand.read_bytes())
    batch = cli("batch", client, "-f", "html", "-d", "policy", "-o", tmp_path / "batch")
    assert batch.code == 0, batch.err
    shown = batch.out + batch.err
    assert "il faut 4,5:1, car cette couleur colore les liens" in shown and "n\u2019est pas installée ici" in shown
    assert not re.findall(english, shown), shown


_QUEBEC = Path(__file__).resolve().parent.parent / "examples" / "ca-quebec-cooperative" / "answers.yaml"
_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">%s</svg>'


def _spaced(text: str) -> str:
    """French output with its non-breaking spaces (before a colon, inside « », between digits) as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(("logo", "data", "french"), [
    ("missing.png", None, "aucun fichier « missing.png » dans"),
    ("logo.gif", b"GIF89a", "« logo.gif » n\u2019est pas un fichier PNG, JPEG ou SVG"),
    ("../outside.png", None, "« ../outside.png » est hors du dossier du fichier de marque"),
    ("logo.png", b"not a png", "« logo.png » : ce n\u2019est pas une image PNG"),
    ("logo.svg", (_SVG % "<script>alert(1)</script>").encode(), "« logo.svg » : ce SVG contient un élément <script>"),
    ("logo.svg", (_SVG % '<image href="https://example.com/x.png"/>').encode(), "ce SVG renvoie à « https://"),
    ("big.png", b"\x89PNG\r\n\x1a\n" + bytes(1100 * 1024), "« big.png » dépasse 1 024 Kio"),
], ids=["missing", "type", "outside", "not-png", "script", "web", "large"])
def test_logo_problems_for_a_french_client_are_in_french(cli: Cli, tmp_path: Path, logo: str, data: bytes | None,
                                                         french: str) -> None:
    # A Quebec client's render printed "error: logo: no file 'missing.png' in ..." and the like in English.
    from test_french_runtime import english_words

    folder = tmp_path / "brand"
    folder.mkdir()
    if data is not None:
        (folder / logo).write_bytes(data)
    (folder / "brand.yaml").write_text(f"logo: {logo}\n", encoding="utf-8")
    result = cli("render", _QUEBEC, "--brand", folder / "brand.yaml", "-f", "html", "-d", "policy",
                 "-o", tmp_path / "out")
    err = _spaced(result.err)
    assert result.code == 2 and french in err and "erreur : logo: " in err, err
    own = err.replace(str(folder.absolute()), "").replace(str(folder), "").replace(logo, "")
    assert english_words(own, {"alert", "https", "example", "com"}) == [], err


def test_logo_problems_of_a_french_batch_client_and_of_its_word_logo_are_in_french(cli: Cli, tmp_path: Path) -> None:
    from test_french_runtime import english_words

    client = tmp_path / "clients" / "coop"
    client.mkdir(parents=True)
    (client / "answers.yaml").write_bytes(_QUEBEC.read_bytes())
    (client / "brand.yaml").write_text("logo: logo.svg\n", encoding="utf-8")
    (client / "logo.svg").write_text(_SVG % '<rect onclick="x()"/>', encoding="utf-8")
    batch = cli("batch", client, "-f", "html", "-d", "policy", "-o", tmp_path / "batch")
    shown = _spaced(batch.out + batch.err)
    assert batch.code != 0 and "ce SVG a un attribut d\u2019événement « onclick » (du code)" in shown, shown
    assert "this SVG" not in shown and "event attribute" not in shown
    # An SVG the brand file accepts but Word cannot draw: its problem is French too (word_logo.py).
    (client / "logo.svg").write_text(_SVG % '<g id="a"><use href="#a"/></g>', encoding="utf-8")
    word = cli("render", client / "answers.yaml", "--brand", client / "brand.yaml", "-f", "docx", "-d", "summary",
               "-o", tmp_path / "word")
    err = _spaced(word.err)
    assert word.code == 2 and "les références <use> du logo SVG tournent en rond" in err, err
    assert "un logo SVG doit se suffire à lui-même et rester petit" in err
    assert english_words(err.replace(str(client), ""), set()) == [], err


def test_the_summary_of_a_french_clients_brand_problems_is_french(cli: Cli, tmp_path: Path) -> None:
    # The problems were French but the summary line below them stayed English: "brand.yaml: not a brand file",
    # and "answers.yaml has problems; brand.yaml: 3 errors" (only the last part was translated), in render and batch.
    client = tmp_path / "coop"
    client.mkdir()
    answers = client / "answers.yaml"
    answers.write_text(_QUEBEC.read_text(encoding="utf-8").replace("size: medium", "size: huge"), encoding="utf-8")
    brand = client / "brand.yaml"
    brand.write_text("colours:\n  primary: red\n  accent: blue\nfont: '!!'\n", encoding="utf-8")
    render = cli("render", answers, "--brand", brand, "-f", "html", "-d", "policy", "-o", tmp_path / "out")
    assert render.code == 2
    assert _spaced(render.err).rstrip().endswith(f"{answers} a des problèmes; {brand} : 3 erreurs"), render.err
    batch = cli("batch", client, "-f", "html", "-d", "policy", "-o", tmp_path / "batch")
    shown = _spaced(batch.out + batch.err)
    assert batch.code != 0 and f"{answers} a des problèmes; {brand} : 3 erreurs" in shown, shown
    not_brand = tmp_path / "list.yaml"
    not_brand.write_text("- {a: 1, a: 2}\n", encoding="utf-8")  # two problems: the summary is printed
    render = cli("render", _QUEBEC, "--brand", not_brand, "-f", "html", "-d", "policy", "-o", tmp_path / "out")
    assert render.code == 2
    assert _spaced(render.err).rstrip().endswith(f"{not_brand} : ce n\u2019est pas un fichier de marque"), render.err
    assert "not a brand file" not in render.err and "errors" not in render.err


@pytest.mark.parametrize("text", ["colours: {primary: red}\nfont: 'Comic; Sans'\n", "- a list\n"])
def test_brand_value_problems_for_a_french_client_are_in_french(cli: Cli, tmp_path: Path, text: str) -> None:
    # "« red » n'est pas a colour" and its English hint: the kinds and hints a brand file's values are checked
    # against come from the catalogue too.
    from test_french_runtime import english_words

    brand = tmp_path / "brand.yaml"
    brand.write_text(text, encoding="utf-8")
    result = cli("render", _QUEBEC, "--brand", brand, "-f", "md", "-d", "policy", "-o", tmp_path / "out")
    err = _spaced(result.err)
    assert result.code == 2 and "erreur" in err, err
    own = err.replace(str(brand), "").replace("display_name", "").replace("colours", "").replace("Branding", "")
    assert english_words(own, {"red", "comic", "sans", "dejavu", "serif", "rrggbb", "fc", "list", "readme"}) == [], err
