"""Each page's whole state as one value and its link: one module per page (lab/pages.py names them), the Scene's
link (``scene``), the tables of a page's own settings (``params``) and the presets (``library``, ``presets/``).

Every page module has

- ``SECTIONS`` (the section switch's labels; the first is the default) and ``SHORT`` (shorter labels, the link's
  ``section=`` in lower case);
- ``State``: a frozen dataclass with ``section`` and everything else the page's controls hold;
- ``decode(q) -> (State, notices)``: a link's query parameters read into a State; never raises, a parameter that
  cannot be used falls back to its default with a notice that says which and why;
- ``encode(state) -> dict``: the link's parameters (defaults omitted), so ``encode(decode(q)[0]) == q`` for a
  canonical link (every preset's).

The figures a State shows are charts/<page>.py's ``figures(state, theme)``.

The pages (views/) read a link with ``decode`` into their widgets on the first run and write ``encode`` of what the
widgets hold at the end of every run.
"""

from __future__ import annotations

from scenes.text import cut


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
    notices.append(f"section={cut(text)!r} in the link: this page has {', '.join(sections)}; using {sections[0]}")
    return sections[0]
