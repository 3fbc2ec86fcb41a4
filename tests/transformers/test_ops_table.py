"""docs/transformers.md has the one table of vector operations per element and phase; the code
uses exactly those numbers."""
from pathlib import Path

from accelsim.workload.kinds.base import LAYER_KINDS
from accelsim.workload.lowering import OPTIMIZERS

DOC = Path(__file__).resolve().parents[2] / "docs/transformers.md"
PHASES = ("forward", "backward_data", "backward_weight")


def _table() -> dict[str, list[str]]:
    text = DOC.read_text()
    start = text.index("| kind | forward | backward_data | backward_weight |")
    rows = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:4]
    return rows


def _num(cell: str) -> int | None:
    return None if cell in ("—", "") else int(cell.split()[0])


def test_kinds_with_an_ops_table_match_the_doc():
    rows = _table()
    for kind in ("layernorm", "rmsnorm", "softmax", "gelu", "silu", "swiglu", "dropout",
                 "cross_entropy"):
        ops = LAYER_KINDS.get(kind).OPS
        assert [_num(c) for c in rows[kind]] == [ops.get(p) for p in PHASES], kind


def test_lowered_kinds_match_the_doc():
    rows = _table()
    emb = LAYER_KINDS.get("embedding")(name="e", vocab=10, dim=4, tokens=3)
    add = LAYER_KINDS.get("add")(name="a", channels=4, input_b="x")
    for kind, layer in (("embedding", emb), ("add", add)):
        want = [_num(c) for c in rows[kind]]
        got = [layer.lower(p, 1).ops_per_element if p in layer.phases(False) else None
               for p in PHASES]
        assert got == want, kind
    attn = LAYER_KINDS.get("attention")
    causal = attn(name="x", tokens=4, heads=1, head_dim=2).softmax_ops()
    plain = attn(name="x", tokens=4, heads=1, head_dim=2, causal=False).softmax_ops()
    cells = rows["attention softmax"]
    assert cells[0] == f"{causal['forward']} ({plain['forward']} if not causal)"
    assert _num(cells[1]) == causal["backward_data"] == plain["backward_data"]


def test_optimizer_row_matches_the_doc():
    row = _table()["update: sgd / sgd_momentum / adam / adamw"]
    assert row[0] == " / ".join(str(OPTIMIZERS[o].ops_per_weight)
                                for o in ("sgd", "sgd_momentum", "adam", "adamw")) + " per weight"
