"""Pictures of the training tools, as fastai's recorder draws them (matplotlib's Agg canvas).

`lr_find_figure`: the learning-rate finder's smoothed loss against the learning rate (log
scale), with its two suggestions marked (`recorder.plot(suggestion=True)`).
`lr_figure`: the learning rate per step and, with `show_moms`, the momentum beside it
(`recorder.plot_lr(show_moms=True)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainrule.digits_figures import new_figure
from nn.lr_find import SKIP_END, SKIP_START, LRFinder
from nn.train import History

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["lr_figure", "lr_find_figure"]


def lr_find_figure(finder: LRFinder, *, title: str = "") -> Figure:
    """The smoothed loss against the learning rate (without the first 10 and last 5 points,
    as fastai plots it), the steepest descent and the minimum ÷ 10 marked."""
    figure = new_figure(7.0, 4.2)
    axes = figure.add_subplot()
    end = max(SKIP_START + 1, len(finder.lrs) - SKIP_END)
    lrs, losses = finder.lrs[SKIP_START:end], finder.smoothed[SKIP_START:end]
    if len(lrs) < 2:  # too short a run to skip anything: draw what there is
        lrs, losses = finder.lrs, finder.smoothed
    axes.plot(lrs, losses, color="black")
    for lr, name, color in (
        (finder.steepest, "steepest descent", "tab:red"),
        (finder.minimum_div_10, "minimum ÷ 10", "tab:blue"),
    ):
        if lr is not None:
            axes.axvline(lr, color=color, linestyle="--", label=f"{name}: {lr:.2g}")
    axes.set_xscale("log")
    axes.set_xlabel("learning rate (log scale)")
    axes.set_ylabel("loss (smoothed, β = 0.98)")
    axes.set_title(title or f"learning-rate finder: {len(finder.lrs)} steps")
    axes.grid(alpha=0.3)
    if finder.steepest is not None or finder.minimum_div_10 is not None:
        axes.legend()
    return figure


def lr_figure(history: History, *, show_moms: bool = False) -> Figure:
    """The learning rate at each step (and, with `show_moms`, the momentum: SGD's momentum
    or Adam's β1) of the first param group."""
    figure = new_figure(10.0 if show_moms else 5.5, 3.6)
    panels = figure.subplots(1, 2 if show_moms else 1, squeeze=False)[0]
    steps = range(len(history.learning_rates))
    panels[0].plot(steps, history.learning_rates)
    panels[0].set_xlabel("step")
    panels[0].set_ylabel("learning rate")
    if show_moms:
        moms = [m if m is not None else float("nan") for m in history.momentums]
        panels[1].plot(range(len(moms)), moms, color="tab:orange")
        panels[1].set_xlabel("step")
        panels[1].set_ylabel("momentum (Adam's β1)")
    for axes in panels:
        axes.grid(alpha=0.3)
    return figure
