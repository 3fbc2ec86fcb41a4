"""Run the functional accuracy model: train with errors beside an ideal run, report as a dict.

The dict is what ``accelsim accuracy`` writes as ``accuracy.json`` (documented in
docs/accuracy.md) and what ``accelsim run … --accuracy`` adds to ``summary.json`` through
:func:`evaluate_error_profile`.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from accelsim import __version__
from accelsim.accuracy.dataset import DEFAULT_DATASET, load_dataset
from accelsim.accuracy.error_profile import CrossbarSpec, ErrorSpec, spec_from_profile
from accelsim.accuracy.profiles import DEFAULT_PROFILE, PROFILES
from accelsim.accuracy.trainer import History, TrainConfig, train
from accelsim.accuracy.workload_network import (
    CROSSBAR_KINDS,
    load_network_workload,
    plan_network,
    scaling_of,
    training_batch,
)
from accelsim.core.errors import ConfigError
from accelsim.core.formats import TENSOR_KINDS
from accelsim.core.limits import DEFAULT_MAX_SAMPLE_PASSES
from accelsim.core.ranges import Seed, range_of
from accelsim.hardware.crossbar.devices import DEVICES, CrossbarDevice, resolve_device

SCHEMA = "accelsim.accuracy/1"
DEFAULT_EPOCHS = 10
DEFAULT_LR = 0.05
DEFAULT_MOMENTUM = 0.9


class Experiment:
    """A network, its formats and training settings; trains ideal and faulty runs of it."""

    def __init__(self, network: str = "mlp", *, epochs: int = DEFAULT_EPOCHS, seed: int = 0,
                 lr: float = DEFAULT_LR, batch: int | None = None,
                 crossbar_lr: float | None = None, profile: str = DEFAULT_PROFILE,
                 dataset: str = DEFAULT_DATASET,
                 max_iterations: int | None = DEFAULT_MAX_SAMPLE_PASSES):
        if epochs < 1:
            raise ConfigError(f"epochs must be at least 1, got {epochs}", source="--epochs")
        if problem := range_of(Seed).problem(seed):
            raise ConfigError(problem, field="--seed", fix="use a seed in "
                              f"{range_of(Seed).text()} (with --repeats R: seed + R - 1 too)")
        if not (lr > 0 and math.isfinite(lr)):
            raise ConfigError(f"learning rate must be positive, got {lr}", source="--lr")
        if crossbar_lr is not None and not (crossbar_lr > 0 and math.isfinite(crossbar_lr)):
            raise ConfigError(f"crossbar learning rate must be positive, got {crossbar_lr}",
                              source="--crossbar-lr")
        self.profile = PROFILES.get(profile, source="--profile")
        self.data = load_dataset(dataset)
        self.workload, self.source = load_network_workload(network)
        if self.workload.optimizer == "adam":
            raise ConfigError("optimizer 'adam' is not modelled by the functional model",
                              source=self.source, field="optimizer",
                              fix="use sgd_momentum or sgd")
        self.plans, self.notes = plan_network(self.workload, self.source, self.data.input_shape)
        self.scaling = scaling_of(self.workload, self.data.input_shape)
        normalised = any(p.kind == "batch_norm" for p in self.plans)
        momentum = DEFAULT_MOMENTUM if self.workload.optimizer == "sgd_momentum" else 0.0
        self.config = TrainConfig(epochs=epochs, lr=lr, momentum=momentum, seed=seed,
                                  batch=batch or training_batch(self.workload, self.plans,
                                                                self.notes),
                                  crossbar_lr=crossbar_lr, schedule=self.profile.schedule,
                                  drop_last=normalised)
        self._check_work(max_iterations)
        self.formats = {k: getattr(self.workload.formats, k) for k in TENSOR_KINDS}
        self._ideal: dict[tuple, History] = {}

    @property
    def iterations(self) -> int:
        """Sample iterations (one sample forward and backward) of one run() with its ideal
        twin: epochs x training samples x 2."""
        return self.config.epochs * len(self.data.train_y) * 2

    def _check_work(self, limit: int | None) -> None:
        if limit is not None and self.iterations > limit:
            raise ConfigError(
                f"{self.config.epochs} epochs of {len(self.data.train_y)} samples, with and "
                f"without errors, are {self.iterations:.3g} sample iterations, more than the "
                f"limit {limit:.3g}", field="--epochs",
                fix=f"use fewer epochs (at most {limit // (2 * len(self.data.train_y))}), or "
                    f"raise the limit with --max-iterations {self.iterations}")

    @property
    def weight_layers(self) -> list[str]:
        return [p.name for p in self.plans if p.kind in CROSSBAR_KINDS]

    def resolve_crossbar(self, spec: CrossbarSpec | None, source: str | None
                         ) -> tuple[CrossbarDevice | None, list[str]]:
        """The device and the mapped layer names of a crossbar section (None: no crossbar).
        The profile's settings come first; the section's parameters and converters override them."""
        if spec is None:
            return None, []
        preset = DEVICES.get(spec.device, source=source, field="crossbar.device")
        rows = spec.parameters.get("rows_per_tile", preset.rows_per_tile)
        rows = rows if isinstance(rows, int) and rows > 0 else preset.rows_per_tile
        profile = {} if preset.is_ideal else self.profile.device_overrides(rows)
        parameters = {**profile, **spec.parameters}
        for key in ("adc_bits", "dac_bits"):
            if getattr(spec, key) is not None:
                parameters[key] = getattr(spec, key)
        device = resolve_device(spec.device, parameters, source=source)
        layers = self.weight_layers if spec.layers is None else list(spec.layers)
        for name in layers:
            if name not in self.weight_layers:
                raise ConfigError(f"layer {name!r} is not a conv2d/linear layer of "
                                  f"{self.workload.name}", source=source, field="crossbar.layers",
                                  fix="use some of: " + ", ".join(self.weight_layers))
        return device, layers

    def ideal(self, formats: dict[str, str]) -> History:
        key = tuple(sorted(formats.items()))
        if key not in self._ideal:
            self._ideal[key] = train(self.plans, self.data, self.config, formats=formats)
        return self._ideal[key]

    def run(self, errors: ErrorSpec | None = None, on_epoch=None) -> dict[str, Any]:
        """Train with ``errors`` and beside it the ideal run; the accuracy.json dict.
        ``on_epoch(epoch, history)`` is called after each epoch of the run with errors."""
        errors = errors or ErrorSpec()
        formats = {**self.formats, **errors.formats}
        device, layers = self.resolve_crossbar(errors.crossbar, errors.source)
        ideal = self.ideal(formats)
        faulty = train(self.plans, self.data, self.config, formats=formats,
                       bit_error_rate=errors.bit_error_rate, device=device, crossbar_layers=layers,
                       protection=errors.protection, on_epoch=on_epoch)
        return self._report(errors, formats, device, layers, faulty, ideal)

    def _report(self, errors, formats, device, layers, faulty: History, ideal: History) -> dict:
        cfg = self.config
        final, ideal_final = faulty.test_accuracy[-1], ideal.test_accuracy[-1]
        return {
            "schema": SCHEMA,
            "tool_version": __version__,
            "network": {"name": self.workload.name, "source": self.source,
                        "layers": [{"name": p.name, "kind": p.kind} for p in self.plans],
                        "adaptations": list(self.notes),
                        "scaling": {**self.scaling.as_dict(), "workload_batch": self.workload.batch,
                                    "trained_batch": cfg.batch}},
            "dataset": self.data.describe(),
            "profile": self.profile.as_dict(),
            "seed": cfg.seed,
            "epochs": cfg.epochs,
            "batch": cfg.batch,
            "learning_rate": cfg.lr,
            "momentum": cfg.momentum,
            "learning_rate_schedule": cfg.schedule,
            "crossbar_learning_rate": cfg.in_place_lr if device is not None else None,
            "errors_source": errors.source,
            "formats": formats,
            "bit_error_rate": dict(errors.bit_error_rate),
            "protection": {k: {"protect": p.protect, "saturate": p.saturate}
                           for k, p in sorted(errors.protection.items())},
            "crossbar": None if device is None else {"device": device.name, "layers": layers,
                                                     "parameters": device.as_dict()},
            "test_accuracy": faulty.test_accuracy,
            "ideal_test_accuracy": ideal.test_accuracy,
            "train_loss": [_finite(v) for v in faulty.train_loss],
            "ideal_train_loss": [_finite(v) for v in ideal.train_loss],
            "final_test_accuracy": final,
            "ideal_final_test_accuracy": ideal_final,
            "accuracy_drop_points": round(100.0 * (ideal_final - final), 6),
            "bits_written": faulty.bits_written,
            "bit_flips_injected": faulty.bit_flips,
            "crossbar_events": faulty.crossbar_events,
        }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def evaluate_error_profile(error_profile: dict, *, network: str = "mlp",
                           epochs: int = DEFAULT_EPOCHS, seed: int = 0,
                           profile: str = DEFAULT_PROFILE, dataset: str = DEFAULT_DATASET) -> dict:
    """Train ``network`` with a timing run's ``error_profile`` injected (for ``run --accuracy``).

    Returns the accuracy.json dict. Raises ConfigError on a profile of the wrong schema.
    """
    spec = spec_from_profile(error_profile, source="error_profile")
    return Experiment(network, epochs=epochs, seed=seed, profile=profile, dataset=dataset).run(spec)


def with_crossbar(errors: ErrorSpec | None, preset: str) -> ErrorSpec:
    """``errors`` with its crossbar section replaced by ``preset`` on every layer."""
    base = errors or ErrorSpec()
    return replace(base, crossbar=CrossbarSpec(device=preset))
