"""``accelsim accuracy`` and ``accelsim accuracy-sweep``: the functional accuracy model.

accuracy        train a network with memory errors and/or crossbar non-idealities, beside an
                ideal run with the same seed; writes OUT/accuracy.json.
accuracy-sweep  final accuracy against the bit error rate of each tensor kind, or across crossbar
                presets, or across values of one crossbar parameter; writes OUT/sweep.csv and
                OUT/sweep.png.
"""
from __future__ import annotations

import json
from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.core.formats import TENSOR_KINDS
from accelsim.core.limits import DEFAULT_MAX_SAMPLE_PASSES

DEFAULT_RATES = "1e-7,1e-6,1e-5,1e-4,1e-3,1e-2"


def register(subparsers) -> None:
    p = subparsers.add_parser("accuracy", help="train a network with injected errors vs ideal",
                              description=__doc__.split("\n\n")[1])
    _common(p, default_out="accuracy_out")
    p.add_argument("--crossbar", metavar="PRESET",
                   help="map every conv2d/linear layer to this crossbar device preset "
                        "(replaces any crossbar section of --errors)")
    p.set_defaults(func=run)

    s = subparsers.add_parser("accuracy-sweep", help="accuracy vs BER per tensor kind, or "
                              "across crossbar presets/parameters (CSV + PNG)")
    _common(s, default_out="accuracy_sweep_out")
    s.add_argument("--kinds", default=",".join(TENSOR_KINDS),
                   help="tensor kinds to sweep, comma-separated (default: all five)")
    s.add_argument("--ber", default=DEFAULT_RATES,
                   help=f"bit error rates, comma-separated (default {DEFAULT_RATES})")
    s.add_argument("--presets", metavar="LIST",
                   help="sweep crossbar presets instead: 'all' or comma-separated names")
    s.add_argument("--crossbar", metavar="PRESET", help="device for --param")
    s.add_argument("--param", metavar="NAME=V1,V2,...",
                   help="sweep one crossbar parameter of --crossbar, e.g. adc_bits=4,6,8; "
                        "'states' sets both directions, 'nl' the pair (+NL, -NL)")
    s.add_argument("--set", metavar="NAME=V,NAME=V", dest="fixed",
                   help="device parameters held at every point, e.g. states=100,"
                        "update_scheme=pulse_train")
    s.add_argument("--repeats", type=int, default=1,
                   help="seeds per point (seed, seed+1, ...); the plot shows their mean")
    s.set_defaults(func=run_sweep)


def _common(p, default_out: str) -> None:
    p.add_argument("--network", default="mlp",
                   help="mlp, cnn (workloads/digits_*.yaml) or a workload YAML (default mlp)")
    p.add_argument("--errors", metavar="RUN_DIR|YAML",
                   help="a run directory (its summary.json error_profile) or a rates YAML")
    p.add_argument("--epochs", type=int, default=None, help="training epochs (default 10)")
    p.add_argument("--seed", type=int, default=0, help="training seed (0 to 2^32 - 1)")
    p.add_argument("--max-iterations", type=int, default=DEFAULT_MAX_SAMPLE_PASSES, metavar="N",
                   help="refuse a run of more than N sample iterations (epochs x training "
                        f"samples x 2 runs; default {DEFAULT_MAX_SAMPLE_PASSES:,}, about 25 "
                        "CPU-minutes; 0: no limit)")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default 0.05)")
    p.add_argument("--crossbar-lr", type=float, default=None,
                   help="in-place crossbar learning rate (default lr / (1 - momentum))")
    p.add_argument("--profile", default="accelsim",
                   help="training profile: accelsim (default) or neurosim (docs/accuracy.md)")
    p.add_argument("--dataset", default="digits",
                   help="digits (default, 8x8) or mnist (20x20 crops; needs accelsim[mnist])")
    p.add_argument("-o", "--out", default=default_out, help=f"output directory ({default_out})")


def _experiment(args, seed: int):
    from accelsim.accuracy.api import DEFAULT_EPOCHS, DEFAULT_LR, Experiment
    # `is None`, not `or`: an explicit 0 must reach Experiment's validation, not become a default
    epochs = DEFAULT_EPOCHS if args.epochs is None else args.epochs
    lr = DEFAULT_LR if args.lr is None else args.lr
    return Experiment(args.network, epochs=epochs, seed=seed, lr=lr,
                      crossbar_lr=args.crossbar_lr, profile=args.profile, dataset=args.dataset,
                      max_iterations=args.max_iterations or None)


def _errors(args):
    from accelsim.accuracy.error_profile import read_errors
    return read_errors(args.errors) if args.errors else None


def run(args) -> int:
    from accelsim.accuracy.api import with_crossbar
    from accelsim.hardware.crossbar.devices import DEVICES
    errors = _errors(args)
    if args.crossbar:
        DEVICES.get(args.crossbar, source="--crossbar")
        errors = with_crossbar(errors, args.crossbar)
    from accelsim.core.progress import progress
    experiment = _experiment(args, args.seed)
    with progress(experiment.config.epochs, "epochs") as bar:
        result = experiment.run(errors, on_epoch=lambda *_: bar.update(1))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "accuracy.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    _print_result(result)
    print(f"wrote {out / 'accuracy.json'}")
    return 0


def _print_result(r: dict) -> None:
    for note in r["network"]["adaptations"]:
        print(f"adapted: {note}")
    rates = ", ".join(f"{k} {v:g} ({r['formats'][k]})" for k, v in r["bit_error_rate"].items())
    print(f"network {r['network']['name']} on {r['dataset']['name']}, profile "
          f"{r['profile']['name']}, seed {r['seed']}, BER: {rates}")
    if r["crossbar"]:
        print(f"crossbar {r['crossbar']['device']} on {', '.join(r['crossbar']['layers'])}, "
              f"update {r['crossbar']['parameters']['update_scheme']} "
              f"({r['crossbar']['parameters']['update_rounding']} rounding)")
    print(f"{'epoch':>5}  {'train_loss':>10}  {'test_acc_%':>10}  {'ideal_acc_%':>11}  "
          f"{'delta_points':>12}")
    for i, (acc, ideal) in enumerate(zip(r["test_accuracy"], r["ideal_test_accuracy"]), 1):
        loss = r["train_loss"][i - 1]
        loss_text = f"{loss:10.4f}" if loss is not None else f"{'non-finite':>10}"
        print(f"{i:5d}  {loss_text}  {100 * acc:10.2f}  {100 * ideal:11.2f}  "
              f"{100 * (acc - ideal):+12.2f}")


def run_sweep(args) -> int:
    from accelsim.accuracy import sweep
    from accelsim.hardware.crossbar.devices import DEVICES
    if args.repeats < 1:
        raise ConfigError(f"--repeats must be at least 1, got {args.repeats}", source="--repeats")
    base = _errors(args)
    experiments = [_experiment(args, args.seed + i) for i in range(args.repeats)]
    name = experiments[0].workload.name
    title = f"{name}, {experiments[0].config.epochs} epochs, {args.repeats} seed(s)"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.presets or args.param:
        if args.presets:
            names = DEVICES.names() if args.presets == "all" else _split(args.presets)
            for preset in names:
                DEVICES.get(preset, source="--presets")
            points = [(n, "", "") for n in names]
        else:
            if not args.crossbar:
                raise ConfigError("--param needs --crossbar PRESET", source="--param",
                                  fix="add --crossbar ag-a-si (for example)")
            DEVICES.get(args.crossbar, source="--crossbar")
            parameter, values = _parse_param(args.param)
            points = [(args.crossbar, parameter, v) for v in values]
        with _bar(len(points) * len(experiments)) as bar:
            rows = sweep.sweep_crossbar(experiments, points, base,
                                        progress=lambda row: _show(bar, _crossbar_line(row)),
                                        fixed=_parse_fixed(args.fixed))
        sweep.write_csv(rows, out / "sweep.csv", sweep.CROSSBAR_COLUMNS)
        sweep.plot_crossbar(rows, out / "sweep.png", title)
    else:
        kinds = _split(args.kinds)
        for kind in kinds:
            if kind not in TENSOR_KINDS:
                raise ConfigError(f"unknown tensor kind {kind!r}", source="--kinds",
                                  fix="use some of: " + ", ".join(TENSOR_KINDS))
        rates = [_rate(v) for v in _split(args.ber)]
        with _bar(len(kinds) * len(rates) * len(experiments)) as bar:
            rows = sweep.sweep_ber(experiments, kinds, rates, base,
                                   progress=lambda row: _show(bar, _ber_line(row)))
        sweep.write_csv(rows, out / "sweep.csv", sweep.BER_COLUMNS)
        sweep.plot_ber(rows, out / "sweep.png", title)
        for kind, rate in sweep.tolerance(rows).items():
            text = f"{rate:g}" if rate is not None else "none of the swept rates"
            print(f"{kind}: accuracy drops more than 1 point from BER {text}")
    print(f"wrote {out / 'sweep.csv'} and {out / 'sweep.png'}")
    return 0


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"bit error rate {text!r} is not a number", source="--ber") from None
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"bit error rate {value:g} is outside [0, 1]", source="--ber",
                          fix="give probabilities between 0 and 1, e.g. 1e-6,1e-4")
    return value


def _parse_param(text: str):
    name, sep, values = text.partition("=")
    if not sep or not name.strip() or not values.strip():
        raise ConfigError(f"cannot read {text!r}", source="--param",
                          fix="write NAME=V1,V2,..., e.g. adc_bits=4,6,8")
    parsed = [None if v.lower() in ("null", "none") else v for v in _split(values)]
    return name.strip(), parsed


def _parse_fixed(text: str | None) -> dict:
    from accelsim.accuracy.sweep import overrides
    fixed: dict = {}
    for item in _split(text or ""):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(f"cannot read {item!r}", source="--set",
                              fix="write NAME=V,NAME=V, e.g. states=100,c2c_sigma=0")
        value = None if value.lower() in ("null", "none") else value.strip()
        fixed.update(overrides(name.strip(), value))
    return fixed


def _bar(total: int):
    from accelsim.core.progress import progress
    return progress(total, "runs")


def _show(bar, line: str) -> None:
    """Print a result line above the progress bar (plainly when there is no bar)."""
    if bar.disable:
        print(line)
    else:
        bar.write(line)
    bar.update(1)


def _ber_line(row: dict) -> str:
    return (f"{row['tensor_kind']:>16} BER {row['bit_error_rate']:<8g} seed {row['seed']}: "
            f"{100 * row['final_test_accuracy']:6.2f} % (ideal "
            f"{100 * row['ideal_final_test_accuracy']:.2f} %)")


def _crossbar_line(row: dict) -> str:
    what = f"{row['parameter']}={row['value']}" if row["parameter"] else "preset"
    return (f"{row['device']:>10} {what:<16} seed {row['seed']}: "
            f"{100 * row['final_test_accuracy']:6.2f} % (ideal "
            f"{100 * row['ideal_final_test_accuracy']:.2f} %)")
