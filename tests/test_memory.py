"""Graphs are freed by reference counting alone: no node takes part in a reference cycle."""

import gc
import math
import weakref

from autograd import Value, no_grad, scalar_op

softplus = scalar_op("softplus", lambda x: math.log1p(math.exp(x)), lambda x: 1 / (1 + math.exp(-x)))


def build_and_train() -> None:
    w = [Value(0.1 * i) for i in range(5)]
    for _ in range(3):
        loss = sum(((wi * 2.0 + 1.0).tanh() * wi.sigmoid() / 3.0) ** 2 for wi in w)
        loss = softplus(loss + w[0] - w[1] ** Value(2.0)).exp().log().relu()
        loss.backward()
        with no_grad():
            for wi in w:
                wi.data -= 0.1 * wi.grad
                wi.grad = 0.0
        assert isinstance(loss, Value)


def test_nothing_is_left_for_the_cyclic_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        build_and_train()
        assert gc.collect() == 0
    finally:
        gc.enable()


class WeaklyReferencable(Value):
    __slots__ = ("__weakref__",)


def test_a_dropped_root_frees_its_graph_down_to_the_leaves() -> None:
    y = (WeaklyReferencable(1.0) * 2.0).exp() + 1.0
    y.backward()
    leaf = weakref.ref(y.children[0].children[0].children[0])
    assert leaf() is not None
    gc.disable()
    try:
        del y
        assert leaf() is None
    finally:
        gc.enable()
