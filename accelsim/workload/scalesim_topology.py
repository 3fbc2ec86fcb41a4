"""Read a SCALE-Sim topology CSV (conv or GEMM format) unchanged into a :class:`Workload`.

Formats (SCALE-Sim 3.0.0, docs/scalesim.md). The first non-blank line is a header;
each further line is one layer:

- conv: ``name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter,
  Strides,`` → :class:`Conv2d` with ``padding = 0`` and ``output_rule = "scalesim"``: SCALE-Sim has
  no padding field (the IFMAP sizes include it) and computes ``P = ceil((H − R + s)/s)``, which
  counts a partial last window where the usual ``floor((H − R)/s) + 1`` does not;
- GEMM: ``name, M, N, K,`` → :class:`Gemm` ``(m=M, k=K, n=N)``, a weight GEMM, as SCALE-Sim's
  ``-i gemm`` mode runs it (M output rows, N output columns, K the reduction).

The format is detected from the header: ``M, N, K`` in columns 2–4 means GEMM; 8 leading columns
mean conv. SCALE-Sim itself ignores the header and reads columns by position, so a header whose
names show a different order (``name, M, K, N``; ``Channels`` where ``IFMAP Width`` belongs) is
rejected instead of being read wrongly. The workload is named after the file, batch 1, every
tensor in int8 (SCALE-Sim's 1-byte words), with ``independent_layers`` set: SCALE-Sim's layers are
independent (each reads its input from DRAM), and topologies often do not chain shapes.

Quirks of real files, and what this reader does (SCALE-Sim 3.0.0's own behaviour in brackets):

- UTF-8 byte-order mark, ``\\r\\n`` line ends, blank lines, spaces around fields: accepted.
- missing trailing comma: accepted, the row is complete [SCALE-Sim drops the last field and crashes
  or loses the stride].
- trailing empty fields (``…,1,,,,``): accepted [breaks SCALE-Sim].
- an ``N:M`` sparsity field after the last column: accepted when dense (``N == M``); a sparse ratio
  is an error, since accelsim does not model sparsity [SCALE-Sim reads it, and uses it only when
  the config turns sparsity support on].
- ``Stride height, Stride width`` (9 columns, as SCALE-Sim's own topology writer emits): accepted
  when both strides are equal; accelsim has one stride per layer.
- any other extra non-empty field: rejected with its line and column [breaks SCALE-Sim].
- a row of only commas: skipped, it carries no layer [breaks SCALE-Sim].
- a non-numeric, zero or negative dimension, or a filter larger than the IFMAP: rejected with the
  line and column name [SCALE-Sim: ValueError or assertion].
- duplicate layer names: kept, the second occurrence of ``X`` is named ``X#2``, the third ``X#3``
  [SCALE-Sim identifies layers by position]; accelsim's outputs key rows by name.
- names containing ``DP`` (conv format only): SCALE-Sim 3.0.0 treats them as depthwise and splits
  the layer into ``Channels`` separate one-channel layers named ``<name>Channel_<i>``, each with all
  ``Num Filter`` filters. accelsim does the same, so per-layer results line up with SCALE-Sim's;
  every split layer names the input of the original row (``input:``). (For a true depthwise conv with a channel
  multiplier of 1 write ``Num Filter = 1``, or use ``depthwise_conv2d`` in a YAML workload.)
"""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from accelsim.core.errors import ConfigError
from accelsim.core.yamlfile import read_text
from accelsim.workload.layers import Conv2d, Formats, Gemm, Workload

CONV_COLUMNS = ("name", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width", "Channels",
                "Num Filter", "Strides")
GEMM_COLUMNS = ("name", "M", "N", "K")
_CONV_KEYS = ("ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels", "num_filters", "stride")
_SPARSITY = re.compile(r"^(\d+)\s*:\s*(\d+)$")
INT8 = Formats(activation="int8", weight="int8", error="int8", weight_gradient="int8",
               optimizer_state="int8", mac="int8")


def _fields(line: str) -> list[str]:
    out = []
    for f in line.split(","):
        f = f.strip()
        if len(f) >= 2 and f[0] == f[-1] == '"':
            f = f[1:-1].strip()
        out.append(f)
    return out


def _classify_conv_header(token: str) -> str | None:
    """Which conv column a header name describes, or None when it cannot tell."""
    t = token.lower()
    if "stride" in t:
        return "stride"
    if "channel" in t:
        return "channels"
    is_filter = "filter" in t or "kernel" in t
    if "height" in t:
        return "filter_h" if is_filter else "ifmap_h"
    if "width" in t:
        return "filter_w" if is_filter else "ifmap_w"
    if is_filter or "num" in t:
        return "num_filters"
    return None


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.source = str(path)

    def error(self, line: int, message: str, column: str | None = None,
              fix: str | None = None) -> ConfigError:
        shown = column if column is None or not column.isdigit() else int(column)
        field = f"line {line}" + (f", column {shown!r}" if column else "")
        return ConfigError(message, source=self.source, field=field, fix=fix)

    def header(self, line: int, fields: list[str]) -> tuple[str, int]:
        """Detect the format; returns (format, number of stride columns)."""
        lead = []
        for f in fields:
            if f == "":
                break
            lead.append(f)
        if len(lead) >= 2 and re.fullmatch(r"[+-]?\d+", lead[1]):
            raise self.error(line, "the first line holds numbers, not a header",
                             fix="add a header line: SCALE-Sim skips the first line")
        low = [f.lower() for f in lead[1:4]]
        if sorted(low) == ["k", "m", "n"]:
            if low != ["m", "n", "k"]:
                raise self.error(line, f"GEMM header columns are {', '.join(lead[1:4])}",
                                 fix="SCALE-Sim reads GEMM columns by position as name, M, N, K; "
                                     "reorder the columns")
            return "gemm", 0
        if len(lead) in (4, 5) and not any(_classify_conv_header(f) for f in lead[1:4]):
            return "gemm", 0
        if len(lead) < 8:
            raise self.error(line, f"header has {len(lead)} columns, cannot tell the format",
                             fix="conv rows: " + ", ".join(CONV_COLUMNS) + "; GEMM rows: "
                                 + ", ".join(GEMM_COLUMNS))
        kinds = [_classify_conv_header(f) for f in lead[1:10]]
        for i, expected in enumerate(_CONV_KEYS):
            if kinds[i] not in (None, expected):
                raise self.error(line, f"header column {i + 2} is {lead[i + 1]!r}, but SCALE-Sim "
                                       f"reads column {i + 2} as {CONV_COLUMNS[i + 1]!r}",
                                 fix="order the columns " + ", ".join(CONV_COLUMNS))
        strides = 2 if len(kinds) > 7 and kinds[7] == "stride" else 1
        return "conv", strides

    def number(self, line: int, column: str, text: str) -> int:
        if text == "":
            raise self.error(line, "empty field", column, fix="write a positive whole number")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise self.error(line, f"not a whole number: {text!r}", column,
                             fix="write a positive whole number")
        value = int(text)
        if value <= 0:
            raise self.error(line, f"must be at least 1, got {value}", column,
                             fix="write a positive whole number")
        return value

    def extras(self, line: int, rest: list[str], header: list[str], first_col: int) -> None:
        """Fields after the last column: empty ones, or one dense N:M sparsity ratio."""
        while rest and rest[-1] == "":
            rest = rest[:-1]
        for i, text in enumerate(rest):
            col = first_col + i
            name = header[col] if col < len(header) and header[col] else str(col + 1)
            match = _SPARSITY.match(text)
            if i == 0 and match:
                n, m = int(match[1]), int(match[2])
                if not 1 <= n <= m:
                    raise self.error(line, f"invalid N:M sparsity ratio {text!r}", name,
                                     fix="write N:M with 1 <= N <= M")
                if n != m:
                    raise self.error(line, f"sparsity ratio {text} given, but accelsim does not "
                                           "model sparsity", name,
                                     fix="write 1:1 (dense) or delete the column")
                continue
            if text != "":
                gemm = first_col == len(GEMM_COLUMNS)
                batch = (" (newer SCALE-Sim versions read a 5th GEMM number as a batch count: "
                         "write one row per GEMM, or a YAML 'gemm' layer with 'count')"
                         if gemm and i == 0 and text.isdigit() else "")
                raise self.error(line, f"extra field {text!r} after the last column", name,
                                 fix="delete the extra columns; a row is "
                                     + ", ".join(GEMM_COLUMNS if gemm else CONV_COLUMNS) + batch)

    def read(self) -> Workload:
        text = read_text(self.path)
        lines = [ln.rstrip("\r") for ln in text.split("\n")]
        fmt, strides, header = None, 1, []
        rows: list[tuple[int, list[str]]] = []
        for number, raw in enumerate(lines, start=1):
            if raw.strip() == "":
                continue
            fields = _fields(raw)
            if fmt is None:
                fmt, strides = self.header(number, fields)
                header = fields
                continue
            if all(f == "" for f in fields):
                continue  # a row of only commas
            rows.append((number, fields))
        if fmt is None:
            raise ConfigError("empty topology file", source=self.source,
                              fix="write a header line and one line per layer")
        if not rows:
            raise ConfigError("no layer rows after the header", source=self.source,
                              fix="add one line per layer")
        layers = []
        for number, fields in rows:
            layers.extend(self.conv(number, fields, header, strides) if fmt == "conv"
                          else self.gemm(number, fields, header))
        return Workload(name=self.path.stem, batch=1, formats=INT8, independent_layers=True,
                        layers=_unique(layers))

    def _split(self, line: int, fields: list[str], columns: tuple[str, ...]) -> list[str]:
        width = len(columns)
        if len(fields) < width:
            raise self.error(line, f"{len(fields)} fields, expected {width}",
                             fix="a row is " + ", ".join(columns))
        if fields[0] == "":
            raise self.error(line, "empty layer name", "name", fix="name the layer")
        return fields

    def conv(self, line: int, fields: list[str], header: list[str], strides: int) -> list:
        columns = CONV_COLUMNS + (("Stride Width",) if strides == 2 else ())
        fields = self._split(line, fields, columns)
        values = [self.number(line, columns[i], fields[i]) for i in range(1, len(columns))]
        self.extras(line, fields[len(columns):], header, len(columns))
        h, w, r, s, c, k, stride = values[:7]
        if strides == 2 and values[7] != stride:
            raise self.error(line, f"stride height {stride} differs from stride width {values[7]}",
                             "Stride Width", fix="accelsim models one stride per layer")
        name = fields[0]
        shape = dict(in_h=h, in_w=w, kernel_h=r, kernel_w=s, out_channels=k, stride=stride,
                     padding=0, output_rule="scalesim")
        if "DP" not in name:
            return [self.build(line, Conv2d, name=name, in_channels=c, **shape)]
        return [self.build(line, Conv2d, name=f"{name}Channel_{i}", in_channels=1,
                           input=_DP_INPUT if i else None, **shape) for i in range(c)]

    def gemm(self, line: int, fields: list[str], header: list[str]) -> list:
        fields = self._split(line, fields, GEMM_COLUMNS)
        m, n, k = (self.number(line, GEMM_COLUMNS[i], fields[i]) for i in (1, 2, 3))
        self.extras(line, fields[4:], header, 4)
        return [self.build(line, Gemm, name=fields[0], m=m, k=k, n=n)]

    def build(self, line: int, model, **data):
        try:
            return model(**data)
        except ValidationError as exc:
            err = exc.errors()[0]
            msg = str(err.get("msg", "invalid layer")).removeprefix("Value error, ")
            raise self.error(line, f"layer {data['name']!r}: {msg}",
                             fix="SCALE-Sim rows carry no padding: the IFMAP size must "
                                 "include it") from None


#: placeholder ``input`` of the 2nd..Cth split of a 'DP' layer: resolved by :func:`_unique`
_DP_INPUT = "\0dp-input"


def _unique(layers: list) -> list:
    """Rename repeated names ``X`` → ``X#2``, ``X#3``…; point split 'DP' layers at their input."""
    seen: set[str] = set()
    counts: dict[str, int] = {}
    out = []
    dp_input: str | None = None
    for layer in layers:
        name = layer.name
        if name in seen:
            k = counts.get(name, 1)
            while f"{name}#{k}" in seen or k == 1:
                k += 1
            counts[name] = k
            name = f"{name}#{k}"
        updates: dict = {"name": name}
        if layer.input == _DP_INPUT:
            updates["input"] = dp_input
        else:
            dp_input = out[-1].name if out else None
        seen.add(name)
        out.append(layer.model_copy(update=updates))
    return out


def load_topology(path: str | Path) -> Workload:
    """Read a SCALE-Sim topology CSV (format detected from its header)."""
    return _Reader(Path(path)).read()
