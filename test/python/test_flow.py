"""The flow's own logic: metadata, input checks, output comparison, atomic output directory."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
import torch2calyx
from torch2calyx.design import Design, DesignMetadata, MemoryInfo, calyx_format
from torch2calyx.errors import PassError, SimulationError, Torch2CalyxError
from torch2calyx.flow_cli import compare_outputs


def _metadata() -> DesignMetadata:
    return DesignMetadata(
        memories=[
            MemoryInfo("in0", "input", 0, (2, 3), "float32"),
            MemoryInfo("out0", "output", 0, (2,), "int8"),
            MemoryInfo("w", "weight", 0, (6,), "float32"),
        ],
        source="test",
        stage_seconds={"frontend": 0.5},
    )


def test_metadata_round_trip():
    meta = _metadata()
    back = DesignMetadata.from_json(meta.to_json())
    assert back == meta
    assert [m.name for m in back.inputs] == ["in0"]
    assert [m.name for m in back.outputs] == ["out0"]


def test_metadata_records_pytorch_names_and_layout():
    meta = DesignMetadata(
        memories=[MemoryInfo("fc_weight", "weight", 0, (2, 3), "float32", "fc.weight", (1, 0))]
    )
    (record,) = json.loads(meta.to_json())["memories"]
    assert record["pytorch_name"] == "fc.weight" and record["shape"] == [2, 3]
    assert record["layout"] == "row-major" and record["permutation"] == [1, 0]
    assert record["words"] == 6
    assert DesignMetadata.from_json(meta.to_json()) == meta
    record["permutation"] = [0, 0]
    with pytest.raises(Torch2CalyxError, match="permutation"):
        MemoryInfo.from_record(record)


def test_metadata_version_1_is_still_read():
    record = json.loads(_metadata().to_json())
    record["version"] = 1
    for mem in record["memories"]:
        for key in ("pytorch_name", "layout", "permutation", "words"):
            del mem[key]
    assert DesignMetadata.from_json(json.dumps(record)).memories == _metadata().memories


def test_weights_undo_the_memory_layout(tmp_path):
    w = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    b = torch.tensor([-1, 7], dtype=torch.int8)
    meta = DesignMetadata(
        memories=[
            MemoryInfo("fc_weight", "weight", 0, (2, 3), "float32", "fc.weight", (1, 0)),
            MemoryInfo("fc_bias", "weight", 1, (2,), "int8", "fc.bias"),
            MemoryInfo("__constant_2xf32", "weight", 2, (2,), "float32"),
        ]
    )
    data = {
        "fc_weight": {"data": w.T.reshape(-1).tolist(), "format": calyx_format("float32")},
        "fc_bias": {"data": b.tolist(), "format": calyx_format("int8")},
        "__constant_2xf32": {"data": [0.5, "NaN"], "format": calyx_format("float32")},
    }
    (tmp_path / "data.json").write_text(json.dumps(data))
    weights = Design(tmp_path, meta).weights()
    assert set(weights) == {"fc.weight", "fc.bias"}
    assert torch.equal(weights["fc.weight"], w) and weights["fc.weight"].is_contiguous()
    assert torch.equal(weights["fc.bias"], b)


def test_zero_dimensional_output_keeps_its_shape():
    from torch2calyx.design import _to_tensor

    out = _to_tensor([2.5], MemoryInfo("out0", "output", 0, (), "float32"))
    assert out.shape == () and out.item() == 2.5


def test_metadata_version_mismatch_is_explained():
    record = json.loads(_metadata().to_json())
    record["version"] = 99
    with pytest.raises(Torch2CalyxError, match="recompile"):
        DesignMetadata.from_json(json.dumps(record))


def test_calyx_formats():
    assert calyx_format("float32") == {
        "numeric_type": "ieee754_float",
        "is_signed": True,
        "width": 32,
    }
    assert calyx_format("uint8")["is_signed"] is False
    with pytest.raises(Torch2CalyxError, match="complex64"):
        calyx_format("complex64")


def test_fill_inputs_checks_shape_and_dtype(tmp_path):
    (tmp_path / "data.json").write_text("{}")
    design = Design(tmp_path, _metadata())
    data = design.fill_inputs([torch.arange(6, dtype=torch.float32).reshape(2, 3)])
    assert data["in0"]["data"] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert data["in0"]["format"]["width"] == 32
    with pytest.raises(SimulationError, match="shape"):
        design.fill_inputs([torch.zeros(3, 2)])
    with pytest.raises(SimulationError, match="dtype"):
        design.fill_inputs([torch.zeros(2, 3, dtype=torch.float64)])
    with pytest.raises(SimulationError, match="1 input"):
        design.fill_inputs([])


def test_load_rejects_non_design_dir(tmp_path):
    with pytest.raises(Torch2CalyxError, match="not a torch2calyx design directory"):
        Design.load(tmp_path)


def test_compare_outputs_floats_and_ints():
    a = torch.tensor([1.0, 2.0, 3.0])
    ok = compare_outputs((a,), (a + 1e-5,))
    assert ok.ok and "max abs error" in ok.lines[0]
    bad = compare_outputs((a,), (a + torch.tensor([0.0, 0.5, 0.0]),))
    assert not bad.ok
    assert any("at [1]" in line for line in bad.lines)
    i = torch.tensor([1, 2], dtype=torch.int8)
    assert compare_outputs((i,), (i.clone(),)).ok
    assert not compare_outputs((i,), (i + 1,)).ok
    assert not compare_outputs((i,), (i.to(torch.int32),)).ok


def test_failed_compile_leaves_no_design(tmp_path):
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @f( {\n")
    out = tmp_path / "design"
    with pytest.raises(Torch2CalyxError):
        torch2calyx.compile(bad, out_dir=out)
    assert not out.exists()
    report = tmp_path / "design.error.txt"
    assert report.is_file() and "failed in stage" in report.read_text()
    assert not list(tmp_path.glob("design.partial-*"))


def test_cli_reports_errors_without_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch2calyx.cli",
            "compile",
            str(tmp_path / "nope.py"),
            "-o",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "no such file" in proc.stderr
    assert "Traceback" not in proc.stderr


ROUND_KERNEL = """
func.func @forward(%a: memref<4xf32>, %b: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %x = affine.load %a[%i] : memref<4xf32>
    %y = math.round %x : f32
    affine.store %y, %b[%i] : memref<4xf32>
  }
  return
}
"""


def test_pass_failure_keeps_intermediates_on_request(tmp_path):
    kernel = tmp_path / "round.mlir"
    kernel.write_text(ROUND_KERNEL)
    out = tmp_path / "design"
    with pytest.raises(PassError, match="math.round") as info:
        torch2calyx.compile(kernel, out_dir=out, keep_intermediates=True)
    assert not out.exists()
    (failed,) = tmp_path.glob("design.partial-*")
    assert (failed / "loops.mlir").is_file()
    assert str(failed) in (tmp_path / "design.error.txt").read_text()
    # the repro named in the message is a file that still exists, next to the intermediates
    assert info.value.repro_path.is_file() and info.value.repro_path.parent == failed
