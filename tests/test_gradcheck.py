"""gradcheck passes correct gradients and is proven able to fail on wrong ones."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import GradcheckError, Value, gradcheck, numerical_gradient, scalar_op
from autograd.errors import DomainError

softplus = scalar_op("softplus", lambda x: math.log1p(math.exp(x)), lambda x: 1 / (1 + math.exp(-x)))
wrong_softplus = scalar_op("softplus", lambda x: math.log1p(math.exp(x)), lambda x: 1 / (1 + math.exp(x)))


@given(x=st.floats(-5.0, 5.0), y=st.floats(0.5, 5.0))
def test_correct_gradients_pass(x: float, y: float) -> None:
    assert gradcheck(lambda a, b: (a * b).tanh() + b.log() / a.sigmoid(), [x, y])


@given(x=st.floats(-5.0, 5.0).filter(lambda x: abs(x) > 0.1))
def test_a_wrong_derivative_is_rejected(x: float) -> None:
    with pytest.raises(GradcheckError, match="gradient of input 1 is wrong") as info:
        gradcheck(lambda a, b: a * 2.0 + wrong_softplus(b), [1.0, x])
    assert info.value.index == 1
    assert info.value.analytic == pytest.approx(1 / (1 + math.exp(x)), rel=1e-15)
    assert info.value.numerical == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-6)
    assert not gradcheck(lambda b: wrong_softplus(b), [x], raise_exception=False)


def test_a_coarse_eps_is_caught() -> None:
    f = lambda x: (x * 3.0).exp()  # noqa: E731
    assert gradcheck(f, [1.0])
    assert not gradcheck(f, [1.0], eps=0.1, raise_exception=False)


def test_inputs_may_be_values() -> None:
    assert gradcheck(lambda a: softplus(a) * a, [Value(0.3)])


def test_numerical_gradient_is_a_central_difference() -> None:
    (g,) = numerical_gradient(lambda x: x**3, [2.0], eps=1e-3)
    assert g == pytest.approx(((2.001) ** 3 - (1.999) ** 3) / 2e-3, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"eps": 0.0}, ValueError, "eps must satisfy 0.0 < eps, got 0.0"),
        ({"eps": -1e-6}, ValueError, "eps must satisfy 0.0 < eps"),
        ({"atol": -1.0}, ValueError, "atol must satisfy 0.0 <= atol, got -1.0"),
        ({"rtol": math.nan}, ValueError, "rtol must be finite"),
        ({"eps": "1e-6"}, TypeError, "eps must be a real number, got str"),
        ({"eps": 1e-300}, ValueError, r"eps=1e-300 is too small for input 0 = 1\.0: the step must span"),
        ({"raise_exception": "no"}, TypeError, "raise_exception must be True or False, got str: 'no'"),
    ],
)
def test_bad_tolerances(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        gradcheck(lambda x: x * x, [1.0], **kwargs)  # type: ignore[arg-type]


def test_bad_inputs_and_functions() -> None:
    with pytest.raises(TypeError, match="inputs must be a list or tuple, got float"):
        gradcheck(lambda x: x, 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a real number, got str"):
        gradcheck(lambda x, y: x, [1.0, "2"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="must return a Value, got float"):
        gradcheck(lambda x: 1.0, [1.0])


def test_error_repr() -> None:
    assert repr(GradcheckError(0, 1.0, 2.0)) == "GradcheckError(index=0, analytic=1.0, numerical=2.0)"


def test_a_step_out_of_the_domain_says_so_and_suggests_a_smaller_eps() -> None:
    with pytest.raises(
        DomainError, match=r"step eps=1e-06 takes input 0 from 1e-07 to -9e-07.*smaller eps"
    ) as info:
        gradcheck(lambda x: x.log(), [1e-7])
    assert "log: argument must be > 0" in str(info.value.__cause__)
    assert gradcheck(lambda x: x.log(), [1e-7], eps=1e-10)
    with pytest.raises(DomainError, match=r"^log: argument must be > 0, got -1\.0$"):  # the input itself
        gradcheck(lambda x: x.log(), [-1.0])


def test_an_eps_too_small_for_the_input_is_refused_with_a_scaled_one_suggested() -> None:
    with pytest.raises(
        ValueError, match=r"eps=1e-06 is too small for input 0 = 10000000000\.0.*about 6\.06e\+04"
    ):
        gradcheck(lambda v: v * v, [1e10])
    assert gradcheck(lambda v: v * v, [1e10], eps=6e4)


def test_rounding_at_large_values_makes_the_check_inconclusive_not_a_verdict() -> None:
    with pytest.raises(GradcheckError, match=r"could not be checked.*rounding error.*larger eps") as info:
        gradcheck(lambda v: v * v, [1e8])
    assert info.value.inconclusive and "inconclusive=True" in repr(info.value)
    assert gradcheck(lambda v: v * v, [1e8], eps=1e3)
    # a real bug at the same scale is still called wrong
    with pytest.raises(GradcheckError, match="is wrong"):
        gradcheck(lambda v: wrong_softplus(v * 1e-8) * 1e8, [1e8], eps=1e3)


def test_numerical_gradient_divides_by_the_step_the_floats_take() -> None:
    # 1e6 ± 1e-6 are not floats: dividing by 2e-6 would be off by about 1e-5
    assert numerical_gradient(lambda x: x * 1.0, [1e6], eps=1e-6) == (1.0,)
    assert ((1e6 + 1e-6) - (1e6 - 1e-6)) / 2e-6 != 1.0


def test_gradcheck_loads_numpy_only_when_it_runs() -> None:
    import subprocess
    import sys

    code = (
        "import sys, autograd; from autograd import gradcheck; assert 'numpy' not in sys.modules; "
        "gradcheck(lambda x: x * x, [1.0]); print('numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "True"


def test_a_scalar_report_keeps_its_first_line_and_adds_the_table_and_the_op() -> None:
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a * 2.0 + wrong_softplus(b), [1.0, 0.5])
    first, head, row, point, op = str(info.value).splitlines()
    assert first == (
        f"gradient of input 1 is wrong: backward() gives {1 / (1 + math.exp(0.5))!r}, "
        f"central differences give {info.value.numerical!r}"
    )
    assert head.split() == ["input", "backward()", "central", "differences", "verdict"]
    assert row.split() == ["b", f"{1 / (1 + math.exp(0.5)):.8g}", f"{info.value.numerical:.8g}", "wrong"]
    assert point == "  at a = 1.0, b = 0.5"
    assert op.startswith("  the op whose derivative disagrees: softplus(0.5) = ")
