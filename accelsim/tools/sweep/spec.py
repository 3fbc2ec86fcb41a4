"""The sweep file: a base hardware config, workloads and axes of overrides (docs/sweeps.md).

.. code-block:: yaml

    name: array_x_tech
    base: ../hw_configs/train128_sram.yaml     # paths are relative to the sweep file
    workloads: [../workloads/digits_mlp.yaml, ../workloads/resnet18.yaml]
    batch: 1                                   # optional: override every workload's batch
    combine: product                           # product (default) or zip of the axes
    axes:
      - {path: scratchpad.*.technology, values: [sram_22nm, stt_mram_22nm], label: tech}
      - zip:                                   # a zipped group: values move together
          - {path: arrays.0.rows, values: [64, 128], label: rows}
          - {path: arrays.0.cols, values: [64, 128], label: cols}

An axis ``path`` is a dotted path into the hardware YAML (list items by index, by ``name`` or
``*`` for all), or one of the workload-level names ``workload`` and ``batch``. The listed
``workloads`` are crossed with all axes (outermost).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from accelsim.core.phases import PhaseSet
from accelsim.core.ranges import Seed
from accelsim.core.yamlfile import load_yaml, validate
from accelsim.workload.layers import Batch

#: axis paths that set the workload instead of the hardware config
WORKLOAD_AXES = ("workload", "batch")


class Axis(BaseModel):
    """One axis (``path`` + ``values``) or a zipped group of axes (``zip``)."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str | None = None
    values: list[Any] | None = Field(default=None, min_length=1)
    zip: list["Axis"] | None = Field(default=None, min_length=2)
    label: str | None = Field(default=None, description="short name in exports and plots")

    @model_validator(mode="after")
    def _one_kind(self):
        if self.zip is not None:
            if self.path is not None or self.values is not None:
                raise ValueError("an axis has either 'path' and 'values' or 'zip', not both")
            if any(a.zip is not None for a in self.zip):
                raise ValueError("zip groups cannot be nested")
            if self.label is not None:
                raise ValueError("a zip group has no label of its own; label its members")
            lengths = {len(a.values) for a in self.zip}
            if len(lengths) > 1:
                raise ValueError(f"the axes of a zip group need equally many values "
                                 f"(got {', '.join(str(len(a.values)) for a in self.zip)})")
        elif self.path is None or self.values is None:
            raise ValueError("an axis needs 'path' and 'values' (or 'zip: [axes]')")
        return self

    @property
    def members(self) -> list["Axis"]:
        return list(self.zip) if self.zip is not None else [self]

    @property
    def length(self) -> int:
        return len(self.members[0].values)

    @property
    def name(self) -> str:
        """The column name of a single axis (its label, else its path)."""
        return self.label or self.path


class SweepSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str | None = None
    base: str = Field(description="hardware config (.yaml), relative to the sweep file")
    workloads: list[str] = Field(default_factory=list)
    phases: PhaseSet = "training"
    batch: Batch | None = None
    seed: Seed = 0
    combine: Literal["product", "zip"] = "product"
    axes: list[Axis] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self):
        paths = [m.path for a in self.axes for m in a.members]
        dup = sorted({p for p in paths if paths.count(p) > 1})
        if dup:
            raise ValueError(f"axis path {dup[0]!r} appears more than once")
        names = [m.name for a in self.axes for m in a.members]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"axis label {dup[0]!r} appears more than once; give each a 'label'")
        if not self.workloads and "workload" not in paths:
            raise ValueError("no workload: list 'workloads' or add an axis with path 'workload'")
        if self.workloads and "workload" in paths:
            raise ValueError("give the workloads either as 'workloads' or as a 'workload' axis")
        if self.combine == "zip" and len({a.length for a in self.axes}) > 1:
            raise ValueError("combine: zip needs equally many values on every axis")
        return self


def spec_identity(spec: SweepSpec, sweep_path: str | Path) -> str:
    """SHA-256 of what makes a sweep this sweep: every field of the spec except the values
    along its axes and the listed workloads (a sweep grown by more values or workloads is the
    same sweep), plus the bytes of its base config file."""
    data = spec.model_dump(mode="json", exclude={"workloads"})
    for axis in data["axes"]:
        for member in axis["zip"] or [axis]:
            member.pop("values", None)
    base = Path(sweep_path).parent / Path(spec.base).expanduser()
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode())
    digest.update(base.read_bytes() if base.is_file() else b"")
    return digest.hexdigest()


def load_spec(path: str | Path) -> SweepSpec:
    return validate(SweepSpec, load_yaml(path), str(path))
