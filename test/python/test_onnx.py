"""ONNX input: models exported with torch.onnx.export, compiled through torch-mlir's ONNX
importer, simulated, and compared with onnxruntime and with PyTorch."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import onnx
import pytest
import torch
import torch2calyx
from onnx import TensorProto, helper
from torch import nn
from torch2calyx.cli import main
from torch2calyx.errors import FrontendError, Torch2CalyxError
from torch2calyx.frontend.onnx_input import example_inputs, layer_of_node, run_onnxruntime

# float32 hardware against float32 references that sum in another order
RTOL, ATOL = 1e-4, 1e-5


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def _export(model: nn.Module, x: torch.Tensor, path, **kwargs) -> None:
    with warnings.catch_warnings():  # the TorchScript exporter's deprecation notice
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (x,), str(path), dynamo=False, input_names=["x"], output_names=["y"], **kwargs
        )


@pytest.fixture(scope="module")
def mlp(tmp_path_factory):
    torch.manual_seed(0)
    model = MLP().eval()
    path = tmp_path_factory.mktemp("onnx") / "mlp.onnx"
    _export(model, torch.randn(2, 4), path)
    return model, path


def _close(got: torch.Tensor, want: torch.Tensor) -> None:
    assert got.shape == want.shape and got.dtype == want.dtype
    torch.testing.assert_close(got, want, rtol=RTOL, atol=ATOL)


@pytest.mark.verilator
def test_mlp_matches_onnxruntime_and_pytorch(mlp, tmp_path):
    model, path = mlp
    design = torch2calyx.compile(path, out_dir=tmp_path / "mlp")
    meta = design.metadata
    assert meta.source == "mlp.onnx"
    assert [(m.name, m.shape) for m in meta.inputs + meta.outputs] == [
        ("in0", (2, 4)),
        ("out0", (2, 3)),
    ]
    # weights are named after the ONNX initializers (PyTorch's parameter names)
    weights = {m.pytorch_name: m for m in meta.memories if m.role == "weight"}
    assert set(weights) == {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}
    assert weights["fc1.weight"].name == "fc1_weight"
    assert weights["fc1.weight"].shape == (8, 4)

    x = torch.tensor([[0.5, -1.0, 2.0, 0.25], [-0.75, 1.5, 0.0, -2.0]])
    result = design.simulate(x, profile=True)
    (got,) = result.outputs
    (ort,) = run_onnxruntime(path, (x,))
    with torch.no_grad():
        want = model(x)
    _close(got, ort)
    _close(got, want)
    # layers named after the modules the ONNX node names carry, MACs from the ONNX shapes
    layers = {layer.name: layer for layer in result.profile.layers}
    assert {"fc1", "fc2"} <= set(layers)
    assert (layers["fc1"].macs, layers["fc2"].macs) == (2 * 4 * 8, 2 * 8 * 3)
    assert layers["fc1"].cycles > 0 and layers["fc2"].cycles > 0
    assert result.profile.total == result.cycles


def test_layer_names_and_per_layer_lanes(mlp, tmp_path):
    assert layer_of_node("/fc1/Gemm") == "fc1"
    assert layer_of_node("/enc/enc.0/Gemm") == "enc.0"
    assert layer_of_node("/model/layers.0/q_proj/MatMul") == "model.layers.0.q_proj"
    assert layer_of_node("/Relu_1") == "Relu_1"
    assert layer_of_node("fancy") == "fancy"
    _, path = mlp
    design = torch2calyx.compile(path, out_dir=tmp_path / "d", lanes={"fc1": 4})
    assert [n["lanes"] for n in design.metadata.nests if n["lanes"] > 1]
    assert design.metadata.lanes == {"fc1": 4, "*": 1}
    with pytest.raises(Torch2CalyxError, match="no module named 'fc9'; its modules are: .*fc1"):
        torch2calyx.compile(path, out_dir=tmp_path / "e", lanes={"fc9": 2})


@pytest.mark.icarus
def test_cnn_matches_onnxruntime_and_pytorch(tmp_path):
    torch.manual_seed(1)
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(2 * 3 * 3, 3),
    ).eval()
    path = tmp_path / "cnn.onnx"
    _export(model, torch.randn(1, 1, 6, 6), path)
    (x,) = example_inputs(path)
    assert x.shape == (1, 1, 6, 6) and x.dtype == torch.float32
    design = torch2calyx.compile(path, out_dir=tmp_path / "cnn", simulator="icarus")
    (got,) = design.simulate(x).outputs
    (ort,) = run_onnxruntime(path, (x,))
    with torch.no_grad():
        want = model(x)
    _close(got, ort)
    _close(got, want)


@pytest.mark.verilator
def test_cli_compile_simulate_and_verify(mlp, tmp_path, capsys):
    _, path = mlp
    out = tmp_path / "design"
    assert main(["compile", str(path), "-o", str(out)]) == 0
    # the generated example inputs are recorded, so `simulate DIR` needs no --inputs
    with np.load(out / "example_inputs.npz") as npz:
        recorded = npz["arr_0"]
    np.testing.assert_array_equal(recorded, example_inputs(path)[0].numpy())
    capsys.readouterr()
    assert main(["simulate", str(out)]) == 0
    assert "cycles: " in capsys.readouterr().out

    # verify on inputs from an .npz (named after the ONNX input), against onnxruntime
    npz = tmp_path / "inputs.npz"
    np.savez(npz, x=np.linspace(-2, 2, 8, dtype=np.float32).reshape(2, 4))
    assert main(["verify", str(path), "--inputs", str(npz), "--rtol", "1e-4"]) == 0
    text = capsys.readouterr().out
    assert "verification PASSED" in text and "cycles: " in text


def test_generated_inputs_are_fixed_and_npz_is_checked(mlp, tmp_path):
    _, path = mlp
    (a,), (b,) = example_inputs(path), example_inputs(path)
    assert torch.equal(a, b) and a.shape == (2, 4)
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros((2, 5), np.float32))
    with pytest.raises(FrontendError, match=r"'x' is \[2, 5\] float32; input 'x' of the model"):
        example_inputs(path, bad)
    np.savez(bad, other=np.zeros((2, 4), np.float32))
    with pytest.raises(FrontendError, match="no array for input 0 'x'"):
        example_inputs(path, bad)


def test_truncated_file_one_line_error_no_output(mlp, tmp_path):
    _, path = mlp
    data = path.read_bytes()
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(data[: len(data) // 2])
    out = tmp_path / "design"
    proc = subprocess.run(
        [sys.executable, "-m", "torch2calyx.cli", "compile", str(broken), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "broken.onnx: cannot parse the file as an ONNX model" in lines[0]
    assert "truncated" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob("design.partial-*"))


def _custom_op_model(path) -> None:
    graph = helper.make_graph(
        [
            helper.make_node("Relu", ["x"], ["h"], name="relu"),
            helper.make_node("FancyOp", ["h"], ["y"], name="fancy", domain="my.ops"),
        ],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("my.ops", 1)]
    onnx.save(helper.make_model(graph, opset_imports=opsets), str(path))


class TopK(nn.Module):
    def forward(self, x):
        return torch.topk(x, 2).values


def test_unsupported_ops_one_line_errors(tmp_path, capsys):
    custom = tmp_path / "custom.onnx"
    _custom_op_model(custom)
    out = tmp_path / "design"
    assert main(["compile", str(custom), "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    assert "custom.onnx: unsupported ONNX op: FancyOp (node 'fancy')" in err
    assert "internal error" not in err
    assert not out.exists() and not list(tmp_path.glob("design.partial-*"))

    # converted by torch-mlir, but to an op (tm_tensor.sort) with no loop lowering
    topk = tmp_path / "topk.onnx"
    _export(TopK().eval(), torch.randn(1, 6), topk)
    with pytest.raises(FrontendError, match=r"topk.onnx: ONNX node '/TopK' lowers to") as info:
        torch2calyx.compile(topk, out_dir=out)
    assert "\n" not in str(info.value)
    assert not out.exists() and not list(tmp_path.glob("design.partial-*"))


def test_dynamic_shapes_and_misused_options(mlp, tmp_path, capsys):
    model, _ = mlp
    dyn = tmp_path / "dyn.onnx"
    _export(model, torch.randn(2, 4), dyn, dynamic_axes={"x": {0: "batch"}})
    with pytest.raises(FrontendError, match=r"input 'x' has a dynamic dimension 0 \('batch'\)"):
        torch2calyx.compile(dyn, out_dir=tmp_path / "d")
    # a data-dependent size (torch-mlir's passes crash on this graph; the check stops first)
    graph = helper.make_graph(
        [
            helper.make_node("Unique", ["x"], ["u"], name="uniq"),
            helper.make_node("Relu", ["u"], ["y"], name="relu"),
        ],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    unique = tmp_path / "unique.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), unique)
    with pytest.raises(FrontendError, match=r"node 'uniq' \(Unique\) 'u' has a dynamic dim"):
        torch2calyx.compile(unique, out_dir=tmp_path / "d")
    model_file = tmp_path / "m.py"
    model_file.write_text(
        "import torch\nmodel = torch.nn.Linear(2, 2).eval()\nexample_inputs = (torch.ones(1, 2),)\n"
    )
    npz = tmp_path / "i.npz"
    np.savez(npz, np.ones((1, 2), np.float32))
    assert main(["verify", str(model_file), "--inputs", str(npz)]) == 1
    assert "--inputs applies to .onnx models" in capsys.readouterr().err


def test_cli_lower_check_against_onnxruntime(mlp, tmp_path, capsys):
    _, path = mlp
    out = tmp_path / "mlp.mlir"
    assert main(["lower", str(path), "-o", str(out), "--check"]) == 0
    err = capsys.readouterr().err
    assert "out0: max |onnxruntime - loops|" in err and "MISMATCH" not in err
    text = out.read_text()
    assert "memref.global" in text and "@fc1_weight" in text and "affine.for" in text
