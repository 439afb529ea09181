"""The page registry: one row per page, read by app.py (navigation), the presets menu, the export command, the
warm-up and the tests. A page has one name everywhere: its view ``views/<name>.py``, its state and link codec
``links/<name>.py``, its figures ``charts/<name>.py``. Adding a page is one row here plus those three modules.

Nothing here imports Streamlit or the page modules until asked (``Page.link``, ``Page.charts``), so reading the
table is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType

from links.library import FOLDER, read_folder

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Page:
    name: str  # "learning_rate": the modules' name in views/, links/ and charts/
    url_path: str  # the address after the host: "" for the first page, "learning-rate"
    title: str
    icon: str  # a Material icon, as Streamlit writes it

    @property
    def view(self) -> Path:
        """The Streamlit script that draws the page."""
        return ROOT / "views" / f"{self.name}.py"

    @property
    def link(self) -> ModuleType:
        """The page's state and its link codec: ``SECTIONS``, ``State``, ``decode(q)``, ``encode(state)``."""
        return import_module(f"links.{self.name}")

    @property
    def charts(self) -> ModuleType:
        """The page's figures: ``figures(state, theme) -> {name: go.Figure}`` (the animated one is "race")."""
        return import_module(f"charts.{self.name}")

    @property
    def sections(self) -> tuple[str, ...]:
        return self.link.SECTIONS

    @property
    def path(self) -> str:
        """The page's path as a browser asks for it: "/" or "/learning-rate"."""
        return f"/{self.url_path}"


PAGES: dict[str, Page] = {
    p.name: p
    for p in (
        Page("trajectories", "", "Trajectories", ":material/route:"),
        Page("learning_rate", "learning-rate", "Learning rate & momentum", ":material/speed:"),
        Page("minima", "minima", "Minima & saddles", ":material/landscape:"),
        Page("networks", "networks", "Networks", ":material/hub:"),
        Page("classroom", "class", "Class round", ":material/groups:"),
    )
}
DEFAULT = next(iter(PAGES))  # the page a bare address opens

PRESETS = read_folder(FOLDER, {name: p.path for name, p in PAGES.items()})
"""The named scenes for the lessons (links/presets/*.toml), by name, in page order then title."""
