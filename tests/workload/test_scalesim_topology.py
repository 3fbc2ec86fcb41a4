"""SCALE-Sim topology CSV reader: both formats, every quirk of real files, located errors."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from accelsim.core.errors import ConfigError
from accelsim.workload.layers import Conv2d, Gemm
from accelsim.workload.loader import load_workload
from accelsim.workload.scalesim_topology import load_topology

DATA = Path(__file__).resolve().parents[1] / "data" / "scalesim" / "topologies"
CONV_HEADER = ("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
               "Num Filter, Strides,\n")


def write(tmp_path: Path, text: str, name: str = "topo.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_topology(path)
    text = str(info.value)
    assert "\n" not in text
    assert str(path) in text
    return text


# --- the two formats -------------------------------------------------------------------------

def test_conv_row_maps_to_scalesim_conv(tmp_path):
    wl = load_topology(write(tmp_path, CONV_HEADER + "c1, 16, 12, 3, 5, 32, 64, 2,\n"))
    assert wl.name == "topo" and wl.batch == 1
    (layer,) = wl.layers
    assert isinstance(layer, Conv2d)
    assert (layer.in_h, layer.in_w, layer.kernel_h, layer.kernel_w) == (16, 12, 3, 5)
    assert (layer.in_channels, layer.out_channels, layer.stride, layer.padding) == (32, 64, 2, 0)
    assert layer.output_rule == "scalesim"
    # SCALE-Sim's ceil((H - R + s)/s), which counts the partial last window
    assert (layer.out_h, layer.out_w) == (math.ceil((16 - 3 + 2) / 2), math.ceil((12 - 5 + 2) / 2))
    assert (layer.out_h, layer.out_w) == (8, 5)  # floor rule would give 7 and 4


def test_gemm_row_maps_m_n_k(tmp_path):
    wl = load_topology(write(tmp_path, "Layer, M, N, K,\ng1, 196, 1176, 64,\n"))
    (layer,) = wl.layers
    assert isinstance(layer, Gemm)
    assert (layer.m, layer.n, layer.k, layer.count, layer.has_weights) == (196, 1176, 64, 1, True)


def test_every_format_is_int8(tmp_path):
    wl = load_topology(write(tmp_path, "Layer, M, N, K,\ng1, 2, 3, 4,\n"))
    formats = wl.formats.model_dump(exclude_none=True)
    assert formats.pop("accumulator") == "int32"  # the int8 MACs' default accumulator
    assert set(formats.values()) == {"int8"}


def test_loader_dispatches_csv(tmp_path):
    wl = load_workload(write(tmp_path, "Layer, M, N, K,\ng1, 2, 3, 4,\n"))
    assert isinstance(wl.layers[0], Gemm)


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.csv")
                                        if p.name != "sparsity_gemm.csv"))
def test_every_reference_topology_loads(name):
    wl = load_topology(DATA / name)
    rows = [ln for ln in (DATA / name).read_text(encoding="utf-8-sig").splitlines()[1:]
            if ln.strip(" ,")]
    assert len(wl.layers) == len(rows)


# --- quirks that are accepted -----------------------------------------------------------------

def test_bom_crlf_blank_lines_and_padding(tmp_path):
    text = ("\ufeffLayer name,Ifmap height,ifmap width,filter height,filter width,channels,"
            "num filters,strides,\r\n\r\n  a ,  224 ,224,7 , 7,3,64,  2  ,\r\n\r\n")
    (layer,) = load_topology(write(tmp_path, text)).layers
    assert layer.name == "a" and layer.in_h == 224 and layer.stride == 2


def test_missing_trailing_comma_is_read_correctly(tmp_path):
    wl = load_topology(write(tmp_path, CONV_HEADER + "a,8,8,3,3,4,5,1\nb,8,8,1,1,4,5,2,"))
    assert [layer.stride for layer in wl.layers] == [1, 2]


def test_trailing_empty_fields_accepted(tmp_path):
    (layer,) = load_topology(write(tmp_path, CONV_HEADER + "a,8,8,3,3,4,5,2,,,,\n")).layers
    assert layer.stride == 2


def test_row_of_only_commas_is_skipped(tmp_path):
    wl = load_topology(write(tmp_path, CONV_HEADER + ",,,,,,,,\na,8,8,3,3,4,5,1,\n , , ,\n"))
    assert [layer.name for layer in wl.layers] == ["a"]


def test_dense_sparsity_column_accepted(tmp_path):
    wl = load_topology(write(tmp_path, "Layer, M, N, K, Sparsity,\ng, 3, 5, 16, 4:4,\n"))
    assert wl.layers[0].m == 3


def test_two_equal_stride_columns_accepted(tmp_path):
    header = ("Layer name,IFMAP height,IFMAP width,Filter height,Filter width,Channels,"
              "Num filter,Stride height,Stride width,\n")
    (layer,) = load_topology(write(tmp_path, header + "a,9,9,3,3,2,2,2,2,\n")).layers
    assert layer.stride == 2


def test_duplicate_names_are_numbered(tmp_path):
    wl = load_topology(write(tmp_path, "Layer,M,N,K,\ng,1,2,3,\ng,4,5,6,\nh,1,1,1,\ng,7,8,9,\n"))
    assert [layer.name for layer in wl.layers] == ["g", "g#2", "h", "g#3"]
    assert [layer.m for layer in wl.layers] == [1, 4, 1, 7]


def test_dp_layer_is_split_per_channel_like_scalesim(tmp_path):
    text = CONV_HEADER + "pre,10,10,1,1,3,3,1,\nConvDP1,10,10,3,3,3,1,1,\npost,8,8,1,1,3,4,1,\n"
    wl = load_topology(write(tmp_path, text))
    names = [layer.name for layer in wl.layers]
    assert names == ["pre", "ConvDP1Channel_0", "ConvDP1Channel_1", "ConvDP1Channel_2", "post"]
    splits = wl.layers[1:4]
    assert all(s.in_channels == 1 and s.out_channels == 1 and s.kernel_h == 3 for s in splits)
    assert [s.input for s in splits] == [None, "pre", "pre"]  # each split reads the DP input
    assert wl.layers[4].input is None


def test_dp_only_in_conv_format_and_case_sensitive(tmp_path):
    assert len(load_topology(write(tmp_path, "Layer,M,N,K,\nDP,2,3,4,\n")).layers) == 1
    text = CONV_HEADER + "convdp,10,10,3,3,3,1,1,\n"
    assert len(load_topology(write(tmp_path, text, "b.csv")).layers) == 1


# --- quirks that are rejected, with file, line and column -------------------------------------

def test_extra_column_rejected_with_line_and_column(tmp_path):
    header = CONV_HEADER.rstrip("\n") + ",,Eh,Ew,e2\n"
    msg = error_of(write(tmp_path, header + ",,,,,,,,,,,,\nConv1,224,224,7,7,3,64,2,,,110,110,12100\n"))
    assert "line 3" in msg and "'110'" in msg and "Eh" in msg


def test_non_numeric_field_names_line_and_column(tmp_path):
    msg = error_of(write(tmp_path, CONV_HEADER + "a,8,8,3,3,4,5,1,\nb,8,eight,3,3,4,5,1,\n"))
    assert "line 3" in msg and "IFMAP Width" in msg and "'eight'" in msg


def test_fractional_field_rejected(tmp_path):
    msg = error_of(write(tmp_path, "Layer,M,N,K,\ng,2.5,3,4,\n"))
    assert "line 2" in msg and "'M'" in msg


@pytest.mark.parametrize("value", ["0", "-3"])
def test_zero_or_negative_dimension(tmp_path, value):
    msg = error_of(write(tmp_path, CONV_HEADER + f"a,8,8,3,3,{value},5,1,\n"))
    assert "line 2" in msg and "Channels" in msg and "at least 1" in msg


def test_too_few_fields(tmp_path):
    msg = error_of(write(tmp_path, CONV_HEADER + "a,8,8,3,3,4,5\n"))
    assert "line 2" in msg and "7 fields, expected 8" in msg


def test_empty_field_in_the_middle(tmp_path):
    msg = error_of(write(tmp_path, CONV_HEADER + "a,8,,3,3,4,5,1,\n"))
    assert "IFMAP Width" in msg and "empty" in msg


def test_empty_name(tmp_path):
    msg = error_of(write(tmp_path, "Layer,M,N,K,\n ,2,3,4,\n"))
    assert "line 2" in msg and "name" in msg


def test_filter_larger_than_ifmap(tmp_path):
    msg = error_of(write(tmp_path, CONV_HEADER + "a,4,4,5,5,1,1,1,\n"))
    assert "line 2" in msg and "larger than" in msg and "'a'" in msg


def test_sparse_ratio_rejected(tmp_path):
    msg = error_of(write(tmp_path, "Layer, M, N, K, Sparsity,\ng, 3, 5, 16, 3:4,\n"))
    assert "sparsity" in msg and "line 2" in msg


def test_reference_sparsity_topology_rejected():
    msg = error_of(DATA / "sparsity_gemm.csv")
    assert "does not model sparsity" in msg


def test_unequal_strides_rejected(tmp_path):
    header = ("Layer name,IFMAP height,IFMAP width,Filter height,Filter width,Channels,"
              "Num filter,Stride height,Stride width,\n")
    msg = error_of(write(tmp_path, header + "a,9,9,3,3,2,2,2,1,\n"))
    assert "one stride" in msg


def test_reordered_gemm_header_rejected(tmp_path):
    msg = error_of(write(tmp_path, "Layer, M, K, N,\ng, 2, 3, 4,\n"))
    assert "line 1" in msg and "M, N, K" in msg


def test_misplaced_conv_header_rejected(tmp_path):
    header = ("Layer, IFMAP Height, Channels, Filter Height, Filter Width, IFMAP Width, "
              "Num Filter, Strides,\n")
    msg = error_of(write(tmp_path, header + "a,8,8,3,3,4,5,1,\n"))
    assert "line 1" in msg and "'Channels'" in msg


def test_missing_header_rejected(tmp_path):
    msg = error_of(write(tmp_path, "a,8,8,3,3,4,5,1,\n"))
    assert "header" in msg


def test_unknown_width_header_rejected(tmp_path):
    msg = error_of(write(tmp_path, "Layer, A, B,\nx, 1, 2,\n"))
    assert "cannot tell the format" in msg


def test_empty_file_and_header_only(tmp_path):
    assert "empty" in error_of(write(tmp_path, "\n\n"))
    assert "no layer rows" in error_of(write(tmp_path, CONV_HEADER, "h.csv"))


def test_missing_file(tmp_path):
    assert "not found" in error_of(tmp_path / "missing.csv")
