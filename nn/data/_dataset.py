"""`Dataset`: images as rows of pixels in [0, 1], their labels, and the shape to draw them in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """`n` images, each a row of `images` (n × height·width float64 pixels in [0, 1], 0 the
    background), and their classes in `labels` (n int64s, 0 … 9 for digits)."""

    images: NDArray[np.float64]
    labels: NDArray[np.int64]
    image_shape: tuple[int, int]
    name: str = ""

    def __post_init__(self) -> None:
        images, labels = self.images, self.labels
        if images.ndim != 2 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(
                f"{self.name or 'dataset'}: need images of shape (n, pixels) and n labels, got "
                f"images {images.shape} and labels {labels.shape}"
            )
        height, width = self.image_shape
        if images.shape[1] != height * width:
            raise ValueError(
                f"{self.name or 'dataset'}: {images.shape[1]} pixels per image do not make "
                f"{height}×{width} images"
            )

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def classes(self) -> int:
        """The number of classes: one more than the largest label."""
        return int(self.labels.max()) + 1 if len(self) else 0

    def subset(self, indices: NDArray[np.intp] | list[int], name: str | None = None) -> Dataset:
        """The images at `indices`, in that order."""
        index = np.asarray(indices, dtype=np.intp)
        return Dataset(
            self.images[index], self.labels[index], self.image_shape, self.name if name is None else name
        )

    def __repr__(self) -> str:
        height, width = self.image_shape
        name = f"{self.name!r}, " if self.name else ""
        return f"Dataset({name}{len(self)} images of {height}×{width}, {self.classes} classes)"
