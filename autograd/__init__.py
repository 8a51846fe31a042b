"""chainrule's scalar autograd engine.

Importing it imports neither hypothesis (see `autograd.strategies`) nor graphviz.
"""

from autograd.engine import Value, is_grad_enabled, no_grad, scalar_op, topological_order
from autograd.functional import grad, value_and_grad
from autograd.gradcheck import GradcheckError, gradcheck, numerical_gradient

__all__ = [
    "GradcheckError",
    "Value",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "no_grad",
    "numerical_gradient",
    "scalar_op",
    "topological_order",
    "value_and_grad",
]
