"""The backward page's HTML (`page_html`): the files of `_page_assets` (page.html, page.css,
page.js) with the drawings and the data put in, everything inline, nothing fetched.

The script reads the JSON that `autograd.graph.page` embeds and only shows it: which nodes a
step has reached, their numbers and texts, the highlighted paths. It computes no number.
The SVG drawings are Graphviz's; their elements are found by the titles dot gives them
(a node "n3", its op "n3op", an edge "n3->n5op").
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["page_html"]

_SLOT = re.compile(r"\{\{(\w+)\}\}")


@cache
def _asset(name: str) -> str:
    return resources.files("autograd.graph").joinpath("_page_assets", name).read_text(encoding="utf-8")


def page_html(structure: dict[str, Any], svgs: list[str], views: list[dict[str, Any]]) -> str:
    """The page: `structure` (nodes, steps, epochs, follow) and `views` (each drawing's boxes)
    as JSON, the drawings as inline SVG."""
    data = json.dumps({**structure, "views": views}, ensure_ascii=False, separators=(",", ":"))
    drawings = "\n".join(
        f'<div class="view" data-view="{i}"{"" if i == 0 else " hidden"}>{svg}</div>'
        for i, svg in enumerate(svgs)
    )
    slots = {
        "title": html.escape(structure["title"] or "Backpropagation, step by step"),
        "css": _asset("page.css"),
        "script": _asset("page.js"),
        "drawings": drawings,
        "data": data.replace("</", "<\\/"),  # never ends the script element early
    }
    return _SLOT.sub(lambda match: slots[match.group(1)], _asset("page.html"))  # one pass: none re-read
