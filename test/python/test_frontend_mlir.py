"""Front end: .mlir input (linalg on tensors, loop-level such as Allo emits), the loop-level
checker, model files and the `torch2calyx lower` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from torch2calyx.cli import main
from torch2calyx.errors import FrontendError
from torch2calyx.frontend import (
    LoweredModule,
    lower,
    lower_mlir_file,
    lower_mlir_text,
    run_reference,
    verify_loop_level_text,
)
from torch2calyx.frontend.zoo import zoo_case
from torch2calyx.modelfile import load_model_file

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "frontend_inputs"
ROOT = HERE.parents[1]
EXAMPLES = ["mlp", "cnn", "attention", "int_mlp"]


def test_linalg_on_tensors_file():
    lowered = lower_mlir_file(INPUTS / "linalg_matmul_relu.mlir")
    assert lowered.func_name == "mm_relu"
    assert [(a.name, a.role, a.shape) for a in lowered.args] == [
        ("in0", "input", (2, 3)),
        ("out0", "output", (2, 4)),
    ]
    verify_loop_level_text(lowered.mlir, func_name="mm_relu")
    assert "linalg." not in lowered.mlir and "tensor<" not in lowered.mlir
    assert 'memref.global "private" constant' in lowered.mlir

    w = torch.tensor([[1.0, -2.0, 0.5, 0.0], [0.25, 1.0, -1.0, 2.0], [-0.5, 0.5, 1.5, -1.0]])
    b = torch.tensor([0.1, -0.2, 0.3, 0.0])
    a = torch.randn(2, 3, generator=torch.Generator().manual_seed(1))
    (got,) = run_reference(lowered, (a,))
    torch.testing.assert_close(got, torch.relu(a @ w + b), atol=1e-5, rtol=1e-5)


def test_allo_style_loop_level_file():
    lowered = lower_mlir_file(INPUTS / "allo_scale_rows.mlir")
    # roles come from which arguments are stored to; the file's argument order is kept
    assert [(a.name, a.role, a.index, a.dtype) for a in lowered.args] == [
        ("out0", "output", 0, "float32"),
        ("in0", "input", 0, "float32"),
        ("in1", "input", 1, "int32"),
    ]
    for banned in ("memref.copy", "memref.subview", "strided<"):
        assert banned not in lowered.mlir
    verify_loop_level_text(lowered.mlir, func_name="kernel")

    x = torch.randn(2, 4, generator=torch.Generator().manual_seed(2))
    bias = torch.tensor([1, -2, 3, 0], dtype=torch.int32)
    (got,) = run_reference(lowered, (x, bias))
    want = x * torch.tensor([1.0, 2.0, 3.0, 4.0]) + x[1] + bias.float()
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)


def test_allo_returned_buffer_becomes_output():
    lowered = lower_mlir_file(INPUTS / "allo_matrix_add.mlir")
    assert [(a.name, a.shape, a.dtype) for a in lowered.args] == [
        ("in0", (2, 3), "int32"),
        ("out0", (2, 3), "int32"),
    ]
    assert 'func.func @matrix_add(%arg0: memref<2x3xi32> {t2c.name = "in0"}' in lowered.mlir
    x = torch.arange(-3, 3, dtype=torch.int32).reshape(2, 3)
    (got,) = run_reference(lowered, (x,))
    assert torch.equal(got, x + 1)


@pytest.mark.parametrize("name", ["multi_in_out", "cnn", "int8_mlp"])
def test_front_end_output_is_accepted_input(name):
    """Loop-level MLIR written by lower() reads back with the same argument table."""
    model, inputs = zoo_case(name).build()
    lowered = lower(model, inputs)
    again = lower_mlir_text(lowered.mlir, source=f"{name}.mlir")
    assert again.args == lowered.args and again.func_name == "forward"
    for a, b in zip(run_reference(again, inputs), run_reference(lowered, inputs), strict=True):
        assert torch.equal(a, b)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (
            "func.func @f(%a: memref<4xf32>) {\n  %x = arith.addf\n}",
            r"(?s)<t> is not valid MLIR.*<t>:2:\d+: expected SSA operand",
        ),
        (
            "func.func @f(%a: memref<?xf32>, %b: memref<4xf32>) {\n"
            "  %c0 = arith.constant 0 : index\n  %v = memref.load %a[%c0] : memref<?xf32>\n"
            "  memref.store %v, %b[%c0] : memref<4xf32>\n  return\n}",
            r"argument 0 of @f has dynamic type memref<\?xf32>",
        ),
        (
            "func.func @f(%a: memref<4xf32>) -> f32 {\n  %c0 = arith.constant 0 : index\n"
            "  %v = memref.load %a[%c0] : memref<4xf32>\n  return %v : f32\n}",
            "returns f32; loop-level input must return memrefs",
        ),
        (
            "func.func @f(%a: memref<4xf32>) {\n  return\n}\n"
            "func.func @g(%a: memref<4xf32>) {\n  return\n}",
            r"public functions: f, g\); pass func_name=",
        ),
        (
            "func.func @f(%a: memref<4xf80>, %b: memref<4xf80>) {\n  return\n}",
            "element type f80; supported: f16, bf16, f32, f64, i8",
        ),
        (
            "func.func @f(%a: memref<4xf32>) {\n  return\n}",
            "stores into none of its arguments",
        ),
    ],
    ids=["syntax", "dynamic", "returns", "ambiguous", "dtype", "no-output"],
)
def test_mlir_input_errors(text, pattern):
    with pytest.raises(FrontendError, match=pattern):
        lower_mlir_text(text, source="<t>")


_COPY = """
func.func @f(%a: memref<4xf32>, %b: memref<4xf32>) {
  memref.copy %a, %b : memref<4xf32> to memref<4xf32>
  return
}
"""
_STRIDED = """
func.func @f(%a: memref<4xf32, strided<[2]>>, %b: memref<4xf32>) {
  return
}
"""
_RESOURCE = """
module {
  memref.global "private" constant @w : memref<2xf32> = dense_resource<blob>
  func.func @f(%b: memref<2xf32>) {
    return
  }
}
{-#
  dialect_resources: { builtin: { blob: "0x040000000000803F00000040" } }
#-}
"""


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (_COPY, r"op 'memref\.copy' is not allowed.*Write the copy as loops"),
        (_STRIDED, r"argument 0 of @f has type memref<4xf32, strided<\[2\]>>.*non-identity"),
        (_RESOURCE, "dense_resource blob"),
    ],
    ids=["copy", "strided", "dense_resource"],
)
def test_verifier_names_the_offender(text, pattern):
    with pytest.raises(FrontendError, match=pattern):
        verify_loop_level_text(text, func_name="f")


# --- model files and the CLI ------------------------------------------------------------------


def test_model_file_errors(tmp_path):
    missing = tmp_path / "nothing.py"
    missing.write_text("import torch\nmodel = torch.nn.ReLU()\n")
    with pytest.raises(FrontendError, match="does not define `example_inputs`"):
        load_model_file(missing)
    broken = tmp_path / "broken.py"
    broken.write_text("import torch\n\nmodel = torch.nn.Linear(2, 2)\nx = undefined_name\n")
    with pytest.raises(FrontendError, match=r"broken\.py:4: running the model file failed: Name"):
        load_model_file(broken)
    with pytest.raises(FrontendError, match="does not exist"):
        load_model_file(tmp_path / "absent.py")
    wrong = tmp_path / "wrong.py"
    wrong.write_text("import torch\nmodel = torch.nn.ReLU()\nexample_inputs = [1, 2]\n")
    with pytest.raises(FrontendError, match="tuple of tensors"):
        load_model_file(wrong)


@pytest.mark.parametrize("name", EXAMPLES)
def test_cli_lower_examples(name, tmp_path, capsys):
    out = tmp_path / f"{name}.mlir"
    meta = tmp_path / f"{name}.json"
    status = main(
        [
            "lower",
            str(ROOT / "examples" / f"{name}.py"),
            "-o",
            str(out),
            "--json",
            str(meta),
            "--check",
        ]
    )
    err = capsys.readouterr().err
    assert status == 0, err
    assert "out0: max |PyTorch - loops|" in err and "MISMATCH" not in err
    lowered = LoweredModule.from_json(meta.read_text())
    assert lowered.mlir == out.read_text()
    assert json.loads(meta.read_text())["args"][0]["name"] == "in0"
    verify_loop_level_text(out.read_text(), func_name="forward")


def test_cli_lower_mlir_file_to_stdout(capsys):
    status = main(["lower", str(INPUTS / "allo_scale_rows.mlir"), "--func", "kernel"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "func.func @kernel(" in captured.out and 't2c.name = "out0"' in captured.out


def test_cli_lower_reports_errors(tmp_path, capsys):
    model = tmp_path / "train.py"
    model.write_text(
        "import torch\nmodel = torch.nn.Dropout()\nexample_inputs = (torch.randn(2),)\n"
    )
    assert main(["lower", str(model)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("torch2calyx: error: [frontend] model is in training mode")
    assert "Traceback" not in err
    assert main(["lower", str(tmp_path / "absent.py")]) == 1
    assert "no such file" in capsys.readouterr().err
