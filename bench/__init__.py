"""The benchmark: every workload written once per engine, timed in separate processes.

Run it with `.venv/bin/python bench/run.py [--quick] [--markdown]` (see README, "Performance").
"""
