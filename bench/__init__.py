"""The benchmark: every workload written once per engine, timed in separate processes.

Run it with `.venv/bin/python -m bench [--quick] [--markdown]` (see docs/performance.md).
The engines are registered in bench/engines/__init__.py; what runs, the tables and the
targets are data in bench/plan.py.
"""

__all__: list[str] = []
