"""How the accuracy model trains each layer kind: one translator per kind, each in its own module,
registered in :data:`~accelsim.accuracy.kinds.base.TRAINABLE_KINDS` under the kind's YAML name.

Importing this package imports every module in it, so making a layer kind trainable is one new
module here (plus its tests): nothing else lists the trainable kinds.
"""
import importlib
import pkgutil

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    importlib.import_module(f"{__name__}.{_info.name}")
