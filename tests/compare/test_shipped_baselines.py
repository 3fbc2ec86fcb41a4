"""The regression gate in the suite: the repository's own suite (regress/) against its stored
baselines, bit for bit (no value moved at all, whatever the suite's tolerances)."""
from pathlib import Path

import pytest

from accelsim.tools.regress import regress

pytestmark = pytest.mark.gate

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_suite_matches_its_baselines_bit_for_bit():
    report = regress(ROOT / "regress", ROOT / "regress" / "baseline")
    assert report.results and not report.failed and not report.stale
    for result in report.results:
        assert result.status == "pass", (result.case.name, result.error)
        assert result.comparison.values > 0 and not result.comparison.changes, result.case.name
