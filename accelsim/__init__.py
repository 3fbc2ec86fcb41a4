"""accelsim: a discrete-event, cycle-level simulator of DNN training accelerators."""

__version__ = "0.1.0"
