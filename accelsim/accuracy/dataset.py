"""scikit-learn's bundled 8×8 digits (1797 images, 10 classes; no download needed).

Pixels (0..16) are scaled to [0, 1]. The split is fixed and independent of the training seed, so
runs with different seeds or errors are always scored on the same images: stratified, 75 % train
(1347 images) and 25 % test (450 images), ``train_test_split(..., random_state=0)``.

The images are read from scikit-learn's bundled file and the split from ``digits_split.json``
(the indices that split gives, checked against scikit-learn by a test), so that a run does not
pay about a CPU-second for importing scikit-learn; without that file layout it falls back to
scikit-learn itself.
"""
from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

INPUT_SHAPE = (1, 8, 8)
CLASSES = 10
TEST_FRACTION = 0.25
SPLIT_SEED = 0


@dataclass(frozen=True)
class Digits:
    train_x: np.ndarray  # (N, 1, 8, 8) float32
    train_y: np.ndarray  # (N,) int64
    test_x: np.ndarray
    test_y: np.ndarray

    def describe(self) -> dict:
        return {"name": "sklearn digits 8x8", "train_samples": len(self.train_y),
                "test_samples": len(self.test_y),
                "split": f"stratified {1 - TEST_FRACTION:.0%}/{TEST_FRACTION:.0%}, "
                         f"random_state {SPLIT_SEED}"}


SPLIT_FILE = Path(__file__).with_name("digits_split.json")


def _digits_file() -> Path | None:
    """scikit-learn's ``digits.csv.gz``, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    locations = (spec.submodule_search_locations or []) if spec else []
    path = Path(locations[0]) / "datasets" / "data" / "digits.csv.gz" if locations else None
    return path if path is not None and path.is_file() else None


@lru_cache(maxsize=1)
def load_digits_split() -> Digits:
    path = _digits_file()
    if path is not None and SPLIT_FILE.is_file():
        data = np.loadtxt(path, delimiter=",")  # 64 pixels and the label per row, as sklearn
        images, target = data[:, :-1].reshape(-1, 8, 8), data[:, -1].astype(int)
        split = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
        train, test = np.array(split["train"]), np.array(split["test"])
        x = (images / 16.0).astype(np.float32).reshape(-1, *INPUT_SHAPE)
        y = target.astype(np.int64)
        tx, vx, ty, vy = x[train], x[test], y[train], y[test]
    else:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        data = load_digits()
        x = (data.images / 16.0).astype(np.float32).reshape(-1, *INPUT_SHAPE)
        y = data.target.astype(np.int64)
        tx, vx, ty, vy = train_test_split(x, y, test_size=TEST_FRACTION, stratify=y,
                                          random_state=SPLIT_SEED)
    for array in (tx, vx, ty, vy):
        array.setflags(write=False)
    return Digits(tx, ty, vx, vy)
