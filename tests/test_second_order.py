"""Gradients of gradients (create_graph), hessian, hvp, forward-mode jvp and gradgradcheck,
against closed forms and central differences."""

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, draw, grad, no_grad, scalar_op, trace
from autograd.errors import NonFiniteError, StaleGraphError
from autograd.second_order import GradgradcheckError, gradgradcheck, gradient_graph, hessian, hvp, jvp
from autograd.strategies import Graph, graphs
from nn.teaching import WEIGHT_NAMES, teaching_network


def graph_of(g: object) -> Value:
    assert isinstance(g, Value), g  # backward(create_graph=True) leaves a Value in .grad
    return g


def test_second_derivative_of_exp_3x_is_9_e6() -> None:
    x = Value(2.0)
    (3 * x).exp().backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value)
    x.zero_grad()
    second = gradient_graph(first)[x]
    assert second.data == pytest.approx(9 * math.exp(6), rel=1e-12)


def test_third_derivative_of_x4_by_composing_grad() -> None:
    def d(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda x: grad(f)(x)[0]

    x4 = lambda x: x**4  # noqa: E731
    assert d(x4)(1.5) == pytest.approx(4 * 1.5**3, rel=1e-14)
    assert d(d(x4))(1.5) == pytest.approx(12 * 1.5**2, rel=1e-14)
    assert grad(d(d(x4)))(1.5) == pytest.approx((24 * 1.5,), rel=1e-14)
    assert grad(lambda x: grad(lambda y: y**3)(x)[0])(2.0) == (12.0,)  # the example


def central_gradient_differences(g: Graph, xs: list[float], j: int, eps: float = 1e-6) -> list[float]:
    def gradient(at: list[float]) -> list[float]:
        leaves = [Value(x) for x in at]
        g(*leaves).backward()
        return [leaf.grad for leaf in leaves]

    up, down = list(xs), list(xs)
    up[j] += eps
    down[j] -= eps
    return [(a - b) / (2 * eps) for a, b in zip(gradient(up), gradient(down))]


@given(g=graphs(1, 3, max_ops=6))
@settings(max_examples=60, deadline=None)
def test_hessians_of_random_graphs_are_symmetric_and_match_differences_of_the_gradient(g: Graph) -> None:
    xs = list(g.inputs)
    h = hessian(g)(*xs)
    n = len(xs)
    for i in range(n):
        for j in range(n):
            assert h[i][j] == pytest.approx(h[j][i], rel=1e-9, abs=1e-9)
    for j in range(n):
        column = central_gradient_differences(g, xs, j)
        assert [h[i][j] for i in range(n)] == pytest.approx(column, rel=1e-4, abs=1e-5)


@given(g=graphs(2, 3, max_ops=6), v=st.lists(st.floats(-2, 2), min_size=3, max_size=3))
@settings(max_examples=40, deadline=None)
def test_hvp_is_the_hessian_times_v_and_jvp_is_the_gradient_dotted(g: Graph, v: list[float]) -> None:
    xs = list(g.inputs)
    v = v[: len(xs)]
    h = hessian(g)(*xs)
    assert hvp(g)(xs, v) == pytest.approx(
        [sum(h[i][j] * v[j] for j in range(len(xs))) for i in range(len(xs))], rel=1e-9, abs=1e-9
    )
    value, tangent = jvp(g, xs, v)
    gradient = grad(g)(*xs)
    assert value == g(*map(Value, xs)).data
    assert tangent == pytest.approx(sum(gi * vi for gi, vi in zip(gradient, v)), rel=1e-9, abs=1e-12)


def test_jvp_and_vjp_agree_on_several_outputs() -> None:
    # ⟨u, J v⟩ = ⟨Jᵀu, v⟩: forward mode (one pass per direction) against reverse (one per output)
    def f(a: Value, b: Value) -> list[Value]:
        return [a * b, (a + b).tanh(), a.exp() * b]

    xs, v, u = [0.3, -0.7], [1.5, 0.25], [0.2, -1.0, 0.5]
    _, jv = jvp(f, xs, v)
    assert isinstance(jv, tuple)
    leaves = [Value(x) for x in xs]
    sum((ui * y for ui, y in zip(u, f(*leaves))), Value(0.0)).backward()
    assert sum(ui * t for ui, t in zip(u, jv)) == pytest.approx(
        sum(leaf.grad * vi for leaf, vi in zip(leaves, v)), rel=1e-14
    )


cube = scalar_op("cube", lambda x: x**3, lambda x: 3 * x**2)  # its derivative runs on Values too
# right at first order, wrong at second: the derivative reads .data, which cuts the graph
cube_cut = scalar_op("cube_cut", lambda x: x**3, lambda x: 3 * (x.data if isinstance(x, Value) else x) ** 2)


def test_gradgradcheck_passes_a_right_second_derivative_and_rejects_a_wrong_one() -> None:
    assert gradgradcheck(lambda a, b: cube(a) * b.sin(), [1.5, 0.4])
    assert gradgradcheck(lambda a, b: a.tanh() * b + b.log(), [0.3, 1.2])
    with pytest.raises(GradgradcheckError, match=r"∂²f/∂x0∂x0: the gradient's graph gives 0\.0") as failure:
        gradgradcheck(lambda a: cube_cut(a), [1.5])
    assert failure.value.entry == (0, 0) and failure.value.numerical == pytest.approx(9.0, rel=1e-6)
    assert not gradgradcheck(lambda a: cube_cut(a), [1.5], raise_exception=False)


def test_a_scalar_op_whose_derivative_needs_floats_says_so() -> None:
    floats_only = scalar_op("sin_op", math.sin, math.cos)
    x = Value(0.5)
    with pytest.raises(TypeError, match=r"derivative of the scalar_op 'sin_op' cannot run on Values"):
        floats_only(x).backward(create_graph=True)


def test_an_infinite_second_derivative_raises_naming_the_node() -> None:
    x = Value(0.0)
    (x**1.5).backward(create_graph=True)  # d/dx = 1.5·x^0.5, finite at 0
    assert graph_of(x.grad).data == 0.0
    with pytest.raises(NonFiniteError, match=r"\*\* at Value\(data=0\.0"):
        graph_of(x.grad).backward()  # d²/dx² = 0.75·x^-0.5: infinite at 0


@pytest.mark.parametrize(
    ("op", "expected"),
    [("softplus", 0.25), ("sigmoid", 0.0), ("tanh", 0.0), ("abs", 0.0), ("relu", 0.0)],
)
def test_second_derivatives_at_zero_where_a_formula_uses_abs(op: str, expected: float) -> None:
    # σ(x) = 1/(1 + e^-|x|) for x ≥ 0: at 0 its |x| must take that branch's side (softplus''(0) = ¼)
    (h,) = hessian(lambda x: getattr(x, op)())(0.0)
    assert h[0] == pytest.approx(expected, abs=1e-15)


def test_no_grad_and_stale_graphs_hold_at_second_order() -> None:
    x = Value(2.0)
    y = x * x * x
    with no_grad():
        y.backward(create_graph=True)
    assert graph_of(x.grad).data == 12.0 and graph_of(x.grad).op == ""  # computed, but no graph recorded
    y = x * x * x
    x.set_data(3.0)
    with pytest.raises(StaleGraphError):
        y.backward(create_graph=True)


def test_the_gradient_graph_of_the_course_network_names_its_nodes() -> None:
    net = teaching_network()
    grads = gradient_graph(net.loss)
    w5 = net.nodes["w5"]
    assert grads[w5].label == "∂E_total/∂w5"
    net.loss.backward()
    assert grads[w5].data == pytest.approx(w5.grad, rel=1e-15)  # first order's 0.0721570729…
    assert grads[net.nodes["a_o1"]].label == "∂E_total/∂a_o1"
    assert "∂E_total/∂w5" in draw(grads[w5]).source
    h = hessian(lambda *w: teaching_network(weights=w).loss)(*(net.nodes[name].data for name in WEIGHT_NAMES))
    assert all(h[i][j] == pytest.approx(h[j][i], rel=1e-12) for i in range(8) for j in range(8))


def test_the_tape_traces_a_gradient_graph() -> None:
    tape = trace(lambda x: grad(lambda y: y**3)(x)[0], 1.0)  # 3x²
    assert tape([1.0, 2.0]) == pytest.approx((3.0 + 12.0) / 2, rel=1e-15)
