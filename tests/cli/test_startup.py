"""Start-up: the parser and 'accelsim validate' import nothing heavy that they do not need
(speed itself is measured by benchmarks, never asserted)."""
import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.smoke

HEAVY = ("numpy", "networkx", "pydantic", "simpy", "matplotlib", "sklearn", "dask", "scipy",
         "yaml", "tqdm")


def imported(*argv: str) -> set[str]:
    code = ("import json, sys\nfrom accelsim.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_imports_nothing_heavy():
    assert imported("--help") == set()
    assert imported("run", "--help") == set()


def test_validate_imports_only_what_validation_needs(root):
    assert imported("validate", str(root / "hw_configs" / "train128_sram.yaml")) == {
        "pydantic", "yaml"}
