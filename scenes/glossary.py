"""One line for each technical term the pages use, shown under the text where a page first uses it (a student meets
"Hessian" in a caption and reads what it is right there, once per page), and the words a caption may hold before
the rest goes behind its ⓘ.

A term is matched as a whole word, in any case, singular or plural ("saddle" also finds "saddles" and "saddle
point"). Keep each gloss one plain line: what the thing is, not its theory.
"""

from __future__ import annotations

import re

CAPTION_WORDS = 40  # a caption's most words on the page; more goes into its help tooltip

GLOSSARY = {
    "Hessian": "the matrix of second derivatives: how the slope changes, the surface's curvature at a point",
    "eigenvalue": "the curvature along one principal direction (eigenvector) of the Hessian; λmax is the steepest",
    "condition number": "κ = L/μ, the steepest curvature over the shallowest: how stretched a valley is",
    "saddle": "a flat point that is a minimum along one direction and a maximum along another",
    "basin": "every start from which the runs end at the same minimum",
    "anneal": "shrink the noise step after step, so a run can settle once it has escaped",
    "sharpness": "the largest Hessian eigenvalue λmax at the current weights: how sharply the loss curves there",
    "PCA": "principal component analysis: the two directions along which the path moved most",
    "regularisation": "a penalty added to the loss (L2: λ‖w‖²) that keeps the weights small",
    "batch norm": "each layer's inputs normalised over the batch, then rescaled by learned factors",
    "edge of stability": "training that keeps the sharpness at 2/η, where the quadratic model says it should diverge",
}

_PATTERNS = {term: re.compile(rf"\b{re.escape(term)}(s|es)?\b", re.IGNORECASE) for term in GLOSSARY}


def terms_in(text: str) -> list[str]:
    """The glossary's terms ``text`` uses, in the order they first appear in it."""
    found = [(m.start(), term) for term, p in _PATTERNS.items() if (m := p.search(text))]
    return [term for _, term in sorted(found)]


def gloss_line(terms: list[str]) -> str:
    """The glosses of ``terms`` as one line of Markdown: "*Hessian*: the matrix … · *saddle*: a flat point …"."""
    return " · ".join(f"*{term}*: {GLOSSARY[term]}" for term in terms)


def words(text: str) -> int:
    """How many words ``text`` shows (HTML tags and Markdown emphasis not counted)."""
    return len(re.sub(r"<[^>]+>|[*_]", " ", text).split())
