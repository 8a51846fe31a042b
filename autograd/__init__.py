"""chainrule's scalar autograd engine.

Importing it imports neither hypothesis (see `autograd.strategies`) nor graphviz nor Pillow:
`draw`, `backward_frames` and `animate` import them when called.
"""

from autograd.engine import (
    Value,
    gradients,
    is_grad_enabled,
    maximum,
    no_grad,
    scalar_op,
    select,
    topological_order,
)
from autograd.functional import grad, value_and_grad
from autograd.gradcheck import GradcheckError, gradcheck, numerical_gradient
from autograd.graph import animate, backward_frames, draw
from autograd.tape import Tape, trace

__all__ = [
    "GradcheckError",
    "Tape",
    "Value",
    "animate",
    "backward_frames",
    "draw",
    "grad",
    "gradcheck",
    "gradients",
    "is_grad_enabled",
    "maximum",
    "no_grad",
    "numerical_gradient",
    "scalar_op",
    "select",
    "topological_order",
    "trace",
    "value_and_grad",
]
