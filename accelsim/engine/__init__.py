"""The SimPy engine: plays a training dataflow graph back on compute units and memories."""
