"""Hardware configuration: pydantic models, YAML and SCALE-Sim .cfg loading."""
