"""The second back end: the tape as one straight-line Python function, run per example.

Each step becomes a line with the engine's own formula on plain floats (`v12 = v3 * v7`), and
backward the chain rule unrolled in reverse order (`g3 = v7 * g12`), so results match the
engine's bit for bit where the formulas are the same. No graph is built, which makes it about
10× the dynamic engine on one example; it is the back end for tapes numpy cannot run
(`scalar_op`s, which are Python functions).

Float errors: Python raises for division by zero, `math.log` of a value <= 0 and an
overflowing `math.exp`/`math.pow`; a silent inf or nan (an overflowing `*`) is caught by one
check of every value, derivative and gradient at the end. Either way the caller hands the
example to the engine (see `_checks`) to raise the engine's own error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd.engine import _pow_derivative
from autograd.tape._program import Program, Step, steps

_INFINITE_DERIVATIVES = frozenset({"/", "**", "sqrt", "log", "log1p", "scalar"})
_LINE_TERMS = 64  # terms per line of the final check (a long + chain overflows the compiler)


class PythonReplay:
    """A program compiled to Python: `run(params, floats, indices, seed, grads)` per example."""

    def __init__(self, program: Program) -> None:
        self.program = program
        source, namespace = _generate(program)
        self.source = source
        code = compile(source, f"<tape of {len(program.ops)} ops>", "exec")
        exec(code, namespace)
        self.run: Callable[
            [Sequence[float], Sequence[float], Sequence[int], float | None, list[float]], float
        ]
        self.run = namespace["replay"]

    def __repr__(self) -> str:
        return f"PythonReplay({len(self.program.ops)} ops, {self.source.count(chr(10))} lines)"


def _generate(program: Program) -> tuple[str, dict[str, Any]]:
    p, first_constant = len(program.params), program.first_constant
    namespace: dict[str, Any] = {
        "_exp": math.exp,
        "_log": math.log,
        "_pow": math.pow,
        "_tanh": math.tanh,
        "_sin": math.sin,
        "_cos": math.cos,
    }
    namespace.update(_sqrt=math.sqrt, _log1p=math.log1p, _inf=math.inf, _pow_derivative=_pow_derivative)

    def name(slot: int) -> str:
        if program.is_constant(slot):
            return f"({program.constants[slot - first_constant]!r})"
        return f"v{slot}"

    all_steps = steps(program)
    lines = ["def replay(P, X, I, S, G):"]
    if p:
        lines.append(f"    {', '.join(f'v{k}' for k in range(p))}, = P")
    if program.n_float:
        lines.append(f"    {', '.join(f'v{p + k}' for k in range(program.n_float))}, = X")
    checked: list[str] = []
    locals_: dict[tuple[int, int], str] = {}  # (slot, operand position) -> its derivative's expression
    for step in all_steps:
        out, args = f"v{step.out}", [name(a) for a in step.args]
        forward, derivatives = _step_code(step, out, args, program, namespace)
        for line in forward:
            lines.append(f"    {line}")
        for j, expr in derivatives.items():  # (not checked: a derivative may be infinite)
            if expr.isidentifier() or _is_literal(expr):
                locals_[(step.out, j)] = expr
            else:
                lines.append(f"    l{step.out}_{j} = {expr}")
                locals_[(step.out, j)] = f"l{step.out}_{j}"
        checked.append(out)
    lines.append(f"    _z = 0.0 * v{program.root}")
    lines += _check_lines(checked)
    lines.append("    if _z != 0.0:")
    lines.append("        raise ArithmeticError('forward')")
    lines.append("    if S is None:")
    lines.append(f"        return v{program.root}")
    lines.append(f"    g{program.root} = S")
    has_grad = {program.root}
    grads: list[str] = []
    for step in reversed(all_steps):
        if step.out not in has_grad or step.code == "detach":
            continue
        g = f"g{step.out}"
        # an infinite derivative passes nothing when no gradient arrives (as on the engine)
        careful = step.code in _INFINITE_DERIVATIVES
        if careful:
            for j, a in enumerate(step.args):
                if a >= p and program.needs_grad(a) and a not in has_grad and (step.out, j) in locals_:
                    lines.append(f"    g{a} = 0.0")
                    has_grad.add(a)
                    grads.append(f"g{a}")
        indent = "        " if careful else "    "
        edge_lines: list[str] = []
        for j, a in enumerate(step.args):
            if not program.needs_grad(a) or (step.out, j) not in locals_:
                continue
            local = locals_[(step.out, j)]
            term = g if local == "1.0" else f"-{g}" if local == "-1.0" else f"{local} * {g}"
            guard = f"if I[{step.index}] == {j}: " if step.code == "select" else ""
            if a < p:
                edge_lines.append(f"{indent}{guard}G[{a}] += {term}")
            elif a in has_grad:
                edge_lines.append(f"{indent}{guard}g{a} += {term}")
            else:
                if guard:
                    edge_lines.append(f"{indent}g{a} = 0.0")
                    edge_lines.append(f"{indent}{guard}g{a} += {term}")
                else:
                    edge_lines.append(f"{indent}g{a} = {term}")
                has_grad.add(a)
                grads.append(f"g{a}")
        if careful and edge_lines:
            lines.append(f"    if {g} != 0.0:")
        lines += edge_lines
    lines.append("    _z = 0.0")
    lines += _check_lines(grads)
    lines.append("    if _z != 0.0:")
    lines.append("        raise ArithmeticError('backward')")
    lines.append(f"    return v{program.root}")
    return "\n".join(lines) + "\n", namespace


def _check_lines(names: list[str]) -> list[str]:
    """`_z` stays 0.0 while every name holds a finite float (x - x is nan for inf and nan)."""
    return [
        "    _z += " + " + ".join(f"({n} - {n})" for n in names[i : i + _LINE_TERMS])
        for i in range(0, len(names), _LINE_TERMS)
    ]


def _is_literal(expr: str) -> bool:
    try:
        float(expr)
    except ValueError:
        return False
    return True


def _step_code(
    step: Step, out: str, x: list[str], program: Program, namespace: dict[str, Any]
) -> tuple[list[str], dict[int, str]]:
    """The lines computing a step, and the expression of each operand's local derivative."""
    code = step.code
    const = [program.is_constant(a) for a in step.args]
    d: dict[int, str] = {}
    if code in ("+", "sum"):
        return [f"{out} = {' + '.join(x)}"], {j: "1.0" for j in range(len(x)) if not const[j]}
    if code == "-":
        return [f"{out} = {x[0]} - {x[1]}"], {j: v for j, v in ((0, "1.0"), (1, "-1.0")) if not const[j]}
    if code == "*":
        return [f"{out} = {x[0]} * {x[1]}"], {j: x[1 - j] for j in range(2) if not const[j]}
    if code == "/":
        if not const[0]:
            d[0] = f"1.0 / {x[1]}"
        if not const[1]:
            d[1] = f"-{out} / {x[1]}"
        return [f"{out} = {x[0]} / {x[1]}"], d
    if code == "**":
        if not const[0]:
            d[0] = f"_pow_derivative({x[0]}, {x[1]})"
        if not const[1]:  # a Value exponent needs a base > 0: math.log says so
            d[1] = f"{out} * _log({x[0]})"
        return [f"{out} = _pow({x[0]}, {x[1]})"], d
    if code == "pow0":
        return [f"{out} = 1.0"], {}
    if code == "exp":
        return [f"{out} = _exp({x[0]})"], {0: out}
    if code == "log":
        return [f"{out} = _log({x[0]})"], {0: f"1.0 / {x[0]}"}
    if code == "tanh":
        e = f"e{step.out}"
        return [f"{e} = _exp(-2.0 * abs({x[0]}))", f"{out} = _tanh({x[0]})"], {
            0: f"4.0 * {e} / ((1.0 + {e}) * (1.0 + {e}))"
        }
    if code == "sigmoid":
        e = f"e{step.out}"
        return [
            f"{e} = _exp(-abs({x[0]}))",
            f"{out} = 1.0 / (1.0 + {e}) if {x[0]} >= 0.0 else {e} / (1.0 + {e})",
        ], {0: f"{e} / ((1.0 + {e}) * (1.0 + {e}))"}
    if code == "relu":
        return [f"{out} = {x[0]} if {x[0]} > 0.0 else 0.0"], {0: f"1.0 if {x[0]} > 0.0 else 0.0"}
    if code == "neg":
        return [f"{out} = -{x[0]}"], {0: "-1.0"}
    if code == "abs":
        return [f"{out} = abs({x[0]})"], {0: f"1.0 if {x[0]} > 0.0 else -1.0 if {x[0]} < 0.0 else 0.0"}
    if code == "sqrt":
        return [f"{out} = _sqrt({x[0]})"], {0: f"0.5 / {out} if {out} > 0.0 else _inf"}
    if code == "log1p":
        return [f"{out} = _log1p({x[0]})"], {0: f"1.0 / (1.0 + {x[0]})"}
    if code == "softplus":
        e = f"e{step.out}"
        return [
            f"{e} = _exp(-abs({x[0]}))",
            f"{out} = ({x[0]} if {x[0]} > 0.0 else 0.0) + _log1p({e})",
        ], {0: f"1.0 / (1.0 + {e}) if {x[0]} >= 0.0 else {e} / (1.0 + {e})"}
    if code == "maximum":
        a, b = x
        share = f"(1.0 if {a} > {b} else 0.0 if {a} < {b} else 0.5)"
        if not const[0]:
            d[0] = share
        if not const[1]:
            d[1] = f"(1.0 - {share})"
        return [f"{out} = {a} if {a} >= {b} else {b}"], d
    if code == "sin":  # (this back end goes; until then it copies the table's formulas)
        return [f"{out} = _sin({x[0]})"], {0: f"_cos({x[0]})"}
    if code == "cos":
        return [f"{out} = _cos({x[0]})"], {0: f"-_sin({x[0]})"}
    if code == "id":
        return [f"{out} = {x[0]}"], {0: "1.0"}
    if code == "detach":
        return [f"{out} = {x[0]}"], {}
    if code == "select":
        return [f"{out} = ({', '.join(x)},)[I[{step.index}]]"], {
            j: "1.0" for j in range(len(x)) if not const[j]
        }
    if code == "scalar":
        fn = program.functions[step.function]
        k = step.function
        namespace[f"_f{k}"] = fn.f
        for j, derivative in enumerate(fn.derivatives):
            namespace[f"_d{k}_{j}"] = derivative
        call = ", ".join(x)
        values = [j for j in range(len(x)) if not const[j]]
        # the derivatives belong to the arguments in order; constants among them have none
        return [f"{out} = float(_f{k}({call}))"], {j: f"float(_d{k}_{j}({call}))" for j in values}
    raise NotImplementedError(f"the Python back end has no code for the op {code!r}")
