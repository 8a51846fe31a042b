"""Grad mode is per thread, as PyTorch's is: no_grad in one thread never changes another's."""

import threading
from collections.abc import Callable

from autograd import Value, grad, is_grad_enabled, no_grad

TIMEOUT = 10.0


def run_in_thread(target: Callable[[], None]) -> threading.Thread:
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            target()
        except BaseException as error:  # re-raised in the main thread by join_and_check
            errors.append(error)

    thread = threading.Thread(target=guarded, daemon=True)
    thread.errors = errors  # type: ignore[attr-defined]
    thread.start()
    return thread


def join_and_check(thread: threading.Thread) -> None:
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    for error in thread.errors:  # type: ignore[attr-defined]
        raise error


def test_no_grad_in_another_thread_leaves_this_threads_graph_alone() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with no_grad():
            inside.set()
            assert release.wait(TIMEOUT)
            assert not is_grad_enabled()

    thread = run_in_thread(other)
    assert inside.wait(TIMEOUT)
    x = Value(3.0)
    (x * x).backward()  # while the other thread is inside no_grad
    assert is_grad_enabled() and x.grad == 6.0
    release.set()
    join_and_check(thread)


def test_overlapping_no_grad_blocks_in_two_threads_restore_grad_mode() -> None:
    # A enters, B enters, A exits, B exits: each thread gets back its own mode
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    shared = no_grad()  # one instance entered by both threads, as a decorator's would be

    def thread_a() -> None:
        with shared:
            a_in.set()
            assert b_in.wait(TIMEOUT)
        assert is_grad_enabled()
        a_out.set()

    def thread_b() -> None:
        assert a_in.wait(TIMEOUT)
        with shared:
            b_in.set()
            assert a_out.wait(TIMEOUT)
            assert not is_grad_enabled()  # A's exit did not switch B's mode back on
        assert is_grad_enabled()
        assert grad(lambda v: v * v)(3.0) == (6.0,)

    threads = [run_in_thread(thread_a), run_in_thread(thread_b)]
    for thread in threads:
        join_and_check(thread)
    assert is_grad_enabled()
    assert grad(lambda v: v * v)(3.0) == (6.0,)  # the README's example still works


def test_a_new_thread_starts_with_grad_mode_on() -> None:
    seen: list[tuple[bool, str]] = []
    with no_grad():
        thread = run_in_thread(lambda: seen.append((is_grad_enabled(), (Value(2.0) * 2.0).op)))
        join_and_check(thread)
    assert seen == [(True, "*")]


def test_a_no_grad_decorator_called_from_many_threads() -> None:
    barrier = threading.Barrier(4, timeout=TIMEOUT)

    @no_grad()
    def leaf_product(x: float) -> Value:
        barrier.wait()  # every thread inside at once
        return Value(x) * 2.0

    results: list[Value] = []
    threads = [run_in_thread(lambda: results.append(leaf_product(1.0))) for _ in range(4)]
    for thread in threads:
        join_and_check(thread)
    assert len(results) == 4 and all(r.children == () for r in results)
    assert (Value(1.0) * 2.0).children != ()  # this thread still records
