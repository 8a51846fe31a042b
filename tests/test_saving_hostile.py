"""Saved files, written and read back under attack (issue 24, items 21-24): a write that
fails half-way leaves the old file whole; a file that is not what it claims is a ValueError
saying what is wrong, found before anything is built."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import chainrule.digits
from chainrule.collab import lesson_ratings
from chainrule.collab_io import load_model as load_collab
from chainrule.collab_io import save_model as save_collab
from chainrule.digits import load_model as load_digits_model
from nn import EmbeddingDotBias, load_json, save_json

# ---- 21: save_json replaces the file whole, or not at all ----

WRITE_PAST_THE_LIMIT = """
import resource, signal, sys
import nn
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), no signal
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    nn.save_json({f"w{i}": i / 7 for i in range(10_000)}, sys.argv[1])
except OSError as error:
    print(type(error).__name__, error.errno)
"""


def test_a_save_that_fails_half_way_leaves_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    old = {"w0": 0.5, "w1": -1.25}
    save_json(old, path)
    result = subprocess.run(
        [sys.executable, "-c", WRITE_PAST_THE_LIMIT, str(path)], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["OSError", "27"]  # EFBIG: the new text did not fit
    assert load_json(path) == old  # not cut short at 4,096 bytes
    assert sorted(os.listdir(tmp_path)) == ["model.json"]  # no partial file left beside it


def test_save_json_writes_through_a_symlink_and_keeps_the_mode(tmp_path: Path) -> None:
    target, link = tmp_path / "real.json", tmp_path / "link.json"
    target.write_text("{}")
    target.chmod(0o640)
    link.symlink_to(target)
    save_json({"a": 1.0}, link)
    assert link.is_symlink() and load_json(target) == {"a": 1.0}
    assert target.stat().st_mode & 0o777 == 0o640


# ---- 23: load_json ----


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"w": 1e400}', "1e400 is beyond the float range"),
        ('{"w": [-1e400]}', "-1e400 is beyond the float range"),
        ('{"w": NaN}', "NaN is not a number a state can hold"),
        ("[" * 100_000 + "]" * 100_000, "it nests too deeply"),
    ],
)
def test_load_json_refuses_what_a_state_cannot_hold(tmp_path: Path, text: str, message: str) -> None:
    if "1e400" in text:
        assert json.loads(text) in ({"w": float("inf")}, {"w": [float("-inf")]})  # what json alone gives
    path = tmp_path / "state.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=rf"state\.json' is not a JSON state: {message}"):
        load_json(path)


@pytest.mark.parametrize("load", [load_digits_model, load_collab])
def test_deep_nesting_through_load_model_is_a_value_error(load: Any) -> None:
    with pytest.raises(ValueError, match="not a JSON state: it nests too deeply"):
        load(io.StringIO("[" * 100_000 + "]" * 100_000))
    with pytest.raises(ValueError, match="1e400 is beyond the float range"):
        load(io.StringIO('{"format": 1e400}'))


# ---- 22: chainrule.digits.load_model checks the sizes first ----


def test_a_digits_model_claiming_a_hundred_million_pixels_is_refused_before_building(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was built before its sizes were checked")

    monkeypatch.setattr(chainrule.digits, "make_model", never)
    record = {"format": "chainrule.digits model", "model": "logistic", "pixels": 10**8, "hidden": None}
    text = json.dumps({**record, "classes": 10, "state_dict": {"w": 0.5}})
    assert len(text) < 150
    with pytest.raises(ValueError, match=r"logistic model of sizes 100000000 → 10 has 1000000010 parameters"):
        load_digits_model(io.StringIO(text))
    for key, bad, message in [
        ("pixels", True, "pixels must be an int, got bool"),
        ("classes", 0, "classes must satisfy"),
        ("hidden", 5, "a logistic model has no hidden layer"),
        ("state_dict", [], "state_dict must be an object"),
    ]:
        with pytest.raises(ValueError, match=message):
            load_digits_model(io.StringIO(json.dumps({**json.loads(text), key: bad})))


# ---- 24: chainrule.collab_io.load_model ----


def saved_collab() -> dict[str, Any]:
    ratings = lesson_ratings()
    model = EmbeddingDotBias(3, ratings.n_users, ratings.n_items, y_range=(0.0, 5.5), rng=0)
    text = io.StringIO()
    save_collab(model, ratings, text)
    document: dict[str, Any] = json.loads(text.getvalue())
    return document


def test_a_saved_collab_model_still_loads() -> None:
    document = saved_collab()
    model, ids = load_collab(io.StringIO(json.dumps(document)))
    assert [w.data for w in model.user_factors.weight[2]] == document["user_factors"][2]
    assert ids.user_ids == tuple(document["user_ids"]) and model.y_range == (0.0, 5.5)


def _broken(change: Any) -> str:
    document = saved_collab()
    change(document)
    return json.dumps(document)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("y_range"), "no 'y_range' in it"),
        (lambda d: d.pop("item_bias"), "no 'item_bias' in it"),
        (
            lambda d: d["user_factors"][0].__setitem__(1, True),
            r"each weight of user_factors must be a real number, got bool",
        ),
        (
            lambda d: d["item_factors"][3].__setitem__(0, "0.5"),
            r"each weight of item_factors must be a real number, got str",
        ),
        (lambda d: d["user_bias"].__setitem__(0, None), "each weight of user_bias must be a real number"),
        (lambda d: d["user_ids"].__setitem__(1, d["user_ids"][0]), r"user_ids: id \d+ is given twice"),
        (lambda d: d["item_ids"].__setitem__(0, False), "each of item_ids must be an int, got bool"),
        (lambda d: d.__setitem__("factors", 10**8), "user_factors: expected 15 rows of 100000000 numbers"),
        (lambda d: d.__setitem__("y_range", [5.5, 0.0]), "low < high"),
        (lambda d: d.__setitem__("titles", {"1_0": "x"}), "titles: key '1_0' is not a whole number"),
    ],
)
def test_a_broken_collab_file_is_a_clear_value_error(change: Any, message: str) -> None:
    with pytest.raises(ValueError, match=r"not a saved collab model: .*" + message):
        load_collab(io.StringIO(_broken(change)))
