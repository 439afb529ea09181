"""The preset library: named scenes for the lessons, one TOML file each in scenes/presets/, read into Presets.

A preset is a link: the page it opens and that page's query parameters (scenes/url.py's schema), with a title and
the lesson in one sentence::

    title = "Too large a learning rate"
    page = "trajectories"          # trajectories | learning-rate | minima | networks
    lesson = "On ½(x² + 20y²) …"
    [link]
    surface = "quadratic"
    "gd.learning_rate" = "0.12"

The menu, the export command and the tests all read :data:`PRESETS`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

FOLDER = Path(__file__).resolve().parent / "presets"
PAGES = ("trajectories", "learning-rate", "minima", "networks")


@dataclass(frozen=True)
class Preset:
    name: str  # the file's stem: "too-large-a-learning-rate"
    title: str
    page: str
    lesson: str
    link: MappingProxyType  # query parameter -> value, both strings

    @property
    def url(self) -> str:
        """The link's path and query, as a browser would ask for it ("/minima?surface=saddle&section=saddles")."""
        from urllib.parse import urlencode

        path = "" if self.page == "trajectories" else self.page
        return f"/{path}" + (f"?{urlencode(dict(self.link))}" if self.link else "")


def read(path: Path) -> Preset:
    """One preset file; a ValueError that names the file and the problem for a malformed one."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path.name}: {e}") from None
    missing = [k for k in ("title", "page", "lesson") if not isinstance(data.get(k), str)]
    if missing:
        raise ValueError(f"{path.name}: needs {', '.join(missing)} (text)")
    if data["page"] not in PAGES:
        raise ValueError(f"{path.name}: page {data['page']!r} is not one of {', '.join(PAGES)}")
    link = data.get("link", {})
    if not isinstance(link, dict) or not all(isinstance(v, str) for v in link.values()):
        raise ValueError(f'{path.name}: [link] holds query parameters as text, like steps = "500"')
    unknown = set(data) - {"title", "page", "lesson", "link"}
    if unknown:
        raise ValueError(f"{path.name}: unknown keys {', '.join(sorted(unknown))}")
    return Preset(path.stem, data["title"], data["page"], data["lesson"], MappingProxyType(dict(link)))


def read_folder(folder: Path = FOLDER) -> dict[str, Preset]:
    """Every *.toml of a folder, by name, in page order then title."""
    presets = [read(p) for p in sorted(Path(folder).glob("*.toml"))]
    return {p.name: p for p in sorted(presets, key=lambda p: (PAGES.index(p.page), p.title))}


PRESETS = read_folder()
