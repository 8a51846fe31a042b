"""backward() through a graph built before one of its nodes changed (set_data, as an optimizer
step does) is a StaleGraphError, never gradients computed from the old data."""

import pytest

from autograd import Value, gradients
from autograd.engine import set_data_all
from autograd.errors import StaleGraphError
from nn.optim import SGD


def test_backward_after_a_step_through_the_old_graph_is_an_error() -> None:
    w = Value(3.0, "w")
    loss = (w - 1.0) ** 2
    loss.backward()
    assert w.grad == 4.0
    w.set_data(w.data - 0.1 * w.grad)  # what an optimizer step does
    w.grad = 0.0
    with pytest.raises(
        StaleGraphError, match=r"graph is stale: Value\(data=2\.6.*label='w'\) changed .* rebuild"
    ):
        loss.backward()
    assert w.grad == 0.0  # nothing added
    with pytest.raises(RuntimeError):  # StaleGraphError is a RuntimeError, as PyTorch's is
        gradients(loss)


def test_a_graph_rebuilt_after_the_step_gives_the_new_gradient() -> None:
    w = Value(3.0)
    for expected in (4.0, 3.2, 2.56):
        w.grad = 0.0
        loss = (w - 1.0) ** 2  # rebuilt every step
        loss.backward()
        assert w.grad == pytest.approx(expected, rel=1e-12)
        w.set_data(w.data - 0.1 * w.grad)


def test_set_data_all_checks_every_number_first_and_makes_old_graphs_stale() -> None:
    a, b = Value(1.0), Value(2.0)
    loss = a * b
    with pytest.raises(ValueError, match=r"data\[1\].*finite"):
        set_data_all([a, b], [5.0, float("inf")])
    with pytest.raises(ValueError, match="2 nodes but 1 numbers"):
        set_data_all([a, b], [5.0])
    assert (a.data, b.data) == (1.0, 2.0)  # nothing changed
    loss.backward()
    set_data_all([a, b], [5, 6.5])
    assert (a.data, b.data) == (5.0, 6.5) and type(a.data) is float
    with pytest.raises(StaleGraphError):
        loss.backward()
    fresh = a * b
    fresh.backward()
    assert (a.grad, b.grad) == (2.0 + 6.5, 1.0 + 5.0)  # the first backward's, then the fresh graph's


def test_a_graph_partly_built_before_the_change_is_stale() -> None:
    w = Value(2.0)
    early = w * w
    w.set_data(5.0)
    late = w * 3.0
    with pytest.raises(StaleGraphError):
        (early + late).backward()
    (w * w + late).backward()  # all of it built after the change
    assert w.grad == 13.0


def test_a_change_elsewhere_leaves_a_graph_fresh() -> None:
    w, other = Value(2.0), Value(1.0)
    y = w * w
    other.set_data(7.0)  # not in y's graph
    y.backward()
    assert w.grad == 4.0


def test_changing_an_inner_node_stales_what_was_computed_from_it() -> None:
    x = Value(2.0)
    h = x * x
    y = h * 3.0
    h.set_data(10.0)
    h.backward()  # h's own derivative still holds: its operand did not change
    assert x.grad == 4.0
    with pytest.raises(StaleGraphError, match=r"after \* at Value\(data=12\.0"):
        y.backward()


def test_set_data_checks_its_argument() -> None:
    w = Value(1.0)
    with pytest.raises(TypeError, match="set_data: data must be a real number, got str"):
        w.set_data("2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="set_data: data must be finite"):
        w.set_data(float("inf"))
    assert w.data == 1.0


def test_an_sgd_step_makes_the_old_graph_stale() -> None:
    # the scenario of the report: the loss built once, then zero_grad, backward, step in a loop
    w = Value(3.0)
    loss = (w - 1.0) ** 2
    opt = SGD([w], lr=0.1)
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert w.data == pytest.approx(2.6, rel=1e-15)
    opt.zero_grad()
    with pytest.raises(StaleGraphError, match="rebuild the graph"):
        loss.backward()
    ((w - 1.0) ** 2).backward()  # a graph built after the step is fine
    assert w.grad == pytest.approx(2.0 * (2.6 - 1.0), rel=1e-15)


def test_set_data_all_refuses_a_set_and_a_non_value_before_changing_anything() -> None:
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(TypeError, match=r"nodes must be a sequence .* got set"):
        set_data_all({a, b}, [5.0, 6.0])  # type: ignore[arg-type]  # paired in hash order
    with pytest.raises(TypeError, match=r"data must be a sequence .* got set"):
        set_data_all([a, b], {5.0, 6.0})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"nodes\[1\] is str 'x', not a Value"):
        set_data_all([a, "x"], [5.0, 6.0])  # type: ignore[list-item]
    assert (a.data, b.data) == (1.0, 2.0)  # a was not changed before the failure
