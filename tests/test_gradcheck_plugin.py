"""The pytest plugin, run as a user's test suite runs it (pytest's own `pytester`): installed
with the package, listed by `pytest --fixtures`, its failures shrunk and shown as a table."""

import numpy as np
import pytest

pytest_plugins = ["pytester"]

LAYER = """
import numpy as np
from hypothesis import strategies as st
from autograd.strategies import arrays


def dense(W, x, b):
    return np.tanh(W @ x + b)


def dense_backward(dy, W, x, b):
    dz = dy * (1.0 - np.tanh(W @ x + b) ** 2)
    return np.outer(dz, x), W.T @ dz, dz


def dense_backward_transposed_dw(dy, W, x, b):
    dz = dy * (1.0 - np.tanh(W @ x + b) ** 2)
    return np.outer(x, dz), W.T @ dz, dz


LAYERS = st.tuples(arrays((2, 2)), arrays(2), arrays(2))


def test_correct(assert_backward_matches):
    assert_backward_matches(dense, dense_backward, LAYERS, max_examples=10)


def test_transposed(assert_backward_matches):
    assert_backward_matches(dense, dense_backward_transposed_dw, LAYERS, max_examples=10)
"""


def test_the_fixture_is_listed_once_the_package_is_installed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_empty="def test_nothing(): pass")
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(["assert_backward_matches -- *autograd*pytest_plugin.py:*"])


def test_a_correct_backward_passes_and_a_planted_bug_fails_shrunk_with_the_table(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_layer=LAYER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.re_match_lines(
        [
            r"E +autograd.gradcheck.GradcheckError: gradient of input 0 at W\[0, 1\] is wrong: your vjp ",
            r"E +input +your vjp +engine +central differences +verdict",
            r"E +W\[0, 1\] +\S+ +\S+ +\S+ +wrong",
            r"E +W\[1, 0\] +\S+ +\S+ +\S+ +wrong",
            r"E +at W = \[\[",  # the point, shrunk
            r"E +with the cotangent u = ",
            r"E +(Falsifying example|Failing test case)",
        ]
    )
    assert "PASSED test_layer.py::test_correct" in result.stdout.str()


def test_an_input_where_the_check_is_inconclusive_is_discarded_not_failed() -> None:
    from hypothesis import strategies as st
    from hypothesis.errors import Unsatisfiable

    from autograd import GradcheckError
    from autograd.pytest_plugin import assert_backward_matches

    def relu(x):
        return np.maximum(x, 0.0)

    at_the_kink = st.just(np.array([0.0, 1.0]))
    with pytest.raises(Unsatisfiable):  # every drawn input sits on the kink: none could be checked
        assert_backward_matches(relu, lambda u, x: u * (x > 0.0) + 0.25 * u * (x == 0.0), at_the_kink)
    with pytest.raises(GradcheckError, match=r"at x\[1\] is wrong"):  # a wrong x[1] is still a failure
        assert_backward_matches(relu, lambda u, x: 0.5 * u, at_the_kink)
    assert_backward_matches(relu, lambda u, x: u * (x > 0.0), st.just(np.array([-0.5, 1.0])))
