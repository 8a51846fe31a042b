"""The backward page in a real browser: Debian's Chromium, headless, driven by Playwright.

The page is opened from file:// with every other request refused (and none may be tried).
The references are the engine itself (`topological_order`, `backward()`), a brute-force
enumeration of the graph's paths, and `chainrule.closed_form`, which trains the course
network without the engine. Set CHAINRULE_SCREENSHOTS=1 to rewrite the manual's picture,
docs/images/backward-page.png, from the screenshot taken here.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, topological_order
from chainrule import closed_form
from chainrule.cli import main
from tests.helpers import DOCS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]  # fmt: skip

pytestmark = [pytest.mark.needs_browser, pytest.mark.needs_dot]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    HAVE_PLAYWRIGHT = False
else:
    HAVE_PLAYWRIGHT = True

if not HAVE_PLAYWRIGHT or not os.access(CHROMIUM, os.X_OK):
    pytest.skip(
        "needs Chromium at /usr/bin/chromium and the playwright package (apt-get install chromium)",
        allow_module_level=True,
    )
if shutil.which("dot") is None:
    pytest.skip("needs Graphviz's dot (apt-get install graphviz)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def course_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a teacher runs: the course network trained 45 epochs at lr 0.5, course order."""
    path = tmp_path_factory.mktemp("page") / "network.html"
    assert main(["graph", "--html", str(path), "--epochs", "45", "--lr", "0.5"]) == 0
    return path


@pytest.fixture(scope="module")
def engine_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "engine.html"
    assert main(["graph", "--html", str(path), "--order", "engine"]) == 0
    return path


class Opened:
    """A page opened from file://, every other request refused and recorded, errors recorded."""

    def __init__(self, browser: Any, path: Path, ready: bool = True) -> None:
        self.url = path.as_uri()
        self.context = browser.new_context(viewport={"width": 1600, "height": 900}, offline=True)
        self.refused: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(self.url)
        if ready:
            self.page.wait_for_selector("body[data-ready=true]")

    def _route(self, route: Any) -> None:
        if route.request.url in (self.url, "about:srcdoc"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def marked(self, attribute: str) -> list[str]:
        """The titles (dot's node names) of the visible boxes carrying `attribute`, by its value."""
        found: list[list[Any]] = self.page.evaluate(
            """(a) => [...document.querySelectorAll('.view:not([hidden]) g.node[' + a + ']')].map(
                   (g) => [Number(g.getAttribute(a)), g.querySelector('title').textContent])""",
            attribute,
        )
        return [title for _, title in sorted(found)]

    def node(self, title: str) -> Any:
        return self.page.locator(".view:not([hidden]) g.node").filter(
            has=self.page.locator(f"xpath=./*[local-name()='title' and text()='{title}']")
        )

    def close(self) -> list[str]:
        """Closes; returns the problems seen: page errors and requests other than the page."""
        self.context.close()
        others = [url for url in self.requests if url not in (self.url, "about:srcdoc")]
        return (
            self.errors + [f"refused {url}" for url in self.refused] + [f"requested {url}" for url in others]
        )


def course_nodes() -> list[Value]:
    from nn.teaching import teaching_network

    network = teaching_network()
    network.loss.backward()
    return topological_order(network.loss)


def titles(nodes: list[Value], chosen: list[Value]) -> list[str]:
    index = {node: i for i, node in enumerate(nodes)}
    return [f"n{index[node]}" for node in chosen]


@pytest.mark.parametrize("k", [1, 5, 23])
def test_k_steps_mark_k_nodes_in_the_engines_order(browser: Any, engine_page: Path, k: int) -> None:
    nodes = course_nodes()
    opened = Opened(browser, engine_page)
    for _ in range(k):
        opened.page.click("#step")
    forward = [node for node in nodes if node.children]  # the engine computes each op after its operands
    assert opened.marked("data-forward-step") == titles(nodes, forward[:k])
    opened.page.click("#to-backward")
    for _ in range(k):
        opened.page.keyboard.press("ArrowRight")
    assert opened.marked("data-backward-step") == titles(nodes, nodes[::-1][:k])  # backward()'s order
    opened.page.click("#back")
    assert opened.marked("data-backward-step") == titles(nodes, nodes[::-1][: k - 1])
    assert opened.close() == []


def test_the_course_order_visits_each_node_after_its_uses_w5_to_w8_first(
    browser: Any, course_page: Path
) -> None:
    nodes = course_nodes()
    opened = Opened(browser, course_page)
    opened.page.click("#to-backward")
    for _ in range(len(nodes)):
        opened.page.click("#step")
    visited = opened.marked("data-backward-step")
    assert sorted(visited) == sorted(f"n{i}" for i in range(len(nodes)))
    position = {title: k for k, title in enumerate(visited)}
    index = {node: i for i, node in enumerate(nodes)}
    for node in nodes:
        for child in node.children:
            assert position[f"n{index[node]}"] < position[f"n{index[child]}"]  # its grad is final
    weights = [title for title in visited if nodes[int(title[1:])].label.startswith("w")]
    assert [nodes[int(t[1:])].label for t in weights] == ["w5", "w6", "w7", "w8", "w1", "w2", "w3", "w4"]
    assert opened.close() == []


def test_hovering_w5_shows_the_engines_gradient_and_its_chain_rule(browser: Any, course_page: Path) -> None:
    nodes = course_nodes()
    w5 = next(node for node in nodes if node.label == "w5")
    opened = Opened(browser, course_page)
    opened.node(titles(nodes, [w5])[0]).hover()
    text = opened.page.inner_text("#node-text")
    assert f"grad {w5.grad:.5g}" in text  # backward()'s, to 5 significant digits
    assert "∂E_total/∂w5 = ∂E_total/∂o1 · a_h1 = 0.14236 · 0.50687 = 0.072157" in text
    assert opened.close() == []


def all_paths(root: Value, target: Value) -> list[list[Value]]:
    """Every root→target path, by brute force (each path as its nodes)."""
    if root is target:
        return [[root]]
    return [[root, *rest] for child in root.children for rest in all_paths(child, target)]


LIT = (  # the dot titles of the highlighted nodes or edges of the drawing shown
    "[...document.querySelectorAll('.view:not([hidden]) g.KIND.on-path')]"
    ".map(g => g.firstElementChild.textContent)"
)


def test_following_w1_highlights_exactly_its_two_paths(browser: Any, course_page: Path) -> None:
    nodes = course_nodes()
    index = {node: i for i, node in enumerate(nodes)}
    w1 = next(node for node in nodes if node.label == "w1")
    paths = all_paths(nodes[-1], w1)
    assert len(paths) == 2
    expected = set()
    for path in paths:  # dot's edges: operand -> its op, and op -> result
        for upper, lower in itertools.pairwise(path):
            expected |= {f"n{index[lower]}->n{index[upper]}op", f"n{index[upper]}op->n{index[upper]}"}
    opened = Opened(browser, course_page)
    opened.page.select_option("#follow", label="w1")
    lit = opened.page.evaluate(LIT.replace("KIND", "edge"))
    assert sorted(lit) == sorted(expected)
    lit_nodes = opened.page.evaluate(LIT.replace("KIND", "node"))
    assert sorted(lit_nodes) == sorted({f"n{index[node]}" for path in paths for node in path})
    follow = opened.page.inner_text("#follow-text")
    assert "the sum over 2 paths" in follow and f"= {w1.grad:.5g}" in follow
    assert opened.close() == []


def test_the_epoch_slider_at_45_shows_the_trained_loss(browser: Any, course_page: Path) -> None:
    expected = closed_form.train(0.5, epochs=45)[-1].values["E_total"]  # no engine involved
    assert f"{expected:.5g}" == "0.070431"
    opened = Opened(browser, course_page)
    opened.page.focus("#epoch")
    opened.page.keyboard.press("End")
    assert opened.page.inner_text("#epoch-text") == f"epoch 45 of 45: E_total = {expected:.5g}"
    opened.page.click("#to-backward")  # the forward pass done: E_total's own box shows it too
    box = opened.node(f"n{len(course_nodes()) - 1}")
    assert f"data {expected:.5g}" in box.text_content()
    assert opened.close() == []


def test_a_screenshot_is_not_blank(browser: Any, course_page: Path, tmp_path: Path) -> None:
    from PIL import Image

    opened = Opened(browser, course_page)
    opened.page.click("#to-backward")
    for _ in range(8):
        opened.page.click("#step")  # to w5's gradient
    opened.page.select_option("#follow", label="w5")
    opened.node(f"n{[n.label for n in course_nodes()].index('w5')}").hover()
    picture = opened.page.screenshot()
    assert opened.close() == []
    image = Image.open(io.BytesIO(picture)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50
    white = max(count for count, colour in colours if colour == (255, 255, 255))
    assert white < 0.9 * image.width * image.height
    (tmp_path / "backward-page.png").write_bytes(picture)
    if os.environ.get("CHAINRULE_SCREENSHOTS"):
        (DOCS / "images").mkdir(exist_ok=True)
        (DOCS / "images" / "backward-page.png").write_bytes(picture)


def test_one_box_per_neuron_and_every_node_on_a_button(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "grouped.html"
    assert main(["graph", "--html", str(path), "--group"]) == 0
    opened = Opened(browser, path)
    count = "document.querySelectorAll('.view:not([hidden]) g.node').length"
    grouped = opened.page.evaluate(count)
    opened.page.click("#view")
    expanded = opened.page.evaluate(count)
    nodes = course_nodes()
    assert expanded == len(nodes) + sum(1 for node in nodes if node.children)  # boxes and ops
    assert grouped < expanded
    opened.page.click("#step")
    assert len(opened.marked("data-forward-step")) == 1
    assert opened.close() == []


def test_play_runs_to_the_end(browser: Any, engine_page: Path) -> None:
    opened = Opened(browser, engine_page)
    opened.page.evaluate("document.getElementById('speed').value = '50'")
    opened.page.keyboard.press(" ")
    opened.page.locator("#status", has_text="backward 33/33").wait_for()
    assert opened.page.inner_text("#play").endswith("Play")
    assert opened.close() == []


def test_inline_in_a_notebook_the_iframe_runs_the_page(browser: Any, tmp_path: Path) -> None:
    """What Jupyter shows for a returned page: IPython's HTML formatter calls `_repr_html_`."""
    from IPython.core.formatters import format_display_data

    from autograd.graph import to_html
    from nn.teaching import teaching_network

    shown, _ = format_display_data(to_html(teaching_network().loss))  # type: ignore[no-untyped-call]
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body>{shown['text/html']}</body></html>", encoding="utf-8")
    opened = Opened(browser, notebook, ready=False)
    inside = opened.page.frame_locator("iframe")
    inside.locator("body[data-ready=true]").wait_for()
    inside.locator("#step").click()
    assert inside.locator("#step-title").inner_text().startswith("Forward step 1 of 23")
    assert opened.close() == []
