"""The library's exception family.

Each subclasses the built-in exception that code already catches (`ValueError`,
`OverflowError`, `ZeroDivisionError`, `RuntimeError`), so existing ``except`` clauses keep
working, and all of them subclass `ChainruleError`, so a program (the `chainrule` command)
can tell an error the library reports about the numbers from a bug.
"""

from __future__ import annotations

__all__ = [
    "ChainruleError",
    "DomainError",
    "NonFiniteError",
    "StaleGraphError",
    "StaleTapeError",
    "TraceError",
    "ZeroDivisionDomainError",
]


class ChainruleError(Exception):
    """Base of every error the library raises about the numbers it was given or computed."""


class DomainError(ChainruleError, ValueError):
    """An op's argument is outside its domain: `log` of a value <= 0, a negative base with a
    non-integer exponent, a Value exponent with a base <= 0."""


class ZeroDivisionDomainError(DomainError, ZeroDivisionError):
    """Division by zero, or a power of zero with no finite value."""


class NonFiniteError(ChainruleError, OverflowError):
    """A result, a derivative or a gradient that would be inf or nan: an overflow, an
    exploding gradient, a diverging update."""


class StaleGraphError(ChainruleError, RuntimeError):
    """backward() through a graph built before one of its leaves changed: rebuild the graph."""


class TraceError(ChainruleError, TypeError):
    """A function that `autograd.trace` cannot turn into a faithful tape: it reads the number
    of a traced Value (a branch on it would be baked in), its graph changes with the example,
    or it uses something the tape cannot replay."""


class StaleTapeError(StaleGraphError):
    """A tape called after the model it was traced from changed (its parameters, or a
    number the traced function reads): trace it again."""
