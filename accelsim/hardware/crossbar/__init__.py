"""Analog ReRAM crossbar tiles: configuration, mapping of weight matrices onto tiles, and the
closed-form timing and action counts of the three training kernels (DESIGN.md §6)."""
from accelsim.hardware.crossbar.config import (
           CrossbarConfig,
           UpdateRule,
           crossbar_from_dict,
)
from accelsim.hardware.crossbar.kernels import (
           KernelCost,
           backward_mvm,
           forward_vmm,
           outer_product_update,
           program_weights,
)
from accelsim.hardware.crossbar.mapping import (
           CrossbarPlan,
           TileMapping,
           WeightMatrix,
           map_matrix,
           plan,
)

__all__ = ["CrossbarConfig", "UpdateRule", "crossbar_from_dict", "KernelCost", "forward_vmm",
           "backward_mvm", "outer_product_update", "program_weights", "CrossbarPlan",
           "TileMapping", "WeightMatrix", "map_matrix", "plan"]
