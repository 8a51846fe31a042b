"""The compiled tape stepped through the Values, as with `nn.optim`: `tape.backward` adds the
gradient to each parameter's `.grad`, then SGD is a Python loop over the Values. The gap to
`bench.engines.tape` (parameters in an array) is that per-parameter loop."""

from collections.abc import Sequence

from bench.engines.tape import Digits, Moons


def moons(weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]) -> Moons:
    return Moons(weights, points, labels, arrays=False)


def digits(weights: Sequence[float]) -> Digits:
    return Digits(weights, arrays=False)
