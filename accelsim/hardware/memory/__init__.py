"""Memory models: technology presets, STT-MRAM write physics, scratchpad buffers and banks, DRAM."""
