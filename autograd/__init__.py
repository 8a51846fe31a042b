"""chainrule's scalar autograd engine.

Importing the package imports nothing else but the check that HIPS autograd, whose import name
is the same, is not installed beside it (`autograd._clash`): each name below is imported the
first time it is used (PEP 562's module `__getattr__`), so `import autograd.validation` (the argument checks
every floor shares) loads no engine, and `import autograd` stays cheap. Neither hypothesis
(see `autograd.strategies`) nor graphviz nor Pillow is imported until called for.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

import autograd._clash  # noqa: F401  refuses to load beside HIPS autograd (a half-merged package fails oddly)

if TYPE_CHECKING:
    from autograd._logsumexp import logsumexp
    from autograd._weighted import weighted_sum
    from autograd.engine import (
        Value,
        enable_grad,
        gradients,
        is_grad_enabled,
        maximum,
        no_grad,
        scalar_op,
        select,
        topological_order,
    )
    from autograd.functional import grad, value_and_grad
    from autograd.gradcheck import GradcheckError, check_jvp, check_vjp, gradcheck, numerical_gradient
    from autograd.graph import animate, backward_frames, draw
    from autograd.second_order import gradgradcheck, hessian, hvp, jvp
    from autograd.tape import Tape, trace

_WHERE = {
    "Value": "autograd.engine",
    "enable_grad": "autograd.engine",
    "gradients": "autograd.engine",
    "is_grad_enabled": "autograd.engine",
    "maximum": "autograd.engine",
    "no_grad": "autograd.engine",
    "scalar_op": "autograd.engine",
    "select": "autograd.engine",
    "topological_order": "autograd.engine",
    "grad": "autograd.functional",
    "value_and_grad": "autograd.functional",
    "GradcheckError": "autograd.gradcheck",
    "check_jvp": "autograd.gradcheck",
    "check_vjp": "autograd.gradcheck",
    "gradcheck": "autograd.gradcheck",
    "numerical_gradient": "autograd.gradcheck",
    "animate": "autograd.graph",
    "backward_frames": "autograd.graph",
    "draw": "autograd.graph",
    "gradgradcheck": "autograd.second_order",
    "hessian": "autograd.second_order",
    "hvp": "autograd.second_order",
    "jvp": "autograd.second_order",
    "Tape": "autograd.tape",
    "trace": "autograd.tape",
    "weighted_sum": "autograd._weighted",
    "logsumexp": "autograd._logsumexp",
}
"""Each public name and the module it comes from."""

__all__ = [
    "GradcheckError",
    "Tape",
    "Value",
    "animate",
    "backward_frames",
    "check_jvp",
    "check_vjp",
    "draw",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "gradients",
    "hessian",
    "hvp",
    "is_grad_enabled",
    "jvp",
    "logsumexp",
    "maximum",
    "no_grad",
    "numerical_gradient",
    "scalar_op",
    "select",
    "topological_order",
    "trace",
    "value_and_grad",
    "weighted_sum",
]


def __getattr__(name: str) -> Any:
    """Import `name` from its module on first use, then keep it here (a submodule's name,
    such as `autograd.engine`, imports the submodule, as the eager package did)."""
    module = _WHERE.get(name)
    if module is None:
        if importlib.util.find_spec(f"autograd.{name}") is None:
            raise AttributeError(f"module 'autograd' has no attribute {name!r}")
        return importlib.import_module(f"autograd.{name}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """The package's module: importing a submodule named as one of the names above (the
    function `gradcheck` lives in `autograd.gradcheck`) must not replace the name with the
    submodule, as the import system would (the eager package assigned the name after)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _WHERE and isinstance(value, types.ModuleType) and value.__name__ == f"autograd.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
