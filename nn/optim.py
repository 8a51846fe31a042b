"""Optimizers with PyTorch's names, arguments, defaults and update formulas, in plain floats.

In order of increasing complexity: `SGD` (momentum, dampening, Nesterov, weight decay),
`RMSprop` (centered, momentum), `Adam` (bias correction, AMSGrad) and `AdamW` (Adam with
decoupled weight decay). Each `_update` is the formula of PyTorch's documentation, in its
order, so a trajectory matches `torch.optim`'s to rounding; it runs on numpy arrays of a
group's parameters (elementwise float64 arithmetic is IEEE's, so the numbers are the ones
plain floats give, bit for bit: the tests check it).

As in PyTorch: `opt.param_groups` is a list of groups, each a mapping with its `"params"` and
its hyperparameters (a schedule sets ``group["lr"]``); `opt.state[p]` holds a parameter's
state under PyTorch's names (``momentum_buffer``, ``square_avg``, ``grad_avg``, ``exp_avg``,
``exp_avg_sq``, ``max_exp_avg_sq``, ``step``), here plain floats; `state_dict()` and
`load_state_dict()` save and restore both (JSON-serialisable: see `nn.save_json`).

Where we differ: every hyperparameter is checked when it is set, at construction and on
assignment (``opt.lr = -5`` is a `ValueError`); ``eps`` must be > 0 and betas, ``alpha``,
``momentum`` and ``dampening`` within [0, 1]; a parameter's ``grad`` is never None, so every
parameter is updated at every step (weight decay moves one whose gradient is 0); and a step
is atomic: every new value is computed and checked finite before any is assigned, so a
diverging step raises `NonFiniteError` (an `OverflowError`) and changes nothing.
"""

from __future__ import annotations

import inspect
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from autograd import Value
from autograd.engine import set_data_all
from autograd.errors import NonFiniteError
from autograd.validation import check_choice, check_flag, check_int, check_number, finite_floats

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "AdamW",
    "ArrayStep",
    "Optimizer",
    "ParamGroup",
    "RMSprop",
    "even_mults",
    "layer_group_params",
    "make_optimizer",
]

Check = Callable[[object, str], object]
Params = Iterable[Value] | Iterable[Mapping[str, Any]]
Array = NDArray[np.float64]
State = dict[str, Array]
IntArray = NDArray[np.intp]
NONE_YET = math.nan  # a state's default that means "no value yet" (stored states are finite)


def _non_negative(x: object, name: str) -> float:
    return check_number(x, name, min_value=0.0)


def _positive(x: object, name: str) -> float:
    return check_number(x, name, min_value=0.0, exclude_min=True)


def _fraction(x: object, name: str) -> float:  # in [0, 1]
    return check_number(x, name, min_value=0.0, max_value=1.0)


def _decay_rate(x: object, name: str) -> float:  # in [0, 1): 1 would never forget, or divide by 0
    return check_number(x, name, min_value=0.0, max_value=1.0, exclude_max=True)


def _betas(x: object, name: str) -> tuple[float, float]:
    b1, b2 = finite_floats(x, 2, name)
    return _decay_rate(b1, f"{name}[0]"), _decay_rate(b2, f"{name}[1]")


class ParamGroup(MutableMapping[str, Any]):
    """One entry of `opt.param_groups`: ``group["params"]`` (a tuple of Values) and the
    hyperparameters, each checked when assigned (``group["lr"] = -5`` is a `ValueError` and
    the group keeps its value). The set of hyperparameters is the optimizer's: an unknown
    name is an error, not a new entry that nothing reads."""

    def __init__(
        self, params: tuple[Value, ...], settings: dict[str, Any], check: Callable[..., Any]
    ) -> None:
        self._params = params
        self._settings = settings
        self._check: Callable[[Mapping[str, object]], dict[str, Any]] = check

    def __getitem__(self, key: str) -> Any:
        return self._params if key == "params" else self._settings[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key == "params":
            raise TypeError(
                "a group's params cannot be replaced: build a new optimizer, or add_param_group()"
            )
        if key not in self._settings:
            raise KeyError(f"no hyperparameter {key!r}; this optimizer's are {', '.join(self._settings)}")
        self._settings = self._check({**self._settings, key: value})

    def __delitem__(self, key: str) -> None:
        raise TypeError(f"a group's {key!r} cannot be deleted: assign a new value instead")

    def __iter__(self) -> Iterator[str]:
        return iter(("params", *self._settings))

    def __len__(self) -> int:
        return 1 + len(self._settings)

    def _replace(self, settings: dict[str, Any]) -> None:  # already checked (load_state_dict)
        self._settings = settings

    def settings(self) -> dict[str, Any]:
        """The hyperparameters (everything but ``params``), as a new dict."""
        return dict(self._settings)

    def __repr__(self) -> str:
        return f"ParamGroup({len(self._params)} parameters, {self._settings!r})"


class Optimizer:
    """Base class: holds the parameter groups and the state, and makes `step()` atomic.

    A subclass lists its hyperparameters with their checks (`_checks`), its per-parameter
    state's names with their values before the first step (`_state_defaults`), and writes
    `_update`: the new values of a group's parameters, given their data, their gradients,
    their state (an array per name) and the group's hyperparameters, with the state it
    computed. `_update` may write its results into the arrays of `out` (a workspace the
    `ArrayStep` keeps from step to step, none of them a state array it is given) and add
    arrays to it, so that a training loop allocates nothing per step.
    """

    _checks: ClassVar[dict[str, Check]] = {"lr": _non_negative}
    _state_defaults: ClassVar[dict[str, float]] = {}

    def __init__(self, params: Params, defaults: Mapping[str, Any]) -> None:
        self.defaults = self._checked(defaults)
        self.state: defaultdict[Value, dict[str, float]] = defaultdict(dict)
        self.param_groups: list[ParamGroup] = []
        for group in _groups(params):
            self.add_param_group(group)

    def add_param_group(self, group: Mapping[str, Any]) -> None:
        """Add a group: a mapping with ``"params"`` and any hyperparameters (the rest from `defaults`)."""
        if not isinstance(group, Mapping) or "params" not in group:
            raise TypeError(f"a param group must be a dict with a 'params' entry, got {group!r}")
        (params,) = (g["params"] for g in _groups(group["params"]))
        known = {id(p) for p in self.params}
        if len({id(p) for p in params}) != len(params) or any(id(p) in known for p in params):
            raise ValueError("a parameter appears more than once in the parameter list")
        settings = self._checked({**self.defaults, **{k: v for k, v in group.items() if k != "params"}})
        self.param_groups.append(ParamGroup(tuple(params), settings, self._checked))

    @property
    def params(self) -> list[Value]:
        """Every parameter, group after group: the order of `state_dict()`'s indices."""
        return [p for group in self.param_groups for p in group["params"]]

    @property
    def lr(self) -> float:
        """The learning rate of the only group (with several groups, use `param_groups`)."""
        return float(self._only_group()["lr"])

    @lr.setter
    def lr(self, value: float) -> None:
        self._only_group()["lr"] = value

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its `.grad`; atomic: all new values are computed and
        checked first. The same update as `arrays(...).step(theta, grad)`, on the Values."""
        params = self.params
        arrays = self.arrays(params)
        theta = np.fromiter(map(_get_data, params), np.float64, len(params))
        grad = np.fromiter(map(_get_grad, params), np.float64, len(params))
        arrays.step(theta, grad)
        set_data_all(params, theta.tolist())
        arrays.store()

    def arrays(self, params: Sequence[Value], frozen: Iterable[Value] = ()) -> ArrayStep:
        """This optimizer's state as arrays, to train on one float64 vector of the parameter
        numbers in `params` order (such as `tape.params`) without touching any Value:
        ``arrays.step(theta, grad)`` updates `theta` in place, exactly as `step()` would the
        Values; ``arrays.store()`` writes the state back into `opt.state` (PyTorch's names).
        The parameters in `frozen`, and those of `params` in no group, are left alone."""
        return ArrayStep(self, params, frozen)

    def _new_values(
        self,
        params: tuple[Value, ...],
        data: Array,
        grad: Array,
        old: State,
        settings: dict[str, Any],
        out: State,
    ) -> tuple[Array, State]:
        """One group's update, every number checked finite (else NonFiniteError, naming it)."""
        with np.errstate(all="ignore"):  # an overflow is found by the checks, naming it
            self._check_finite(params, "its gradient", grad)
            new, state = self._update(data, grad, old, settings, out)
            for name, x in (("its new value", new), *state.items()):
                self._check_finite(params, name, x)
        return new, state

    def _update(self, p: Array, g: Array, old: State, s: dict[str, Any], out: State) -> tuple[Array, State]:
        raise NotImplementedError(f"{type(self).__name__} defines no update: use SGD, RMSprop, Adam or AdamW")

    def _gather(
        self, params: tuple[Value, ...], states: list[dict[str, float]], name: str, default: float
    ) -> Array:
        """The state `name` of each parameter (`default` where it has none yet); a stored
        value that is not finite (set by hand) is an error, as it would be in the update."""
        column = np.array([s.get(name, default) for s in states], dtype=np.float64)
        if not np.isfinite(column).all():  # a default may be NONE_YET; a stored value may not
            stored = np.fromiter((name in s for s in states), bool, len(states))
            self._check_finite(params, f"its {name}", np.where(stored, column, 0.0))
        return column

    def _check_finite(self, params: tuple[Value, ...], what: str, x: Array) -> None:
        # float arithmetic overflows to inf silently: a diverging run must say so instead
        if math.isfinite(np.add.reduce(x, axis=None)):  # a nan or inf anywhere makes the sum one
            return
        finite = np.isfinite(x)
        if not finite.all():  # (else a sum of finite numbers overflowed: all is well)
            k = int(np.flatnonzero(~finite)[0])
            p = params[k]
            index = next(i for i, q in enumerate(self.params) if q is p)
            raise NonFiniteError(
                f"{type(self).__name__}.step(): parameter {index} ({p!r}): {what} would be "
                f"{float(x[k])!r}: training diverged (learning rate too large?); no parameter was changed"
            )

    def state_dict(self) -> dict[str, Any]:
        """PyTorch's layout: ``{"state": {index: {name: float}}, "param_groups": [{..., "params":
        [index, ...]}]}`` with parameters numbered in `params` order; only numbers, bools,
        strings, lists and dicts (json.dumps turns the int keys into strings; loading accepts both)."""
        index = {p: i for i, p in enumerate(self.params)}
        states = sorted((index[p], dict(s)) for p, s in self.state.items() if s and p in index)
        groups = [
            _jsonable({**g.settings(), "params": [index[p] for p in g["params"]]}) for g in self.param_groups
        ]
        return {"state": dict(states), "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore hyperparameters and state saved by `state_dict()` (also after a JSON round trip)
        into an optimizer over the same number of groups and parameters. Checks all of it first:
        on an error, nothing changes."""
        if not isinstance(state_dict, Mapping) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError("state_dict must be a dict with the keys 'state' and 'param_groups'")
        saved_groups = state_dict["param_groups"]
        if not isinstance(saved_groups, list) or len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"state_dict has {_count(saved_groups)} param groups, this optimizer {len(self.param_groups)}"
            )
        by_index: dict[int, Value] = {}
        new_settings = []
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups, strict=True)):
            if not isinstance(saved, Mapping) or not isinstance(saved.get("params"), list):
                raise ValueError(
                    f"param group {i} of state_dict must be a dict with a 'params' list, got {saved!r}"
                )
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"param group {i} of state_dict has {len(saved['params'])} parameters, "
                    f"this optimizer's {len(group['params'])}"
                )
            for j, p in zip(saved["params"], group["params"], strict=True):
                j = check_int(j, f"a parameter index of group {i}", min_value=0)
                if j in by_index:
                    raise ValueError(f"state_dict lists parameter index {j} more than once")
                by_index[j] = p
            settings = {k: v for k, v in saved.items() if k != "params"}
            if set(settings) != set(group.settings()):
                raise ValueError(
                    f"param group {i} of state_dict has the hyperparameters {sorted(settings)}, "
                    f"{type(self).__name__} has {sorted(group.settings())}"
                )
            new_settings.append(self._checked(settings))
        new_state = {
            by_index[_index(k, by_index)]: _state(v, k, tuple(self._state_defaults))
            for k, v in _items(state_dict["state"])
        }
        for group, settings in zip(self.param_groups, new_settings, strict=True):
            group._replace(settings)
        self.state.clear()
        self.state.update(new_state)

    @classmethod
    def _checked(cls, settings: Mapping[str, object]) -> dict[str, Any]:
        """Every hyperparameter of `cls` checked and in its canonical type; none missing or unknown."""
        unknown = [k for k in settings if k not in cls._checks]
        if unknown:
            raise TypeError(
                f"{cls.__name__} has no hyperparameter {unknown[0]!r}; its are {', '.join(cls._checks)}"
            )
        missing = [k for k in cls._checks if k not in settings]
        if missing:
            raise TypeError(f"{cls.__name__} needs {missing[0]!r}")
        checked = {name: check(settings[name], name) for name, check in cls._checks.items()}
        cls._check_combination(checked)
        return checked

    @classmethod
    def _check_combination(cls, s: dict[str, Any]) -> None:
        """Constraints between hyperparameters (none by default)."""

    def _only_group(self) -> ParamGroup:
        if len(self.param_groups) != 1:
            raise ValueError(
                f"{type(self).__name__} has {len(self.param_groups)} param groups: "
                "read and set each group's 'lr' in opt.param_groups"
            )
        return self.param_groups[0]

    def __repr__(self) -> str:
        name, n = type(self).__name__, len(self.params)
        if len(self.param_groups) != 1:
            return f"{name}({n} parameters in {len(self.param_groups)} groups)"
        settings = self.param_groups[0].settings()
        defaults = inspect.signature(type(self)).parameters
        shown = [
            f"{k}={v!r}"
            for k, v in settings.items()
            if k == "lr" or k not in defaults or v != defaults[k].default
        ]
        return f"{name}({n} parameters, {', '.join(shown)})"


class _ArrayGroup:
    """One param group inside an `ArrayStep`: where its parameters sit in the vector, and its
    state as one array per name."""

    def __init__(self, group: ParamGroup, params: tuple[Value, ...], index: IntArray | slice, columns: State,
                 stored: list[dict[str, float]]) -> None:  # fmt: skip
        self.group, self.params, self.index = group, params, index
        self.columns = columns
        self.stored = stored  # each parameter's state as opt.state held it when the arrays were made
        # the update's workspace: arrays it may overwrite (never one of `columns`), reused each step
        self.spare: State = {}
        self.updated: dict[str, None] = {}  # the state names a step has written, in the update's order

    def __repr__(self) -> str:
        return f"_ArrayGroup({len(self.params)} parameters, state {sorted(self.columns)})"


class ArrayStep:
    """An optimizer's update on a vector: `step(theta, grad)` changes the float64 array `theta`
    (the numbers of the parameters `params`, in that order) in place, as `Optimizer.step()`
    changes the Values, with the state kept as one array per group and name; `store()` writes
    that state back into `opt.state`. Made by `Optimizer.arrays(params)`.

    The group's hyperparameters are read at every step (a schedule sets them as usual). The
    parameters in `frozen` and those of `params` in no group are not updated.
    """

    def __init__(self, optimizer: Optimizer, params: Sequence[Value], frozen: Iterable[Value] = ()) -> None:
        position = {id(p): i for i, p in enumerate(params)}
        skipped = {id(p) for p in frozen}
        self.optimizer = optimizer
        self.size = len(position)
        self.groups: list[_ArrayGroup] = []
        for group in optimizer.param_groups:
            members = tuple(p for p in group["params"] if id(p) not in skipped)
            outside = [p for p in members if id(p) not in position]
            if outside:
                raise ValueError(
                    f"the optimizer's parameter {outside[0]!r} is not one of the {len(position)} "
                    "parameters being trained (build the optimizer over model.parameters())"
                )
            index = _as_slice(np.array([position[id(p)] for p in members], dtype=np.intp))
            stored = [optimizer.state.get(p, {}) for p in members]
            columns = {
                name: optimizer._gather(members, stored, name, default)
                for name, default in optimizer._state_defaults.items()
            }
            self.groups.append(_ArrayGroup(group, members, index, columns, stored))

    def step(self, theta: Array, grad: Array) -> None:
        """theta ← the optimizer's update of theta given its gradient `grad`, in place; atomic:
        on a NonFiniteError nothing changes (neither theta nor the state)."""
        if theta.shape != (self.size,) or grad.shape != (self.size,):
            raise ValueError(
                f"step: theta and grad must have shape ({self.size},), got {theta.shape} and {grad.shape}"
            )
        updates = [
            self.optimizer._new_values(
                g.params, theta[g.index], grad[g.index], g.columns, g.group.settings(), g.spare
            )
            for g in self.groups
        ]
        for g, (new, state) in zip(self.groups, updates, strict=True):
            theta[g.index] = new
            for name, x in state.items():  # the state replaced is the next step's workspace
                if x is not g.columns[name]:
                    g.spare[name] = g.columns[name]
                g.columns[name] = x
            g.updated.update(dict.fromkeys(state))

    def store(self) -> None:
        """Write the state the steps computed into `opt.state` (plain floats, PyTorch's names)."""
        for g in self.groups:
            columns = {name: g.columns[name].tolist() for name in g.updated}
            for i, p in enumerate(g.params if columns else ()):  # SGD without momentum keeps none
                self.optimizer.state[p] = {**g.stored[i], **{name: x[i] for name, x in columns.items()}}

    def __repr__(self) -> str:
        return (
            f"ArrayStep({type(self.optimizer).__name__}, {self.size} parameters, {len(self.groups)} groups)"
        )


class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's `torch.optim.SGD`. Per parameter p with gradient g::

        g ← g + weight_decay·p
        b ← g at the first step, then b ← momentum·b + (1 − dampening)·g    (if momentum ≠ 0)
        g ← g + momentum·b if nesterov else b                               (if momentum ≠ 0)
        p ← p − lr·g

    With momentum = 0 there is no state; otherwise `momentum_buffer`.
    """

    _checks: ClassVar[dict[str, Check]] = {
        "lr": _non_negative,
        "momentum": _fraction,
        "dampening": _fraction,
        "weight_decay": _non_negative,
        "nesterov": check_flag,
    }
    _state_defaults: ClassVar[dict[str, float]] = {"momentum_buffer": NONE_YET}

    def __init__(
        self,
        params: Params,
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        settings = dict(
            lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov
        )
        super().__init__(params, settings)

    @classmethod
    def _check_combination(cls, s: dict[str, Any]) -> None:
        if s["nesterov"] and (s["momentum"] <= 0.0 or s["dampening"] != 0.0):
            raise ValueError(
                f"nesterov=True needs momentum > 0 and dampening = 0, got momentum={s['momentum']!r}, "
                f"dampening={s['dampening']!r}"
            )

    def _update(self, p: Array, g: Array, old: State, s: dict[str, Any], out: State) -> tuple[Array, State]:
        lr: float = s["lr"]
        momentum: float = s["momentum"]
        state: State = {}
        if s["weight_decay"] != 0.0:
            g = g + s["weight_decay"] * p
        if momentum != 0.0:
            b = old["momentum_buffer"]
            b = state["momentum_buffer"] = np.where(np.isnan(b), g, momentum * b + (1.0 - s["dampening"]) * g)
            g = g + momentum * b if s["nesterov"] else b
        return p - lr * g, state


class RMSprop(Optimizer):
    """RMSprop, PyTorch's `torch.optim.RMSprop`. Per parameter, state starting at 0::

        g ← g + weight_decay·p
        v ← alpha·v + (1 − alpha)·g²                       (square_avg)
        ṽ ← v − ḡ², with ḡ ← alpha·ḡ + (1 − alpha)·g        (if centered; ḡ is grad_avg)
        b ← momentum·b + g / (√ṽ + eps);  p ← p − lr·b      (if momentum > 0)
        p ← p − lr·g / (√ṽ + eps)                            (otherwise)

    State: `step`, `square_avg`, and `grad_avg` (centered), `momentum_buffer` (momentum > 0).
    """

    _checks: ClassVar[dict[str, Check]] = {
        "lr": _non_negative,
        "alpha": _decay_rate,
        "eps": _positive,
        "weight_decay": _non_negative,
        "momentum": _fraction,
        "centered": check_flag,
    }
    _state_defaults: ClassVar[dict[str, float]] = dict.fromkeys(
        ("step", "square_avg", "momentum_buffer", "grad_avg"), 0.0
    )

    def __init__(
        self,
        params: Params,
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        settings = dict(
            lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered
        )
        super().__init__(params, settings)

    def _update(self, p: Array, g: Array, old: State, s: dict[str, Any], out: State) -> tuple[Array, State]:
        lr: float = s["lr"]
        alpha: float = s["alpha"]
        momentum: float = s["momentum"]
        if s["weight_decay"] != 0.0:
            g = g + s["weight_decay"] * p
        state: State = {"step": old["step"] + 1.0}
        v = state["square_avg"] = alpha * old["square_avg"] + (1.0 - alpha) * (g * g)
        if s["centered"]:
            g_avg = state["grad_avg"] = alpha * old["grad_avg"] + (1.0 - alpha) * g
            v = np.maximum(v - g_avg * g_avg, 0.0)  # >= 0 exactly (Jensen); max only absorbs rounding
        eps: float = s["eps"]
        avg = np.sqrt(v) + eps
        if momentum > 0.0:
            b = state["momentum_buffer"] = momentum * old["momentum_buffer"] + g / avg
            return p - lr * b, state
        return p - lr * (g / avg), state


class Adam(Optimizer):
    """Adam, PyTorch's `torch.optim.Adam`. Per parameter, state starting at 0, t counting steps::

        g ← g + weight_decay·p                              (L2 penalty: AdamW decouples it)
        m ← β1·m + (1 − β1)·g                               (exp_avg)
        v ← β2·v + (1 − β2)·g²                              (exp_avg_sq)
        v̂max ← max(v̂max, v), used for v below             (if amsgrad; max_exp_avg_sq)
        p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)   (bias corrections)

    State: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` (amsgrad).
    """

    _checks: ClassVar[dict[str, Check]] = {
        "lr": _non_negative,
        "betas": _betas,
        "eps": _positive,
        "weight_decay": _non_negative,
        "amsgrad": check_flag,
    }
    _state_defaults: ClassVar[dict[str, float]] = dict.fromkeys(
        ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"), 0.0
    )
    _decoupled = False

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(
            params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        )

    def _update(self, p: Array, g: Array, old: State, s: dict[str, Any], out: State) -> tuple[Array, State]:
        # the formula below, each operation written into a workspace array (`out`): the same
        # IEEE operations on the same operands as `p - step_size * (m / denom)` and its terms
        # spelt with temporaries (x·y is y·x and x + y is y + x exactly), so the same numbers
        lr: float = s["lr"]
        decay: float = s["weight_decay"]
        betas: tuple[float, float] = s["betas"]
        beta1, beta2 = betas
        new, work = _buffer(out, "param", p), _buffer(out, "work", p)
        if decay != 0.0:
            if self._decoupled:
                p = np.multiply(p, 1.0 - lr * decay, out=new)  # p·(1 − lr·λ)
            else:
                g = np.add(g, np.multiply(p, decay, out=_buffer(out, "grad", p)), out=out["grad"])  # g + λ·p
        t = np.add(old["step"], 1.0, out=_buffer(out, "step", p))
        state: State = {"step": t}
        m = np.multiply(old["exp_avg"], beta1, out=_buffer(out, "exp_avg", p))  # β1·m + (1 − β1)·g
        m = state["exp_avg"] = np.add(m, np.multiply(g, 1.0 - beta1, out=work), out=m)
        square = np.multiply(np.multiply(g, g, out=work), 1.0 - beta2, out=work)  # β2·v + (1 − β2)·g²
        v = np.multiply(old["exp_avg_sq"], beta2, out=_buffer(out, "exp_avg_sq", p))
        v = state["exp_avg_sq"] = np.add(v, square, out=v)
        if s["amsgrad"]:
            v = state["max_exp_avg_sq"] = np.maximum(
                old["max_exp_avg_sq"], v, out=_buffer(out, "max_exp_avg_sq", p)
            )
        beta1_t, beta2_t = _powers(t, beta1, beta2)
        step_size = lr / (1.0 - beta1_t)
        eps: float = s["eps"]
        denom = np.add(np.divide(np.sqrt(v, out=work), np.sqrt(1.0 - beta2_t), out=work), eps, out=work)
        update = np.multiply(np.divide(m, denom, out=work), step_size, out=work)  # step_size·(m / denom)
        return np.subtract(p, update, out=new), state


class AdamW(Adam):
    """Adam with decoupled weight decay, PyTorch's `torch.optim.AdamW` (Loshchilov & Hutter)::

        p ← p·(1 − lr·weight_decay), then Adam's update with the plain gradient g

    so the decay is not divided by √v as Adam's L2 penalty is. Default weight_decay=1e-2.
    """

    _decoupled = True

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)


def _groups(params: object) -> list[dict[str, Any]]:
    """`params` (Values, or dicts each with "params") as a non-empty list of groups."""
    if isinstance(params, Value):
        raise TypeError(f"params must be a list of Values, got one Value: wrap it in a list, [{params!r}]")
    if callable(getattr(params, "parameters", None)):
        raise TypeError(
            f"params must be a list of Values, got a {type(params).__name__}: pass model.parameters()"
        )
    if isinstance(params, (str, bytes, set, frozenset, Mapping)) or not isinstance(params, Iterable):
        raise TypeError(
            f"params must be a list of Values (an ordered iterable: state_dict() numbers them), "
            f"got {type(params).__name__}: {params!r}"
        )
    items = list(params)
    if not items:
        raise ValueError("optimizer got an empty parameter list")
    if all(isinstance(item, Mapping) for item in items):
        return [dict(item) for item in items]
    for p in items:
        if not isinstance(p, Value):
            raise TypeError(f"parameters must be Values, got {type(p).__name__}: {p!r}")
    return [{"params": items}]


_get_data = operator.attrgetter("data")
_get_grad = operator.attrgetter("grad")


def _as_slice(index: IntArray) -> IntArray | slice:
    """`index` as a slice when it is a run of consecutive positions (a group in the vector's
    order, the usual case): a view, so gathering and writing back copy nothing extra."""
    if len(index) and index[-1] - index[0] == len(index) - 1 and (np.diff(index) == 1).all():
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def _buffer(out: State, name: str, like: Array) -> Array:
    """The workspace array `name` of `out`, shaped as `like` (made on first use)."""
    x = out.get(name)
    if x is None or x.shape != like.shape:
        x = out[name] = np.empty_like(like, dtype=np.float64)
    return x


def _powers(exponents: Array, *bases: float) -> list[Array] | list[float]:
    """base ** t for each t and each base, with Python's float power (numpy's vectorised power
    may round the last bit differently); the parameters of a group usually share one step
    count: then each power is one number (the same for every parameter, and the arithmetic
    on it is done once, to the same bits as elementwise)."""
    if len(exponents) and exponents.min() == exponents.max():  # the usual case: no sort needed
        t = float(exponents[0])
        return [base**t for base in bases]
    distinct, where = np.unique(exponents, return_inverse=True)
    return [np.array([base**t for t in distinct.tolist()])[where] for base in bases]


def _jsonable(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()}


def _count(x: object) -> object:
    return len(x) if isinstance(x, list) else repr(x)


def _items(x: object) -> list[tuple[object, object]]:
    if not isinstance(x, Mapping):
        raise ValueError(f"state_dict['state'] must be a dict of parameter index to state, got {x!r}")
    return list(x.items())


def _index(key: object, known: Mapping[int, Value]) -> int:
    """A saved parameter index: an int, or its decimal string after a JSON round trip."""
    if isinstance(key, str) and key.isdecimal() and key.isascii():
        key = int(key)
    i = check_int(key, "a parameter index of state_dict['state']", min_value=0)
    if i not in known:
        raise ValueError(f"state_dict['state'] has parameter index {i}, which no param group lists")
    return i


def _state(x: object, key: object, names: tuple[str, ...]) -> dict[str, float]:
    if not isinstance(x, Mapping) or not x.keys() <= set(names):
        raise ValueError(f"the state of parameter {key!r} must be a dict with keys among {names}, got {x!r}")
    return {name: check_number(v, f"{name} of parameter {key!r}") for name, v in x.items()}


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW}
"""The optimizers by the lower-case names the lessons and the command line use."""


def make_optimizer(name: str, params: Params, **hyperparameters: Any) -> Optimizer:
    """The optimizer `name` ("sgd", "rmsprop", "adam" or "adamw") over `params`, with these
    hyperparameters (PyTorch's names; the rest PyTorch's defaults), each checked by the class:
    ``make_optimizer("adamw", model.parameters(), lr=1e-3, betas=(0.9, 0.99))``."""
    return OPTIMIZERS[check_choice(name, "optimizer", tuple(OPTIMIZERS))](params, **hyperparameters)


def even_mults(start: float, stop: float, n: int) -> list[float]:
    """`n` numbers from `start` to `stop` in equal ratios (fastai's `even_mults`):
    ``start · (stop/start) ** (i / (n − 1))``; one number is `stop`."""
    lo = check_number(start, "start", min_value=0.0, exclude_min=True)
    hi = check_number(stop, "stop", min_value=0.0, exclude_min=True)
    n = check_int(n, "n", min_value=1)
    if n == 1:
        return [hi]
    return [lo * (hi / lo) ** (i / (n - 1)) for i in range(n)]


def layer_group_params(model: Any, lr: float | tuple[float, float]) -> list[dict[str, Any]]:
    """One param group per layer group of `model` (`Module.layer_groups()`, input to output),
    for discriminative learning rates as fastai's ``lr=slice(lo, hi)`` gives them: a pair
    (lo, hi) spreads the rates geometrically from lo (the first group, the most general
    features) to hi (the last, the head); one number gives every group that rate.
    ``Adam(layer_group_params(model, (1e-4, 1e-2)))``."""
    groups = model.layer_groups()
    if isinstance(lr, tuple):
        if len(lr) != 2:
            raise ValueError(f"lr must be a number or a pair (lo, hi), got {lr!r}")
        rates = even_mults(lr[0], lr[1], len(groups))
    else:
        rates = [_positive(lr, "lr")] * len(groups)
    return [{"params": group.parameters(), "lr": rate} for group, rate in zip(groups, rates, strict=True)]
