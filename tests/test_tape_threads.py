"""The tape and threads: one tape replayed by several threads at once, tracing that changes
nothing outside its own thread, and two threads tracing at the same time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Value, trace
from tests.tape_helpers import assert_agree, dynamic_mean


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Each job in its own thread, all started together; their results (or errors) in order."""
    results: list[Any] = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def work(k: int) -> None:
        start.wait()
        try:
            results[k] = jobs[k]()
        except Exception as error:  # (handed back to the test, which names it)
            results[k] = error

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_threads_calling_value_and_grad_on_one_tape_get_each_their_own_gradient():
    ws = [Value(0.1 * k - 0.4) for k in range(8)]

    def loss(x):
        return sum(((w * xi).tanh() for w, xi in zip(ws, x)), Value(0.0)) ** 2

    tape = trace(loss, [0.5] * 8, params=ws)
    rng = np.random.default_rng(0)
    batches = [rng.normal(loc=k, size=(4000, 8)) for k in range(3)]  # one size: one workspace before
    theta = tape.parameter_data()
    want = [dynamic_mean(loss, ws, [b.tolist()]) for b in batches]

    def job(b: np.ndarray) -> Callable[[], Any]:
        def many() -> list[Any]:
            return [tape.value_and_grad(theta, b) for _ in range(10)]

        return many

    for batch_results, expected in zip(run_together([job(b) for b in batches]), want):
        assert not isinstance(batch_results, Exception), batch_results
        for mean, grad in batch_results:
            assert_agree((mean, grad.tolist()), expected)


def test_tracing_changes_nothing_in_other_threads():
    w = Value(2.0)
    inside = threading.Event()
    finish = threading.Event()
    other: dict[str, Any] = {}

    def slow(x):
        inside.set()
        finish.wait(10)  # another thread works on the engine meanwhile
        return w * x

    def elsewhere() -> None:
        inside.wait(10)
        a = Value(3.0)
        b = a * a + 1.0
        other["data"] = b.data  # reading .data here is no concern of the trace
        other["truth"] = bool(b)
        b.backward()
        other["grad"] = a.grad
        finish.set()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    tape = trace(slow, 1.0)
    thread.join()
    assert other == {"data": 10.0, "truth": True, "grad": 6.0}
    assert tape.n_slots == 3  # w, x and w * x: the other thread changed nothing in the tape
    assert tape(np.array([1.0, 3.0])) == 4.0


def test_two_threads_can_trace_at_once():
    w, v = Value(2.0), Value(-1.0)
    both = [threading.Barrier(2)]  # (in a list: the guard sees the same barrier, whatever its state)

    def first(x):
        both[0].wait(10)  # both traces are running now
        return w * x

    def second(x):
        both[0].wait(10)
        return (v * x).exp()

    tapes = run_together([lambda: trace(first, 1.0), lambda: trace(second, 1.0)])
    assert all(not isinstance(t, Exception) for t in tapes), tapes
    batch = np.array([0.5, 1.5])
    assert tapes[0](batch) == dynamic_mean(lambda x: w * x, [w], [batch.tolist()])[0]
    assert tapes[1](batch) == dynamic_mean(lambda x: (v * x).exp(), [v], [batch.tolist()])[0]
