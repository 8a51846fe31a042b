"""A smoke test of the built wheel, run by `bash dev.sh test` with the Python of a fresh virtual
environment holding only the wheel, its one dependency (numpy) and the `strategies` extra
(hypothesis): what an engineer's `pip install 'chainrule[strategies]'` gives. Not collected by
pytest (its name does not start with `test_`); it exits non-zero on the first failed check."""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
import sysconfig
from importlib.metadata import distribution, distributions
from pathlib import Path


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"wheel smoke test FAILED: {what}")
    print(f"ok  {what}")


def main() -> None:
    import autograd
    import nn
    from autograd import Value, gradcheck, scalar_op, trace
    from autograd.gradcheck import GradcheckError

    site = Path(sysconfig.get_paths()["purelib"])
    check(Path(autograd.__file__).is_relative_to(site), f"autograd imported from the wheel in {site}")
    dist = distribution("chainrule")
    required = [r for r in dist.requires or [] if "extra ==" not in r]
    extras = ", ".join(dist.metadata.get_all("Provides-Extra") or [])
    check(required == ["numpy>=1.24"], f"chainrule {dist.version} requires {required} (extras: {extras})")
    installed = sorted(d.metadata["Name"].lower() for d in distributions())
    check(
        not {"graphviz", "matplotlib", "pillow", "tqdm"} & set(installed),
        f"installed: {', '.join(installed)}",
    )
    for package in ("autograd", "nn", "chainrule"):
        check((site / package / "py.typed").exists(), f"{package}/py.typed is in the wheel")
    check(
        len(list((site / "chainrule" / "data").glob("*.csv"))) == 2,
        "chainrule/data's two CSV files are in the wheel",
    )

    w = Value(0.5, label="w")
    loss = (w * 3.0 - 1.0).sigmoid() ** 2
    loss.backward()
    s = 1.0 / (1.0 + math.exp(-0.5))
    check(abs(w.grad - 2 * s * s * (1 - s) * 3) < 1e-15, f"backward: d/dw σ(3w − 1)² at 0.5 = {w.grad!r}")
    check(gradcheck(lambda x, y: (x * y).tanh() + x.exp(), [0.3, -0.7]), "gradcheck passes a right gradient")
    wrong = scalar_op("wrong_square", lambda x: x * x, lambda x: x)  # the derivative should be 2x
    try:
        gradcheck(lambda x: wrong(x), [1.5])
        caught = ""
    except GradcheckError as error:
        caught = str(error)
    check(caught.startswith("gradient of input 0 is wrong"), f"gradcheck catches a planted bug: {caught}")

    from hypothesis import given, settings

    from autograd.strategies import Graph, graphs

    runs: list[Graph] = []

    @settings(max_examples=25, derandomize=True, database=None)
    @given(graphs(1, 3, max_ops=6))
    def any_graph(g: Graph) -> None:
        runs.append(g)
        assert gradcheck(g, g.inputs)

    any_graph()
    check(len(runs) == 25, f"autograd.strategies: gradcheck holds on {len(runs)} random graphs")

    a, b = Value(0.0), Value(0.0)
    tape = trace(lambda x, y: (a * x + b - y) ** 2, 1.0, 2.0, params=[a, b])
    mean, grad = tape.value_and_grad(tape.parameter_data(), [1.0, 2.0], [3.0, 5.0])
    check(
        mean == 17.0 and grad.tolist() == [-13.0, -8.0],
        f"the compiled tape (numpy): mean {mean}, gradient {grad.tolist()}",
    )
    model = nn.MLP(2, [3, 1], rng=0)
    check(len(model.parameters()) == 13, f"nn imports without the lessons' packages: {model!r}")

    command = Path(sys.executable).parent / "chainrule"
    version = subprocess.run(
        [command, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    check(version == f"chainrule {dist.version}", f"`chainrule --version`: {version}")
    sweep = subprocess.run([command, "sweep", "--lr", "0.5"], capture_output=True, text=True)
    check(
        sweep.returncode == 0 and "0.070431" in sweep.stdout,
        "`chainrule sweep --lr 0.5`: E_total 0.070431 after 45 updates",
    )
    graph = subprocess.run([command, "graph", "--format", "dot"], capture_output=True, text=True)
    check(
        graph.returncode == 2 and graph.stderr.count("\n") == 1,
        f"`chainrule graph` without graphviz: {graph.stderr.strip()}",
    )
    check(importlib.util.find_spec("tests") is None, "the tests are not installed")


if __name__ == "__main__":
    main()
