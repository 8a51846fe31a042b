"""One module per engine: what it needs for the shared workloads (bench/workloads.py), or,
for the floor, the workloads themselves in plain floats."""
