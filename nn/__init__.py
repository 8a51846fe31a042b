"""Neural networks built from `autograd.Value`s."""

__all__: list[str] = []
