"""Learning-rate schedules that set an optimizer's hyperparameters at every step.

`OneCycle` is the one-cycle policy of fastai's `fit_one_cycle` (Leslie Smith's, as in lesson 5):
over the first `pct_start` of the steps the learning rate rises from ``max_lr / div_factor``
to `max_lr` while the momentum (SGD's `momentum`, Adam's β1) falls from ``moms[0]`` to
``moms[1]``; over the rest the learning rate anneals to ``max_lr / (div_factor ·
final_div_factor)`` and the momentum climbs back. Each phase follows half a cosine:

    annealing_cos(start, end, pct) = end + (start − end) · (1 + cos(π · pct)) / 2

Step ``i`` (counting from 0) of the first phase, of ``a1 = int(total_steps · pct_start)``
steps, is at ``pct = i / a1``; step ``a1 + j`` of the second, of ``total_steps − a1``, at
``pct = j / (total_steps − a1)``, as fastai v1 counts them.

Each param group has its own peak: by default the learning rate the group had when the
schedule was made (so discriminative rates, one group per layer group, keep their ratios),
or one number for every group, or a list of one per group (PyTorch's `OneCycleLR`).
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping, Sequence
from typing import Any, Protocol

from autograd.validation import check_int, check_number, finite_floats

__all__ = ["OneCycle", "annealing_cos"]


class _HasParamGroups(Protocol):
    @property
    def param_groups(self) -> Sequence[MutableMapping[str, Any]]: ...


def annealing_cos(start: float, end: float, pct: float) -> float:
    """From `start` at ``pct = 0`` to `end` at ``pct = 1`` along half a cosine."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1.0)


class OneCycle:
    """The one-cycle policy for `total_steps` optimizer steps (see the module docstring).

    Call `apply(step)` before the optimizer's `step()`: it writes the step's learning rate
    into each parameter group's ``lr`` (on the group's own cycle, peaking at its entry of
    `max_lrs`) and its momentum into ``momentum`` (SGD, RMSprop) or the first of ``betas``
    (Adam, AdamW). `max_lr`: None (each group's current lr is its peak), a number (the peak
    of every group) or a list of one per group.
    """

    def __init__(
        self,
        optimizer: _HasParamGroups,
        max_lr: float | Sequence[float] | None,
        total_steps: int,
        *,
        pct_start: float = 0.3,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        moms: tuple[float, float] = (0.95, 0.85),
    ) -> None:
        if not hasattr(optimizer, "param_groups"):
            raise TypeError(f"optimizer must have param_groups (an nn.optim optimizer), got {optimizer!r}")
        self.optimizer = optimizer
        self.max_lrs = _peaks(max_lr, [group["lr"] for group in optimizer.param_groups])
        self.total_steps = check_int(total_steps, "total_steps", min_value=1)
        self.pct_start = check_number(pct_start, "pct_start", min_value=0.0, max_value=1.0, exclude_max=True)
        self.div_factor = check_number(div_factor, "div_factor", min_value=0.0, exclude_min=True)
        self.final_div_factor = check_number(
            final_div_factor, "final_div_factor", min_value=0.0, exclude_min=True
        )
        self.moms = finite_floats(moms, 2, "moms")
        for m in self.moms:
            check_number(m, "each of moms", min_value=0.0, max_value=1.0, exclude_max=True)
        self.warmup_steps = int(self.total_steps * self.pct_start)

    @property
    def max_lr(self) -> float:
        """The first group's peak learning rate (every group's: `max_lrs`)."""
        return self.max_lrs[0]

    def lr(self, step: int, group: int = 0) -> float:
        """The learning rate of param group `group` at `step` (0 … total_steps − 1)."""
        peak = self.max_lrs[check_int(group, "group", min_value=0, max_value=len(self.max_lrs) - 1)]
        start = peak / self.div_factor
        end = start / self.final_div_factor
        phase, pct = self._phase(step)
        return annealing_cos(start, peak, pct) if phase == 0 else annealing_cos(peak, end, pct)

    def momentum(self, step: int) -> float:
        """The momentum (β1 for Adam) at `step`."""
        high, low = self.moms
        phase, pct = self._phase(step)
        return annealing_cos(high, low, pct) if phase == 0 else annealing_cos(low, high, pct)

    def apply(self, step: int) -> None:
        """Set the optimizer's learning rate and momentum for `step`."""
        momentum = self.momentum(step)
        groups = self.optimizer.param_groups
        if len(groups) != len(self.max_lrs):
            raise ValueError(
                f"OneCycle was made for {len(self.max_lrs)} param groups; the optimizer has {len(groups)} now"
            )
        for i, group in enumerate(groups):
            group["lr"] = self.lr(step, i)
            if "betas" in group:
                group["betas"] = (momentum, group["betas"][1])
            elif "momentum" in group:
                group["momentum"] = momentum

    def _phase(self, step: int) -> tuple[int, float]:
        step = check_int(step, "step", min_value=0, max_value=self.total_steps - 1)
        if step < self.warmup_steps:
            return 0, step / self.warmup_steps
        return 1, (step - self.warmup_steps) / (self.total_steps - self.warmup_steps)

    def __repr__(self) -> str:
        return (
            f"OneCycle(max_lr={_shown(self.max_lrs)}, total_steps={self.total_steps!r}, "
            f"pct_start={self.pct_start!r}, div_factor={self.div_factor!r}, "
            f"final_div_factor={self.final_div_factor!r}, moms={self.moms!r})"
        )


def _peaks(max_lr: object, current: list[Any]) -> tuple[float, ...]:
    """Each group's peak learning rate, checked > 0."""
    if max_lr is None:
        values: list[object] = list(current)
        where = "param_groups[{}]['lr'] (max_lr=None: each group's own lr is its peak)"
    elif isinstance(max_lr, (list, tuple)):
        if len(max_lr) != len(current):
            raise ValueError(
                f"max_lr lists {len(max_lr)} rates, the optimizer has {len(current)} param groups"
            )
        values, where = list(max_lr), "max_lr[{}]"
    else:
        values, where = [max_lr] * len(current), "max_lr"
    return tuple(
        check_number(x, where.format(i), min_value=0.0, exclude_min=True) for i, x in enumerate(values)
    )


def _shown(peaks: tuple[float, ...]) -> str:
    return repr(peaks[0]) if len(set(peaks)) == 1 else repr(list(peaks))
