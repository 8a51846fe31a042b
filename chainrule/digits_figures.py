"""Pictures of training on digits, on matplotlib's Agg canvas (no window, no global state).

`loss_figure` (batch losses of several runs side by side), `weights_figure` (logistic
regression's ten weight vectors as images), `confusion_figure`, `mistakes_figure` (the most
confidently wrong images with their labels). matplotlib is imported when a figure is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from nn.data import Dataset
from nn.module import MLP
from nn.train import History

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["confusion_figure", "loss_figure", "mistakes_figure", "new_figure", "weights_figure"]


def new_figure(width: float, height: float) -> Figure:
    """A figure on its own Agg canvas (no pyplot, no window, no global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def loss_figure(histories: Mapping[str, History], *, smooth: int = 10) -> Figure:
    """Each run's batch loss against its step (a running mean over `smooth` steps), side by
    side on one log-scaled axis, with its validation loss after each epoch as dots."""
    figure = new_figure(8.0, 4.5)
    axes = figure.add_subplot()
    for name, history in histories.items():
        losses = np.asarray(history.batch_losses)
        window = max(1, min(smooth, len(losses)))
        running = np.convolve(losses, np.ones(window) / window, mode="valid")
        (line,) = axes.plot(np.arange(window, len(losses) + 1), running, label=name)
        steps_per_epoch = len(losses) // max(1, len(history.epochs))
        valid = [
            (e.epoch * steps_per_epoch, e.valid_loss) for e in history.epochs if e.valid_loss is not None
        ]
        if valid:
            axes.plot(*zip(*valid), "o", color=line.get_color())
    axes.set_yscale("log")
    axes.set_xlabel("step (minibatch)")
    axes.set_ylabel(f"cross-entropy (batch loss, mean of {smooth}; dots: validation)")
    axes.grid(alpha=0.3)
    axes.legend()
    return figure


def weights_figure(model: MLP, image_shape: tuple[int, int]) -> Figure:
    """The weights of each output neuron of a one-layer model, drawn as an image: red pixels
    push towards that digit, blue ones away."""
    (layer,) = model.layers
    figure = new_figure(10.0, 2.4)
    grid = figure.subplots(1, len(layer.neurons))
    for digit, (axes, neuron) in enumerate(zip(grid, layer.neurons)):
        weights = np.array([w.data for w in neuron.w]).reshape(image_shape)
        limit = float(np.abs(weights).max()) or 1.0
        axes.imshow(weights, cmap="seismic", vmin=-limit, vmax=limit)
        axes.set_title(str(digit))
        axes.axis("off")
    return figure


def confusion_figure(matrix: NDArray[np.int64]) -> Figure:
    """The confusion matrix, counts written in each cell (rows: the true digit)."""
    figure = new_figure(5.5, 5.0)
    axes = figure.add_subplot()
    axes.imshow(matrix, cmap="Blues")
    classes = len(matrix)
    for true in range(classes):
        for guess in range(classes):
            count = int(matrix[true, guess])
            if count:
                dark = count > matrix.max() / 2
                axes.text(
                    guess, true, str(count), ha="center", va="center", color="white" if dark else "black"
                )
    axes.set_xticks(range(classes))
    axes.set_yticks(range(classes))
    axes.set_xlabel("predicted")
    axes.set_ylabel("true digit")
    axes.set_title(f"accuracy {np.trace(matrix) / matrix.sum():.2%} on {matrix.sum()} images")
    return figure


def mistakes_figure(
    data: Dataset, indices: NDArray[np.intp], predicted: NDArray[np.int64], sureness: NDArray[np.float64]
) -> Figure:
    """The images at `indices`, each titled with its label, the prediction and its probability."""
    count = max(1, len(indices))
    figure = new_figure(1.6 * count, 2.2)
    grid = np.atleast_1d(figure.subplots(1, count))
    for axes, index in zip(grid, indices):
        axes.imshow(data.images[index].reshape(data.image_shape), cmap="gray_r")
        axes.set_title(
            f"true {data.labels[index]}\nsaid {predicted[index]} ({sureness[index]:.0%})", fontsize=9
        )
    for axes in grid:
        axes.axis("off")
    return figure
