"""TEMPORARY stand-in for `autograd.ops.OPS` (the project's one table of ops, landing on main):
only the `excel` part of its interface, for `autograd.graph.spreadsheet` until then. Deleted
once `autograd/ops.py` is on main."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

Formulas = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class _Op:
    name: str
    formulas: Callable[..., Formulas]

    def excel(self, operands: Sequence[str], out: str) -> Formulas:
        return self.formulas(*operands, out)


def _sigma(a: str) -> str:
    e = f"EXP(-ABS({a}))"
    return f"IF(({a})>=0,1/(1+{e}),{e}/(1+{e}))"


_E2 = "EXP(-2*ABS({a}))"

OPS: dict[str, _Op] = {
    op.name: op
    for op in (
        _Op("+", lambda a, b, o: (f"({a})+({b})", ("1", "1"))),
        _Op("-", lambda a, b, o: (f"({a})-({b})", ("1", "-1"))),
        _Op("*", lambda a, b, o: (f"({a})*({b})", (f"({b})", f"({a})"))),
        _Op("/", lambda a, b, o: (f"({a})/({b})", (f"1/({b})", f"-({o})/({b})"))),
        _Op("**", lambda a, b, o: (f"({a})^({b})", (f"({b})*({a})^(({b})-1)", f"({o})*LN({a})"))),
        _Op("neg", lambda a, o: (f"-({a})", ("-1",))),
        _Op("exp", lambda a, o: (f"EXP({a})", (f"({o})",))),
        _Op("log", lambda a, o: (f"LN({a})", (f"1/({a})",))),
        _Op(
            "tanh",
            lambda a, o: (
                f"TANH({a})",
                (f"4*EXP(-2*ABS({a}))/((1+EXP(-2*ABS({a})))*(1+EXP(-2*ABS({a}))))",),
            ),
        ),
        _Op(
            "sigmoid",
            lambda a, o: (_sigma(a), (f"EXP(-ABS({a}))/((1+EXP(-ABS({a})))*(1+EXP(-ABS({a}))))",)),
        ),
        _Op("relu", lambda a, o: (f"IF(({a})>0,({a}),0)", (f"IF(({a})>0,1,0)",))),
        _Op("abs", lambda a, o: (f"ABS({a})", (f"SIGN({a})",))),
        _Op("sqrt", lambda a, o: (f"SQRT({a})", (f"0.5/({o})",))),
        _Op("log1p", lambda a, o: (f"2*ATANH(({a})/(2+({a})))", (f"1/(1+({a}))",))),
        _Op(
            "softplus",
            lambda a, o: (
                f"IF(({a})>0,({a}),0)+2*ATANH(EXP(-ABS({a}))/(2+EXP(-ABS({a}))))",
                (_sigma(a),),
            ),
        ),
        _Op(
            "maximum",
            lambda a, b, o: (
                f"IF(({a})>=({b}),({a}),({b}))",
                (f"IF(({a})>({b}),1,IF(({a})<({b}),0,0.5))", f"IF(({a})>({b}),0,IF(({a})<({b}),1,0.5))"),
            ),
        ),
    )
}
