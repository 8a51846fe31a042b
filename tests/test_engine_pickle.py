"""pickle and copy.deepcopy rebuild a graph of any depth without recursion, and faithfully."""

import copy
import pickle
import sys

import pytest

from autograd import Value, maximum, topological_order
from autograd.errors import StaleGraphError


def deep_chain(n: int) -> tuple[Value, Value]:
    x = y = Value(0.5, "x")
    for _ in range(n):
        y = (y * 1.0001 + 0.0001).tanh()
    return x, y


def describe(root: Value) -> list[tuple[object, ...]]:
    """Every node's fields and its operands as positions in the order (or constants)."""
    order = topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    return [
        (type(n), n.data, n.grad, n.label, n.op, n.local_grads,
         tuple(position[o] if isinstance(o, Value) else o for o in n.operands))
        for n in order
    ]  # fmt: skip


@pytest.mark.parametrize(
    "rebuild", [copy.deepcopy, lambda v: pickle.loads(pickle.dumps(v))], ids=["deepcopy", "pickle"]
)
def test_a_5000_deep_graph_is_copied_at_the_default_recursion_limit(rebuild) -> None:
    assert sys.getrecursionlimit() <= 10_000
    x, y = deep_chain(5_000)
    y.backward()
    y2 = rebuild(y)
    assert describe(y2) == describe(y) and y2 is not y
    (x2,) = [n for n in topological_order(y2) if n.label == "x"]
    assert x2 is not x
    y2.backward()
    assert x2.grad == 2 * x.grad


def test_leaves_stay_shared_with_the_rest_of_what_is_pickled() -> None:
    w, b = Value(2.0, "w"), Value(-1.0, "b")
    loss = maximum(w * 3.0 - b, 0.5) ** 2 + (2.0 - w).exp()
    params, loss2 = pickle.loads(pickle.dumps(([w, b], loss)))
    assert describe(loss2) == describe(loss)
    assert {id(n) for n in topological_order(loss2) if not n.op} == {id(p) for p in params}
    loss.backward()
    loss2.backward()
    assert [p.grad for p in params] == [w.grad, b.grad]


def test_a_stale_graph_copies_as_stale() -> None:
    w = Value(2.0)
    loss = w * w
    w.set_data(3.0)
    with pytest.raises(StaleGraphError):
        copy.deepcopy(loss).backward()
    fresh = copy.deepcopy(w * w)
    fresh.backward()
    assert fresh.data == 9.0


def test_a_leaf_copies_with_its_data_grad_and_label() -> None:
    v = Value(1.5, "v")
    v.grad = 2.0
    for other in (copy.deepcopy(v), pickle.loads(pickle.dumps(v)), copy.copy(v)):
        assert (other.data, other.grad, other.label, other.operands) == (1.5, 2.0, "v", ())
        assert other is not v
