"""Each page's whole state as one value, its link, and its figures: one module per page.

Every page module has

- ``SECTIONS`` (the section switch's labels; the first is the default) and ``SHORT`` (shorter labels, the link's
  ``section=`` in lower case);
- ``State``: a frozen dataclass with ``section`` and everything else the page's controls hold;
- ``decode(q) -> (State, notices)``: a link's query parameters read into a State; never raises, a parameter that
  cannot be used falls back to its default with a notice that says which and why;
- ``encode(state) -> dict``: the link's parameters (defaults omitted), so ``encode(decode(q)[0]) == q`` for a
  canonical link (every preset's);
- ``figures(state, theme) -> {name: go.Figure}``: the figures the page shows for that state, built by the same
  functions the page calls (the export command renders presets through it; the animated one is named "race").

The pages (views/) read a link with ``decode`` into their widgets on the first run and write ``encode`` of what the
widgets hold at the end of every run.
"""

from __future__ import annotations

from importlib import import_module

MODULES = {"trajectories": "trajectories", "learning-rate": "learning_rate", "minima": "minima", "networks": "networks"}


def page(name: str):
    """The page module of a page name of scenes.library.PAGES ("learning-rate" -> scenes.pages.learning_rate)."""
    return import_module(f"scenes.pages.{MODULES[name]}")


def section_param(section: str, sections: tuple[str, ...], short: dict[str, str]) -> dict[str, str]:
    """``section=`` of a link: the short name in lower case, omitted for the first section."""
    return {} if section == sections[0] else {"section": short.get(section, section).lower()}


def read_section(q: dict, sections: tuple[str, ...], short: dict[str, str], notices: list[str]) -> str:
    """The section a link names (its short or full name, any case), or the first one with a notice."""
    names = {short.get(s, s).lower(): s for s in sections} | {s.lower(): s for s in sections}
    text = q.get("section")
    if text is None:
        return sections[0]
    if text.lower() in names:
        return names[text.lower()]
    notices.append(f"section={text!r} in the link: this page has {', '.join(sections)}")
    return sections[0]
