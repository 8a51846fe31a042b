"""Checks of gradient code against central differences: the engine's (`gradcheck`, PyTorch's
signature) and anyone's hand-written backward (`check_vjp`, JAX's name).

Inputs may be floats, Values or numpy arrays of any shape, and a function may return a Value,
a list or an array of them: the whole Jacobian is checked, output by input element. numpy code
runs on Values through object arrays (`np.array(values, dtype=object)`: `np.tanh` calls
`Value.tanh`, `@` multiplies and adds Values), so the engine differentiates an unmodified numpy
forward. numpy is imported when a check runs, not with the engine.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd.engine import no_grad
from autograd.errors import NonFiniteError
from autograd.validation import check_flag, check_int, check_number

if TYPE_CHECKING:
    import numpy as np

    from autograd._gradcheck_args import Args
    from autograd.engine import Value

    Input = float | Value | np.ndarray[Any, Any]  # what gradcheck checks at

__all__ = [
    "GradcheckError",
    "Mismatch",
    "NotOnValuesError",
    "check_jvp",
    "check_vjp",
    "gradcheck",
    "numerical_gradient",
]

# the step must span this many float spacings of the input (of 1.0 below it): a smaller one
# makes the difference quotient mostly rounding
_MIN_SPACINGS = 16
_USE_CHECK_VJP = (
    "use the Value's own op there (np.tanh(z), z.tanh()), or check a derivative you write with "
    "check_vjp(forward, vjp, *inputs)"
)
_ROUNDING = "the difference quotient's rounding error at this scale exceeds the tolerance"


@dataclass(frozen=True)
class Mismatch:
    """One derivative that failed its check: d(output)/d(input element), the numbers compared
    and the verdict: "wrong", or "inconclusive" (`reason`: "rounding", or "kink" for a kink or
    a pole within eps, where the one-sided differences `left` and `right` disagree)."""

    output: str
    input: str
    index: int
    position: int  # the input element's place among all the input numbers, flat
    analytic: float
    engine: float | None
    numerical: float
    left: float
    right: float
    verdict: str
    reason: str = ""
    rounding: float = 0.0

    def __repr__(self) -> str:
        return (
            f"Mismatch(output={self.output!r}, input={self.input!r}, analytic={self.analytic!r}, "
            f"engine={self.engine!r}, numerical={self.numerical!r}, verdict={self.verdict!r})"
        )


class NotOnValuesError(TypeError):
    """The function cannot run on Values (it calls `math.tanh`, converts to float64), so the
    engine cannot differentiate it; the message says in one line which call refused them."""


class GradcheckError(RuntimeError):
    """A derivative disagrees with its reference, or (`inconclusive`) the check cannot tell
    at this point: rounding, or a kink or a pole within eps.

    The first failing derivative's numbers are attributes (`index`: its input, `element`:
    its name such as ``W[2, 1]``, `output`: the output's where there are several, `analytic`:
    what was checked, `engine`, `numerical`: the central difference); `mismatches` holds every
    failing one (`Mismatch`), `point` the inputs as text, `op` the op inside the graph whose
    derivative disagrees ("" if unknown), `cotangent` check_vjp's cotangent u (check_jvp's
    tangent v, flat; None for gradcheck). check_jvp's `index` and `element` are the output
    element's.
    """

    # defaults, for subclasses that set only the numbers they have (GradgradcheckError)
    inconclusive: bool = False
    element: str = ""
    output: str = ""
    engine: float | None = None
    mismatches: tuple[Mismatch, ...] = ()
    point: str = ""
    op: str = ""
    cotangent: Any = None

    def __init__(
        self,
        index: int,
        analytic: float,
        numerical: float,
        *,
        inconclusive: bool = False,
        hint: str = "",
        element: str = "",
        output: str = "",
        source: str = "backward()",
        engine: float | None = None,
        mismatches: Sequence[Mismatch] = (),
        point: str = "",
        op: str = "",
        cotangent: Any = None,
        subject: str = "",
        details: Sequence[str] = (),
    ) -> None:
        at = (f" at {element}" if element else "") + (f" for output {output}" if output else "")
        subject = subject or f"gradient of input {index}{at}"
        numbers = f"{source} gives {analytic!r}"
        if engine is not None and source != "backward()":
            numbers += f", the engine gives {engine!r}"
        numbers += f", central differences give {numerical!r}"
        if inconclusive:
            message = f"{subject} could not be checked: {numbers}, but {hint or _ROUNDING}"
        else:
            message = f"{subject} is wrong: {numbers}"
        super().__init__("\n".join([message, *details]))
        self.index = index
        self.element = element
        self.output = output
        self.analytic = analytic
        self.engine = engine
        self.numerical = numerical
        self.inconclusive = inconclusive
        self.mismatches = tuple(mismatches)
        self.point = point
        self.op = op
        self.cotangent = cotangent

    def __repr__(self) -> str:
        flag = ", inconclusive=True" if self.inconclusive else ""
        values = f"analytic={self.analytic!r}, numerical={self.numerical!r}"
        return f"GradcheckError(index={self.index}, {values}{flag})"


def numerical_gradient(
    f: Callable[..., Any], inputs: Sequence[Input], *, eps: float = 1e-6
) -> tuple[float, ...]:
    """Central differences (f(x + eps) - f(x - eps)) / 2eps for each input number, in float64
    (every element of an array input, in order), of a function returning one Value.

    The divisor is the step as floats represent it, (x + eps) - (x - eps). `eps` is absolute,
    as PyTorch's: it must span at least 16 float spacings of each input (of 1.0 for inputs
    below 1), else it is refused. A step that leaves the function's domain is an error that
    says so (the engine's own error is its cause).
    """
    from autograd import _gradcheck_args as A  # noqa: N812 - numpy loads with the check
    from autograd import _gradcheck_compare as C  # noqa: N812

    args = A.parse(f, inputs, "inputs")
    eps = _eps(eps, args)
    with no_grad():
        center = _first_run(f, args.build(args.flat, as_values=True), suggest=True)
    if center.shape is not None:
        raise TypeError(f"numerical_gradient needs a function returning one Value, got shape {center.shape}")
    diffs = C.differences(_on_values(f, args), args.flat, center.floats(), eps, args.where)
    central = diffs.estimates(_np().eye(1))[0]
    return tuple(float(g) for g in central[0])


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Input],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check `backward()` on `f` at `inputs` against central differences, the whole Jacobian.

    `inputs` are floats, Values or numpy arrays (any shape); `f` takes one argument per input
    (Values, or object arrays of Values where an input is an array) and returns a Value, or a
    list or array of them. Each derivative d(output)/d(input element) passes when
    |analytic - numerical| <= atol + rtol * |numerical|. Returns True, or raises
    `GradcheckError` naming the first failing input and element (``W[2, 1]``), with a table of
    every failing one, the point, and the op inside the graph whose derivative disagrees
    (returns False instead when `raise_exception=False`).

    Like PyTorch's, `eps` is an absolute step (see `numerical_gradient`). The check is
    inconclusive rather than a verdict on backward() where the estimate cannot tell: where the
    difference would pass once its rounding error (large when |f| is large next to the step:
    x² at 1e10) is allowed for (an eps scaled to the input is suggested), and where the step
    straddles a kink or a pole (`abs` at 1e-7, `relu` at 0), which the one-sided differences
    show. A function that cannot run on Values (it calls `math.tanh`, converts to float64) is
    a TypeError naming the call; check its derivative with `check_vjp`.
    """
    from autograd import _gradcheck_args as A  # noqa: N812
    from autograd import _gradcheck_compare as C  # noqa: N812

    np = _np()
    args = A.parse(f, inputs, "inputs")
    eps = _eps(eps, args)
    atol = check_number(atol, "atol", min_value=0.0)
    rtol = check_number(rtol, "rtol", min_value=0.0)
    check_flag(raise_exception, "raise_exception")
    values = args.build(args.flat, as_values=True)
    outputs = _first_run(f, values, suggest=True)
    analytic = A.jacobian(outputs, A.leaves_of(values))
    diffs = C.differences(_on_values(f, args), args.flat, outputs.floats(), eps, args.where)
    name = A.output_name(f)
    mismatches = C.compare(
        analytic,
        None,
        diffs.estimates(np.eye(len(outputs.items))),
        exact_reference=False,
        atol=atol,
        rtol=rtol,
        label=lambda k, j: (outputs.label(name, k), *args.entry(j)),
    )
    if not mismatches:
        return True
    if not raise_exception:
        return False
    first = mismatches[0]
    k = next(k for k in range(len(outputs.items)) if outputs.label(name, k) == first.output)
    j = first.position

    def graph_of_output(flat: list[float]) -> Any:
        return A.run_on_values(f, args, flat, grad=True).items[k]

    op = ""
    if first.verdict == "wrong":
        op = C.culprit(graph_of_output, args.flat, j, first.input, eps, (atol, rtol))
    output = first.output if outputs.shape is not None else ""
    raise _error(args, first, mismatches, "backward()", eps, op=op, output=output)


def check_vjp(
    forward: Callable[..., Any],
    vjp: Callable[..., Any],
    *args: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    cotangents: int = 3,
    seed: int = 0,
) -> bool:
    """Check a hand-written backward: `vjp(u, *args)` must give uᵀJ, one gradient per input.

    `forward(*args)` takes floats and float64 arrays (any shape) and returns a number, or a list
    or array of them; `vjp(cotangent, *args)` returns one gradient per input, each of its
    input's shape (for one input, the gradient alone). For `cotangents` random cotangents u
    (drawn from ``random.Random(seed)``), ⟨vjp(u), v⟩ = ⟨u, J v⟩ is checked for every basis
    direction v, so a disagreement names its element (``W[2, 1]``). J is the engine's, exact,
    where `forward` runs on Values (object arrays: unmodified numpy code usually does), else
    central differences'; the report shows your numbers, the engine's and the central
    differences side by side, and the check is inconclusive, never "wrong", at a kink or a
    pole within eps. Returns True or raises `GradcheckError`.
    """
    from autograd import _gradcheck_args as A  # noqa: N812
    from autograd import _gradcheck_compare as C  # noqa: N812

    np = _np()
    if not callable(forward) or not callable(vjp):
        raise TypeError(f"forward and vjp must be callable, got {forward!r} and {vjp!r}")
    parsed = A.parse(forward, args, "args")
    eps = _eps(eps, parsed)
    atol = check_number(atol, "atol", min_value=0.0)
    rtol = check_number(rtol, "rtol", min_value=0.0)
    count = check_int(cotangents, "cotangents", min_value=1)
    rng = random.Random(check_int(seed, "seed"))

    result, engine, diffs, notes = _forward_reference(forward, parsed, eps)
    for draw in range(count):
        u = np.array([rng.gauss(0.0, 1.0) for _ in range(result.size)]).reshape(result.shape)
        given = _vjp_gradients(vjp, u, parsed)
        weights = u.reshape(1, -1)
        mismatches = C.compare(
            given.reshape(1, -1),
            None if engine is None else weights @ engine,
            diffs.estimates(weights),
            exact_reference=engine is not None,
            atol=atol,
            rtol=rtol,
            label=lambda k, j: ("u·f", *parsed.entry(j)),
        )
        if mismatches:
            shown = " ".join(np.array2string(u, precision=4, separator=", ").split())
            notes.insert(0, f"  with the cotangent u = {shown} (draw {draw + 1} of {count}, seed={seed})")
            raise _error(parsed, mismatches[0], mismatches, "your vjp", eps, notes=notes, cotangent=u)
    return True


def check_jvp(
    forward: Callable[..., Any],
    jvp: Callable[..., Any],
    *args: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    tangents: int = 3,
    seed: int = 0,
) -> bool:
    """Check a hand-written forward-mode derivative: `jvp(v, *args)` must give J·v.

    `forward` and `args` are as `check_vjp`'s; `v` is a tuple of one tangent per input, each of
    its input's shape, and `jvp` returns the output's tangent, of the output's shape. For
    `tangents` random directions (from ``random.Random(seed)``) every element of J·v is
    compared with the engine's (where `forward` runs on Values) else with central differences
    along the direction; a disagreement names the output element (``y[1]``). Returns True or
    raises `GradcheckError` (its `index` and `element` are the output element's).
    """
    from autograd import _gradcheck_args as A  # noqa: N812
    from autograd import _gradcheck_compare as C  # noqa: N812

    np = _np()
    if not callable(forward) or not callable(jvp):
        raise TypeError(f"forward and jvp must be callable, got {forward!r} and {jvp!r}")
    parsed = _parse(forward, args)
    eps = _eps(eps, parsed)
    atol = check_number(atol, "atol", min_value=0.0)
    rtol = check_number(rtol, "rtol", min_value=0.0)
    count = check_int(tangents, "tangents", min_value=1)
    rng = random.Random(check_int(seed, "seed"))
    result, engine, diffs, notes = _forward_reference(forward, parsed, eps)
    name = A.output_name(forward)
    outputs = A.Outputs((), None if result.ndim == 0 else tuple(result.shape))  # for its labels
    for draw in range(count):
        v = np.array([rng.gauss(0.0, 1.0) for _ in range(len(parsed.flat))])
        v_args = parsed.build(v.tolist(), as_values=False)  # one tangent per input, of its shape
        given = np.asarray(jvp(tuple(v_args), *parsed.build(parsed.flat, as_values=False)), dtype=np.float64)
        if given.shape != result.shape:
            raise ValueError(
                f"jvp returned a tangent of shape {given.shape}, the output of forward has shape "
                f"{result.shape}: a tangent has its output's shape"
            )
        direction = v.reshape(1, -1)
        mismatches = C.compare(
            given.reshape(1, -1),
            None if engine is None else direction @ engine.T,
            diffs.along(direction),
            exact_reference=engine is not None,
            atol=atol,
            rtol=rtol,
            label=lambda k, j: (outputs.label(name, j), "v", j, -1),
        )
        if mismatches:
            first = mismatches[0]
            shown = "; ".join(
                f"{arg_name}: {' '.join(np.array2string(np.asarray(t), precision=4, separator=', ').split())}"
                for arg_name, t in zip(parsed.names, v_args)
            )
            details = [
                *C.table(mismatches, "your jvp", outputs=True, inputs=False),
                f"  at {parsed.point()}",
                f"  with the tangents v = {shown} (draw {draw + 1} of {count}, seed={seed})",
                *notes,
            ]
            raise GradcheckError(
                first.index,
                first.analytic,
                first.numerical,
                inconclusive=first.verdict == "inconclusive",
                element=first.output,
                source="your jvp",
                engine=first.engine,
                mismatches=mismatches,
                point=parsed.point(),
                hint=_reason(first, eps, "along the tangent v") if first.verdict == "inconclusive" else "",
                cotangent=v,
                subject=f"the jvp at {first.output}",
                details=details,
            )
    return True


def _forward_reference(
    forward: Callable[..., Any], parsed: Args, eps: float
) -> tuple[Any, Any, Any, list[str]]:
    """What a hand-written derivative is checked against: forward's result on floats, the
    engine's Jacobian where forward runs on Values (else None, and a note saying why), and the
    central differences; shared by check_vjp and check_jvp."""
    from autograd import _gradcheck_args as A  # noqa: N812
    from autograd import _gradcheck_compare as C  # noqa: N812

    np = _np()

    def on_floats(flat: Sequence[float]) -> Any:
        out = np.asarray(forward(*parsed.build(flat, as_values=False)), dtype=np.float64)
        if not np.all(np.isfinite(out)):
            raise NonFiniteError(f"forward returned a non-finite result at {list(flat)!r}: {out!r}")
        return out

    result = on_floats(parsed.flat)
    notes: list[str] = []
    engine: Any = None
    try:
        values = parsed.build(parsed.flat, as_values=True)
        engine = A.jacobian(_first_run(forward, values, suggest=False), A.leaves_of(values))
    except NotOnValuesError as refused:
        notes.append(f"  no engine column: {refused}")
    diffs = C.differences(
        lambda flat: on_floats(flat).reshape(-1).tolist(),
        parsed.flat,
        result.reshape(-1).tolist(),
        eps,
        parsed.where,
    )
    return result, engine, diffs, notes


def _reason(first: Mismatch, eps: float, at: str) -> str:
    """Why a failing check is inconclusive, and what to do: rounding, or a kink or a pole."""
    if first.reason == "rounding":
        return f"{_ROUNDING} (about {first.rounding:.3g}): pass a larger eps, or rescale the input"
    return (
        f"the function has a kink or a pole within eps={eps!r} {at} (or eps is too coarse for its "
        f"curvature): one-sided differences give {first.left!r} on the left and {first.right!r} on "
        "the right; check at a point farther than eps from it"
    )


def _error(
    args: Args,
    first: Mismatch,
    mismatches: Sequence[Mismatch],
    source: str,
    eps: float,
    *,
    op: str = "",
    output: str = "",
    notes: Sequence[str] = (),
    cotangent: Any = None,
) -> GradcheckError:
    """The report: the first failing derivative in a line, the table, the point, the op."""
    from autograd import _gradcheck_compare as C  # noqa: N812

    j = first.position
    element = first.input if args.shapes[first.index] is not None else ""
    hint = ""
    if first.reason == "rounding":
        hint = (
            f"{_ROUNDING} (about {first.rounding:.3g}): pass a larger eps, "
            f"about {_scaled_step(args.flat[j]):.3g}, or rescale the input"
        )
    elif first.reason == "kink":
        hint = _reason(first, eps, f"of {first.input} = {args.flat[j]!r}")
    details = [*C.table(mismatches, source, outputs=bool(output)), f"  at {args.point()}", *notes]
    if op:
        details.append(f"  {op}")
    return GradcheckError(
        first.index,
        first.analytic,
        first.numerical,
        inconclusive=first.verdict == "inconclusive",
        hint=hint,
        element=element,
        output=output,
        source=source,
        engine=first.engine,
        mismatches=mismatches,
        point=args.point(),
        op=op,
        cotangent=cotangent,
        details=details,
    )


def _parse(fn: Callable[..., Any], args: Sequence[Any]) -> Args:
    from autograd import _gradcheck_args as A  # noqa: N812

    return A.parse(fn, args, "args")


def _vjp_gradients(vjp: Callable[..., Any], u: Any, args: Args) -> Any:
    """What `vjp(u, *args)` returns, checked to be one gradient per input, each of its shape,
    and flattened in the inputs' order."""
    np = _np()
    cotangent = float(u) if u.ndim == 0 else u.copy()
    got = vjp(cotangent, *args.build(args.flat, as_values=False))
    n = len(args.shapes)
    grads = [got] if n == 1 and not (isinstance(got, (list, tuple)) and len(got) == 1) else got
    if not isinstance(grads, (list, tuple)) or len(grads) != n:
        raise TypeError(
            f"vjp must return one gradient per input ({n}: {', '.join(args.names)}), "
            f"got {type(got).__name__}: {got!r}"
        )
    flat: list[float] = []
    for name, shape, g in zip(args.names, args.shapes, grads):
        array = np.asarray(g, dtype=np.float64)
        want = () if shape is None else shape
        if array.shape != want:
            raise ValueError(
                f"vjp's gradient for {name} has shape {array.shape}, {name} has shape {want}: "
                f"a gradient has its input's shape"
            )
        flat.extend(array.reshape(-1).tolist())
    return np.asarray(flat)


def _first_run(f: Callable[..., Any], values: list[Any], *, suggest: bool) -> Any:
    """`f(*values)` flattened; a refusal of Values, explained, says what to do about it when
    `suggest` (check_vjp's own report has no use for that)."""
    from autograd import _gradcheck_args as A  # noqa: N812

    try:
        return A.call_on_values(f, values)
    except NotOnValuesError as refused:
        if not suggest:
            raise
        raise NotOnValuesError(f"{refused}; {_USE_CHECK_VJP}") from refused.__cause__


def _on_values(f: Callable[..., Any], args: Args) -> Callable[[list[float]], list[float]]:
    from autograd import _gradcheck_args as A  # noqa: N812

    return lambda flat: A.run_on_values(f, args, flat, grad=False).floats()


def _eps(eps: object, args: Args) -> float:
    step = check_number(eps, "eps", min_value=0.0, exclude_min=True)
    for j, x in enumerate(args.flat):
        smallest = _MIN_SPACINGS * math.ulp(max(1.0, abs(x)))
        if step < smallest:
            raise ValueError(
                f"eps={step!r} is too small for {args.where(j)} = {x!r}: the step must span at least "
                f"{_MIN_SPACINGS} float spacings there ({smallest:.3g}), else rounding is all it "
                f"measures; pass an eps scaled to the input, about {_scaled_step(x):.3g}"
            )
    return step


def _scaled_step(x: float) -> float:
    """The scale of the best central-difference step at x: ε^(1/3)·max(1, |x|)."""
    return math.pow(sys.float_info.epsilon, 1 / 3) * max(1.0, abs(x))


def _np() -> Any:
    import numpy

    return numpy
