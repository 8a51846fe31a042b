"""chainrule's scalar autograd engine.

Importing it imports neither hypothesis (see `autograd.strategies`) nor graphviz nor Pillow:
`draw`, `backward_frames` and `animate` import them when called. It refuses to load beside HIPS
autograd, whose import name is the same (`autograd._clash`).
"""

import autograd._clash  # noqa: F401  first: refuses to load beside HIPS autograd (a half-merged package fails oddly)
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
