"""chainrule's pytest plugin, installed with the package (a `pytest11` entry point).

It gives every test the fixture `assert_backward_matches`, and the same function to import:

    def test_dense_backward(assert_backward_matches):
        assert_backward_matches(dense, dense_vjp, st.tuples(arrays((3, 3)), arrays(3), arrays(3)))

hypothesis (a test dependency, not the library's) is imported when the check runs, so pytest
starts with the plugin loaded even where hypothesis is not installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from autograd.gradcheck import GradcheckError, check_vjp

__all__ = ["assert_backward_matches"]


def assert_backward_matches(
    forward: Callable[..., Any],
    backward: Callable[..., Any],
    strategy: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    max_examples: int = 25,
) -> None:
    """`check_vjp(forward, backward, *args)` on inputs drawn from the hypothesis `strategy`.

    `strategy` draws the arguments of `forward`: a tuple of them (``st.tuples(...)``), or the
    one argument. `backward(cotangent, *args)` returns one gradient per argument. A failure is
    shrunk by hypothesis to a simplest input and raised as the `GradcheckError` of that input:
    its table names the element, your numbers, the engine's and central differences'. An input
    where the check is inconclusive (a kink or a pole within eps) is discarded, not a failure.
    """
    from hypothesis import Phase, given, reject, settings

    # no "explain" phase: the lines it would list are the checker's, not the user's
    phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]

    @settings(max_examples=max_examples, deadline=None, phases=phases)
    @given(strategy)
    def backward_matches(args: Any) -> None:
        drawn = args if isinstance(args, tuple) else (args,)
        try:
            check_vjp(forward, backward, *drawn, eps=eps, atol=atol, rtol=rtol)
        except GradcheckError as error:
            if error.inconclusive:
                reject()
            raise

    backward_matches()


@pytest.fixture(name="assert_backward_matches")
def _assert_backward_matches_fixture() -> Callable[..., None]:
    """Check a hand-written backward against the engine and central differences on inputs
    hypothesis draws: ``assert_backward_matches(forward, backward, strategy)`` (chainrule's
    autograd.pytest_plugin; a failure prints the side-by-side table of the shrunk input)."""
    return assert_backward_matches
