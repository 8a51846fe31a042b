"""`chainrule collab`: fit a dot-product model to ratings (the course's crosstab by default, or
MovieLens files), one line per epoch, then the movies ranked by learned bias."""

from __future__ import annotations

import argparse
import dataclasses
import io
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chainrule.cli._common import (
    CLIError,
    add_mode_and_lr_find,
    check_outputs,
    numbers_that_fit,
    parse_count,
    parse_number,
    parse_numbers,
    training_changes,
    write_output,
)
from chainrule.cli._finder import print_finder
from chainrule.collab import (
    CROSSTAB,
    MODES,
    MOVIELENS,
    OPTIMIZERS,
    SOLVER_RMSE,
    FitSettings,
    lesson_ratings,
    squared_error,
    start_fit,
)
from chainrule.collab_io import save_model
from chainrule.embeddings import component_ends, factor_map_figure, item_biases, mean_ratings, most_rated
from nn.data import FORMATS, DataFileError, Ratings, read_ratings
from nn.lr_find import lr_find

RANKED_AMONG = 1000  # on large data, rank the most-rated movies only, as the lesson does
PLOTTED = 50  # movies on the factor map
MAX_FACTORS = 1024  # 2.7 million weights on MovieLens 100K (2,625 users and movies), more on larger sets


MOVIELENS_SOURCE = (
    "MovieLens is not bundled and never downloaded: get ml-100k.zip (or ml-latest-small.zip) from "
    "https://grouplens.org/datasets/movielens/, unzip it, and give --ratings the folder "
    "(ml-100k, holding u.data and u.item) or its ratings file"
)


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "collab",
        help="fit user and movie factors to ratings; the movies ranked by learned bias",
        description="Fit a dot-product model (user factors · movie factors, plus biases) to "
        "ratings: the course's 15 × 15 crosstab by default, as its collab_filter sheet does, or "
        "MovieLens files. Print the training and validation RMSE after each epoch, then the "
        "movies everyone likes more than their factors say (highest bias) and those to avoid.",
    )
    parser.add_argument("--ratings", metavar="PATH", help="a ratings file or folder (default: the crosstab)")
    parser.add_argument("--format", choices=FORMATS, help="the file's kind (default: guessed from its name)")
    group = parser.add_argument_group(
        "the model and its training",
        "Defaults for the crosstab are the sheet's (5 factors, biases, every rating, full batches, "
        f"Adam at {CROSSTAB.lr} for {CROSSTAB.epochs} epochs); for MovieLens files, "
        f"{MOVIELENS.factors} factors, y-range 0,5.5, batches of {MOVIELENS.batch_size}, one-cycle "
        f"Adam peaking at {MOVIELENS.lr}, weight decay {MOVIELENS.weight_decay}, "
        f"{MOVIELENS.epochs} epochs, 20% held out.",
    )
    group.add_argument("--factors", metavar="N", help="latent factors per user and per movie")
    group.add_argument(
        "--bias", action=argparse.BooleanOptionalAction, default=True, help="a bias per user and per movie"
    )
    group.add_argument("--y-range", metavar="LO,HI", help="squash predictions into LO..HI with a sigmoid")
    group.add_argument("--optimizer", choices=OPTIMIZERS, help="nn.optim's Adam, AdamW or SGD")
    group.add_argument("--lr", help="learning rate (the peak of the cycle with --one-cycle)")
    group.add_argument("--weight-decay", metavar="WD", help="the optimizer's weight_decay")
    group.add_argument("--epochs", help="passes over the training ratings")
    group.add_argument("--batch-size", metavar="N", help="ratings per step, or 'all'")
    group.add_argument(
        "--one-cycle", action=argparse.BooleanOptionalAction, default=None, help="fastai's one-cycle schedule"
    )
    group.add_argument("--valid-pct", metavar="P", help="share of the ratings held out (0 for none)")
    group.add_argument("--seed", help="for the split, the initial weights and the batches (default 0)")
    add_mode_and_lr_find(parser, group, MODES)
    parser.add_argument("--every", metavar="N", help="print every Nth epoch and the last (default: all)")
    parser.add_argument("--top", default="10", metavar="N", help="movies shown at each end (default 10)")
    parser.add_argument("--plot", metavar="PATH", help="write a PNG of the movie factors' main axes here")
    parser.add_argument("--save", metavar="PATH", help="write the fitted model as JSON here")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    ratings, bundled = _ratings(args)
    settings = _settings(args, CROSSTAB if _is_crosstab(args) else MOVIELENS, bundled)
    every = 50 if settings.batch_size is None else 1
    if args.every is not None:
        every = parse_count(args.every, "--every", min_value=1)
    top = parse_count(args.top, "--top")
    check_outputs((args.plot, "--plot"), (args.save, "--save"))
    if args.lr_find:
        return _lr_find(args, ratings, settings)
    with numbers_that_fit(args, ("--lr", "--weight-decay", "--y-range", "--valid-pct")):
        fit = start_fit(ratings, settings, mode=args.mode)
        held_out = len(fit.valid) if fit.valid is not None else 0
        print(f"{ratings}: {len(fit.train)} to train on, {held_out} held out")
        print(f"{fit.model!r}, {fit.optimizer!r}, {_batches(settings)}")
        print(f"{'epoch':>5}  {'train RMSE':>10}  {'valid RMSE':>10}  {'seconds':>7}")
        last = None
        for record in fit.epochs:
            last = record
            if record.epoch % every == 0 or record.epoch in (1, settings.epochs):
                valid = "-" if math.isnan(record.valid_rmse) else f"{record.valid_rmse:.4f}"
                print(f"{record.epoch:>5}  {record.train_rmse:>10.4f}  {valid:>10}  {record.seconds:>7.3f}")
    if last is not None and bundled and settings.factors == 5 and settings.y_range is None and not held_out:
        sheet = "bias" if settings.bias else "dotprod"
        print(
            f"the sheet's Solver ({sheet} sheet): {SOLVER_RMSE[sheet]:.4f}; this fit: {last.train_rmse:.4f}"
        )
    _print_biases(fit.model, ratings, top)
    if args.plot is not None:
        items = most_rated(ratings, PLOTTED)
        picture = io.BytesIO()
        factor_map_figure(fit.model, ratings, items).savefig(picture, format="png", dpi=100)
        write_output(args.plot, picture.getvalue(), "--plot")
        print(f"wrote {args.plot}")
    if args.save is not None:
        text = io.StringIO()
        save_model(fit.model, ratings, text)
        write_output(args.save, text.getvalue().encode(), "--save")
        print(f"wrote {args.save}")
    return 0


def _lr_find(args: argparse.Namespace, ratings: Ratings, settings: FitSettings) -> int:
    if args.save is not None:
        raise CLIError("--save: --lr-find fits nothing to save")
    with numbers_that_fit(args, ("--lr", "--weight-decay", "--y-range")):
        fit = start_fit(ratings, settings, mode=args.mode)
        print(
            f"{ratings}: {len(fit.train)} to train on; {fit.model!r}, {fit.optimizer!r}, {_batches(settings)}"
        )
        finder = lr_find(
            fit.model, fit.optimizer, fit.train, loss=squared_error, batch_size=settings.batch_size,
            mode=args.mode, rng=random.Random(settings.seed),
        )  # fmt: skip
    print_finder(finder, args.plot, f"{fit.model!r}")
    return 0


def _ratings(args: argparse.Namespace) -> tuple[Ratings, bool]:
    if args.ratings is None:
        if args.format not in (None, "crosstab"):
            raise CLIError(f"--format {args.format} needs --ratings PATH (the default is the crosstab)")
        return lesson_ratings(), True
    if not Path(args.ratings).exists():
        raise CLIError(f"--ratings: no such file or folder: {args.ratings!r}. {MOVIELENS_SOURCE}")
    kind = args.format or _guess(Path(args.ratings))
    try:
        return read_ratings(args.ratings, kind), False
    except (OSError, DataFileError) as error:
        raise CLIError(f"--ratings: {error}") from None


def _guess(path: Path) -> str:
    if path.name == "u.data" or (path / "u.data").is_file():
        return "ml-100k"
    if path.name == "ratings.csv" or (path / "ratings.csv").is_file():
        return "ml-latest"
    return "crosstab"


def _is_crosstab(args: argparse.Namespace) -> bool:
    return args.ratings is None or (args.format or _guess(Path(args.ratings))) == "crosstab"


def _settings(args: argparse.Namespace, base: FitSettings, bundled: bool) -> FitSettings:
    changes: dict[str, Any] = {"bias": args.bias}
    if args.factors is not None:
        changes["factors"] = parse_count(args.factors, "--factors", min_value=1, max_value=MAX_FACTORS)
    if args.y_range is not None:
        changes["y_range"] = _y_range(args.y_range)
    if args.optimizer is not None:
        changes["optimizer"] = args.optimizer
    changes.update(training_changes(args))
    if args.batch_size is not None:
        size = args.batch_size
        changes["batch_size"] = None if size == "all" else parse_count(size, "--batch-size", min_value=1)
    if args.one_cycle is not None:
        changes["one_cycle"] = args.one_cycle
    if args.valid_pct is not None:
        changes["valid_pct"] = parse_number(args.valid_pct, "--valid-pct")
    elif not bundled:
        changes["valid_pct"] = 0.2
    if args.seed is not None:
        changes["seed"] = parse_count(args.seed, "--seed")
    return dataclasses.replace(base, **changes)


def _batches(settings: FitSettings) -> str:
    size = "full batches" if settings.batch_size is None else f"batches of {settings.batch_size}"
    return size + (", one-cycle schedule" if settings.one_cycle else "")


def _print_biases(model: Any, ratings: Ratings, top: int) -> None:
    if model.item_bias is None:
        print("no biases to rank (--no-bias)")
        return
    if top == 0:
        return
    among = most_rated(ratings, RANKED_AMONG) if ratings.n_items > RANKED_AMONG else None
    ranked = item_biases(model, among)
    scope = f" (among the {RANKED_AMONG} most-rated)" if among is not None else ""
    means = mean_ratings(ratings)
    # the lesson's "movies to avoid" are MovieLens's, with titles and negative biases; the
    # bundled crosstab's biases are all positive: its lowest are no movies to avoid
    if ranked[-1][1] >= 0.0:
        low = ": every bias is positive, so none of these is a movie to avoid"
    else:
        low = ": the movies to avoid" if ratings.titles else ""
    for title, rows in (
        (f"highest bias{scope}: liked more than their factors say", ranked[:top]),
        (f"lowest bias{scope}{low}", ranked[::-1][:top]),
    ):
        print(f"\n{title}")
        print(_movie_lines([(item, f"{b:+.3f}") for item, b in rows], "bias", ratings, means))
    _print_component_ends(model, ratings, among, means, min(top, ratings.n_items // 2))


def _print_component_ends(
    model: Any, ratings: Ratings, among: list[int] | None, means: dict[int, tuple[float, int]], n: int
) -> None:
    """The movies at both ends of each principal axis of the movie factors, as the lesson
    reads the axes."""
    if n == 0 or model.item_factors.dim < 2:
        return
    ends = component_ends(model, among, min(3, model.item_factors.dim), n)
    scope = f" (among the {RANKED_AMONG} most-rated)" if among is not None else ""
    for axis, (explained, high, low) in enumerate(ends, start=1):
        print(f"\nprincipal axis {axis} of the movie factors{scope}, {explained:.0%} of their variance")
        lines = (
            [(item, f"{c:+.3f}") for item, c in high]
            + [(None, "…")]
            + [(item, f"{c:+.3f}") for item, c in low]
        )
        print(_movie_lines(lines, "along it", ratings, means))


def _movie_lines(
    rows: Sequence[tuple[int | None, str]], what: str, ratings: Ratings, means: dict[int, tuple[float, int]]
) -> str:
    """Aligned lines: the number (bias or coordinate), the movie's mean rating and how many
    ratings it has, its title; an item None is a "…" line between two ends."""
    width = max(len(what), *(len(text) for _, text in rows))
    lines = [f"  {what.rjust(width)}  {'mean':>4}  {'ratings':>7}  movie"]
    for item, text in rows:
        if item is None:
            lines.append(f"  {text.rjust(width)}")
            continue
        mean, count = means[item]
        lines.append(f"  {text.rjust(width)}  {mean:4.2f}  {count:7d}  {ratings.title(item)}")
    return "\n".join(lines)


def _y_range(text: str) -> tuple[float, float]:
    lo, hi = parse_numbers(text, 2, "--y-range", "LO,HI")
    if not lo < hi:
        raise CLIError(f"--y-range: LO must be below HI, got {text!r}")
    return lo, hi
