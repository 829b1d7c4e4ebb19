"""Where the bundled questionnaires, templates and examples live.

In a wheel they are inside the package (``policygen/_data/...``, put there by
hatchling's ``force-include``). An editable install or a source checkout does
not apply force-include, so we fall back to the repository root beside the
package. Lookups are by folder, so nothing here imports anything heavy.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import EnvironmentProblem

PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = ("templates", "questionnaires", "examples")


@cache
def data_root() -> Path:
    """The folder holding ``templates/``, ``questionnaires/`` and ``examples/``."""
    for candidate in (PACKAGE_DIR / "_data", PACKAGE_DIR.parent):
        if all((candidate / name).is_dir() for name in _BUNDLED):
            return candidate
    raise EnvironmentProblem(
        "policygen's bundled templates and questionnaires are missing",
        hint="reinstall policygen (pip install --force-reinstall policygen)",
    )


def templates_dir() -> Path:
    """The bundled template folder (clause library, page templates, styles)."""
    return data_root() / "templates"


def questionnaires_dir() -> Path:
    """The bundled questionnaire folder."""
    return data_root() / "questionnaires"


def examples_dir() -> Path:
    """The bundled example answers files."""
    return data_root() / "examples"


def demo_answers() -> Path:
    """The answers file that ``policygen demo`` renders."""
    return examples_dir() / "demo" / "answers.yaml"
