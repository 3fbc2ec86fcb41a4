"""The ``error_profile.crossbar`` section of a run's summary (docs/design.md §8).

It tells the functional accuracy model which device and converters to replay, with the counts of
the timing run: ADC conversions, ADC saturations (``None``: the timing model does not see values,
only the functional model can count them) and update pulses, in total and per layer. Its keys are
those of ``accelsim.accuracy.error_profile.CrossbarSpec``; ``parameters`` are the user's device
overrides plus the tile's ``adc_bits``, ``dac_bits``, ``rows_per_tile`` (rows summed per forward
conversion) and ``cols_per_tile`` (weight columns summed per transpose conversion).
"""
from __future__ import annotations

from collections.abc import Iterable

from accelsim.hardware.crossbar.config import CrossbarConfig
from accelsim.hardware.crossbar.kernels import COUNT_KEYS, KernelCost


def error_profile_section(cfg: CrossbarConfig, costs: Iterable[KernelCost]) -> dict:
    """Build the section from the config and every kernel call of the run (programming included,
    reported apart). Layers appear in the order of their first kernel call."""
    per_layer: dict[str, dict] = {}
    programming = {"write_pulses": 0}
    for cost in costs:
        if cost.kernel == "program":
            programming["write_pulses"] += cost.write_pulses
            per_layer.setdefault(cost.layer, _empty())
            continue
        entry = per_layer.setdefault(cost.layer, _empty())
        entry[cost.kernel + "_calls"] += 1
        for key in COUNT_KEYS:
            entry[key] += getattr(cost, key)
    total = _empty()
    for entry in per_layer.values():
        for key, value in entry.items():
            total[key] += value
    for entry in (total, *per_layer.values()):
        entry["update_pulses"] = entry["write_pulses"]
        entry["adc_saturations"] = None
    return {
        "device": cfg.device,
        "adc_bits": cfg.adc_bits,
        "dac_bits": cfg.dac_bits,
        "parameters": cfg.device_parameters(),
        "layers": list(per_layer),
        "counts": {"total": total, "per_layer": per_layer, "programming": programming},
    }


def _empty() -> dict:
    entry = {key: 0 for key in COUNT_KEYS}
    entry.update({f"{k}_calls": 0 for k in ("forward_vmm", "backward_mvm", "update")})
    return entry
