"""The range table of docs/inputs.md, generated from the config models (import as rangedoc).

Regenerate the table with ``python3 tests/config/rangedoc.py`` and paste it between the
markers of docs/inputs.md."""
from accelsim.core.ranges import markdown_table
from accelsim.energy.table import ENTRY_RANGES
from accelsim.hardware.crossbar.devices import PARAMETER_RANGES
from accelsim.hardware.config import HardwareConfig
from accelsim.hardware.memory.technology import OVERRIDE_RANGES
from accelsim.tools.sweep.spec import SweepSpec
from accelsim.workload.layers import Workload
from accelsim.workload.trace import GraphMeta, OpNode, Tensor

MODELS = {"hardware": HardwareConfig, "workload": Workload, "sweep": SweepSpec,
          "graph JSON": GraphMeta, "graph JSON node": OpNode, "graph JSON tensor": Tensor}
KEYED = {"hardware `technology_overrides`": {f"*{k}": r for k, r in OVERRIDE_RANGES.items()},
         "hardware `crossbar.parameters`": PARAMETER_RANGES,
         "energy table entry": {f"*{k}*": r for k, r in ENTRY_RANGES}}
BEGIN, END = "<!-- ranges: begin -->", "<!-- ranges: end -->"


def table() -> str:
    """The table; an op node's ``spec`` is a workload layer, listed under workload."""
    return "".join(line for line in markdown_table(MODELS, KEYED).splitlines(keepends=True)
                   if "`spec(" not in line)


if __name__ == "__main__":
    print(table(), end="")
