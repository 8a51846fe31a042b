import os

from hypothesis import HealthCheck, settings

# `ci`: the same examples on every run, and no deadline (CI machines are noisy).
settings.register_profile("ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
