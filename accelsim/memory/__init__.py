"""Memory models: technology presets, scratchpad buffers and banks, DRAM."""
