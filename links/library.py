"""The preset library: named scenes for the lessons, one TOML file each in scenes/presets/, read into Presets.

A preset is a link: the page it opens (a name of lab.pages.PAGES) and that page's query parameters (links/scene.py's
schema), with a title and the lesson in one sentence::

    title = "Too large a learning rate"
    page = "trajectories"          # trajectories | learning_rate | minima | networks
    lesson = "On ½(x² + 20y²) …"
    [link]
    surface = "quadratic"
    "gd.learning_rate" = "0.12"

The page registry (lab/pages.py) reads this folder against its pages into ``PRESETS``, which the menu, the export
command and the tests read.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

FOLDER = Path(__file__).resolve().parent / "presets"


@dataclass(frozen=True)
class Preset:
    name: str  # the file's stem: "too-large-a-learning-rate"
    title: str
    page: str  # the page's name ("learning_rate")
    lesson: str
    link: MappingProxyType  # query parameter -> value, both strings
    path: str  # the page's address ("/learning-rate")

    @property
    def url(self) -> str:
        """The link's path and query, as a browser would ask for it ("/minima?surface=saddle&section=saddles")."""
        from urllib.parse import urlencode

        return self.path + (f"?{urlencode(dict(self.link))}" if self.link else "")


def read(path: Path, pages: dict[str, str]) -> Preset:
    """One preset file, for ``pages`` (page name -> its address); a ValueError that names the file and the problem
    for a malformed one."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path.name}: {e}") from None
    missing = [k for k in ("title", "page", "lesson") if not isinstance(data.get(k), str)]
    if missing:
        raise ValueError(f"{path.name}: needs {', '.join(missing)} (text)")
    if data["page"] not in pages:
        raise ValueError(f"{path.name}: page {data['page']!r} is not one of {', '.join(pages)}")
    link = data.get("link", {})
    if not isinstance(link, dict) or not all(isinstance(v, str) for v in link.values()):
        raise ValueError(f'{path.name}: [link] holds query parameters as text, like steps = "500"')
    unknown = set(data) - {"title", "page", "lesson", "link"}
    if unknown:
        raise ValueError(f"{path.name}: unknown keys {', '.join(sorted(unknown))}")
    page = data["page"]
    return Preset(path.stem, data["title"], page, data["lesson"], MappingProxyType(dict(link)), pages[page])


def read_folder(folder: Path, pages: dict[str, str]) -> dict[str, Preset]:
    """Every *.toml of a folder, by name, in the order of ``pages`` then by title."""
    presets = [read(p, pages) for p in sorted(Path(folder).glob("*.toml"))]
    order = list(pages)
    return {p.name: p for p in sorted(presets, key=lambda p: (order.index(p.page), p.title))}
