"""Studies: reproducible multi-run experiments built on the simulator and the energy pass.

Each study builds its design points programmatically, runs them, and writes a table, a plot and
every run's result directory. ``accelsim study <name>`` runs one (see ``accelsim/cli/study.py``).
"""
