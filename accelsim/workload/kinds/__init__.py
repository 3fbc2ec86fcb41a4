"""The layer kinds: one class per kind, each in its own module, registered in
:data:`~accelsim.workload.kinds.base.LAYER_KINDS` under its YAML ``kind`` name.

Importing this package imports every module in it, so adding a layer kind is one new module here
(plus its tests): nothing else lists the kinds.
"""
import importlib
import pkgutil

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    importlib.import_module(f"{__name__}.{_info.name}")
