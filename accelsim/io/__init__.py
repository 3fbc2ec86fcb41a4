"""Reading and writing files: YAML configs, result directories."""
