"""Half-precision hardware: f16/bf16 models, and float32 models compiled with ``precision=``.

Tolerances (the README's "Precision" section explains them):

- f16 / bf16 models: torch-mlir lowers their matmuls, convolutions and softmax to f32
  arithmetic between an extf and a truncf, as PyTorch's CPU kernels accumulate in f32, so the
  hardware rounds where PyTorch rounds. Both can still differ by the f32 summation order and,
  for softmax, by exp (a polynomial in hardware): at most 2 units in the last place of the
  format, rtol 2**-9 (f16) / 2**-6 (bf16) at outputs of order 1.
- ``precision="bf16"`` / ``"f16"`` on a float32 model: every operation rounds to the narrow
  type, errors grow with the reduction length; checked against the float32 PyTorch model with
  the tolerances ``torch2calyx verify`` uses (flow_cli.HALF_TOLERANCES).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch
import torch2calyx
from torch import nn
from torch2calyx.errors import PassError, Torch2CalyxError
from torch2calyx.flow_cli import HALF_TOLERANCES
from torch2calyx.sim.data import MemoryFormat

pytestmark = pytest.mark.verilator

BF16_FORMAT = {"numeric_type": "ieee754_float", "width": 16, "exp_width": 8, "sig_width": 8}


def _mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 3), nn.Softmax(dim=-1)).eval()


def _cnn() -> nn.Module:
    torch.manual_seed(1)
    return nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(2 * 3 * 3, 4),
    ).eval()


def _conversion_program(half: str, n: int) -> str:
    return f"""
func.func @conv(%x: memref<{n}xf32>, %h: memref<{n}x{half}>, %hb: memref<{n}x{half}>,
                %z: memref<{n}xf32>) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant {n} : index
  scf.for %i = %c0 to %cn step %c1 {{
    %a = memref.load %x[%i] : memref<{n}xf32>
    %t = arith.truncf %a : f32 to {half}
    memref.store %t, %h[%i] : memref<{n}x{half}>
    %b = memref.load %hb[%i] : memref<{n}x{half}>
    %e = arith.extf %b : {half} to f32
    memref.store %e, %z[%i] : memref<{n}xf32>
  }}
  return
}}
"""


@pytest.mark.parametrize("half", ["f16", "bf16"])
def test_conversions_bit_exact(tmp_path, half):
    """expand-float-conversions in hardware: extf of every 16-bit pattern and truncf of
    65,536 f32 values (random, from deep subnormal to overflow, plus the edge cases) give
    PyTorch's casts bit for bit (NaNs: NaN)."""
    dtype = {"f16": torch.float16, "bf16": torch.bfloat16}[half]
    n = 1 << 16
    path = tmp_path / f"conv_{half}.mlir"
    path.write_text(_conversion_program(half, n))
    gen = torch.Generator().manual_seed(7)
    bits = torch.randint(0, 2**32, (n,), generator=gen, dtype=torch.int64)
    exponents = torch.randint(95, 145, (n,), generator=gen)
    bits = (bits & 0x807FFFFF) | (exponents << 23)
    edges = [
        *(0, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001, 0x7F7FFFFF),
        *(0x477FEFFF, 0x477FF000, 0x477FE000, 0x38800000, 0x387FFFFF, 0x387FE000),
        *(0x33000000, 0x33000001, 0x32FFFFFF, 0x00000001, 0x3F800000, 0x3F808000),
        *(0x3F818000, 0x3F800001, 0xBF7FFFFF),
    ]
    bits[: len(edges)] = torch.tensor(edges)
    x = torch.from_numpy(bits.to(torch.int32).numpy().view(np.float32).copy())
    patterns = torch.arange(n, dtype=torch.int32).to(torch.int16).view(dtype)

    design = torch2calyx.compile(path, out_dir=tmp_path / "design")
    result = design.simulate(x, patterns)
    truncated, extended = result.outputs
    assert truncated.dtype == dtype and extended.dtype == torch.float32

    want = x.to(dtype)
    nan = torch.isnan(want)
    assert torch.equal(torch.isnan(truncated), nan)
    wrong = (truncated.view(torch.int16) != want.view(torch.int16)) & ~nan
    assert int(wrong.sum()) == 0, [hex(int(b)) for b in bits[wrong][:5]]

    want = patterns.float()
    nan = torch.isnan(want)
    assert torch.equal(torch.isnan(extended), nan)
    wrong = (extended.view(torch.int32) != want.view(torch.int32)) & ~nan
    assert int(wrong.sum()) == 0


@pytest.mark.parametrize(
    ("dtype", "rtol", "atol"),
    [(torch.float16, 2**-9, 2**-10), (torch.bfloat16, 2**-6, 2**-7)],
    ids=["half", "bfloat16"],
)
@pytest.mark.parametrize("make", [_mlp, _cnn], ids=["mlp", "cnn"])
def test_half_precision_model(tmp_path, make, dtype, rtol, atol):
    """model.half() / model.bfloat16() with inputs of that dtype: outputs of that dtype,
    close to PyTorch's within 2 ulp; the memories and metadata carry the dtype."""
    model = make().to(dtype)
    torch.manual_seed(3)
    x = torch.randn(2, 8) if make is _mlp else torch.randn(1, 1, 6, 6)
    x = x.to(dtype)
    design = torch2calyx.compile(model, (x,), out_dir=tmp_path / "d")
    got = design.simulate(x).outputs[0]
    with torch.no_grad():
        want = model(x)
    assert got.dtype == dtype and got.shape == want.shape
    torch.testing.assert_close(got, want, rtol=rtol, atol=atol)

    meta = json.loads((tmp_path / "d" / "metadata.json").read_text())
    name = str(dtype).removeprefix("torch.")
    assert meta["precision"] == "f32"
    assert {m["dtype"] for m in meta["memories"] if m["role"] != "weight"} == {name}
    weights = design.weights()
    for pname, p in model.named_parameters():
        if p.dim() > 1:  # the weights; biases may be folded into f32 constants
            assert torch.equal(weights[pname], p.detach()), pname
    data = json.loads((tmp_path / "d" / "data.json").read_text())
    if dtype == torch.bfloat16:
        assert data["in0"]["format"] == {"is_signed": True, **BF16_FORMAT}


@pytest.mark.parametrize("precision", ["bf16", "f16"])
def test_precision_option(tmp_path, precision):
    """A float32 model on bf16 / f16 units: float32 inputs and outputs, weights stored
    narrowed (the parameters rounded to nearest-even), metadata.json records the precision,
    outputs within the documented tolerance of the float32 model and not identical to it."""
    model = _mlp()
    torch.manual_seed(4)
    x = torch.randn(2, 8)
    design = torch2calyx.compile(model, (x,), precision=precision, out_dir=tmp_path / "d")
    got = design.simulate(x).outputs[0]
    with torch.no_grad():
        want = model(x)
    assert got.dtype == torch.float32
    name = {"bf16": "bfloat16", "f16": "float16"}[precision]
    rtol, atol = HALF_TOLERANCES[name]
    torch.testing.assert_close(got, want, rtol=rtol, atol=atol)
    assert not torch.equal(got, want)  # the narrow units really computed it

    meta = json.loads((tmp_path / "d" / "metadata.json").read_text())
    assert meta["precision"] == precision
    roles = {(m["role"], m["dtype"]) for m in meta["memories"]}
    assert roles == {("input", "float32"), ("output", "float32"), ("weight", name)}
    narrow = getattr(torch, name)
    weights = design.weights()
    for pname, p in model.named_parameters():
        assert torch.equal(weights[pname], p.detach().to(narrow)), pname


def test_precision_errors(tmp_path):
    model = _mlp()
    x = torch.randn(2, 8)
    with pytest.raises(Torch2CalyxError, match=r"precision='fp8'.*'f32', 'f16', 'bf16'"):
        torch2calyx.compile(model, (x,), precision="fp8", out_dir=tmp_path / "a")
    assert not (tmp_path / "a").exists()
    with pytest.raises(PassError, match="compiles float32 programs only"):
        torch2calyx.compile(model.half(), (x.half(),), precision="bf16", out_dir=tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_bfloat16_data_format():
    """The data JSON's bfloat16 (exp_width 8, sig_width 8): nearest-even from binary32,
    overflow to infinity, NaN canonical; inconsistent field widths are an error."""
    fmt = MemoryFormat.from_json("m", BF16_FORMAT)
    values = [1.0, -2.5, 3.1415926, 1e38, 3.4e38, 1e-40, float("inf"), -0.0, 1.00390625]
    values += torch.randn(2000, generator=torch.Generator().manual_seed(5)).mul(50).tolist()
    for v in values:
        want = torch.tensor(v, dtype=torch.float32).to(torch.bfloat16)
        bits = fmt.encode("m", v)
        assert bits == int(want.view(torch.int16)) & 0xFFFF, v
        assert fmt.decode(bits) == float(want)
    assert fmt.encode("m", float("nan")) == 0x7FC0
    assert fmt.encode("m", 3.5e38) == 0x7F80  # rounds above the largest finite bf16
    half = MemoryFormat.from_json("m", {"numeric_type": "ieee754_float", "width": 16})
    assert half.encode("m", 1e6) == 0x7C00 and half.encode("m", -65520.0) == 0xFC00
    with pytest.raises(Torch2CalyxError, match="exp_width 5 and sig_width 8"):
        MemoryFormat.from_json("m", {**BF16_FORMAT, "exp_width": 5})


def test_bf16_weights_read_back():
    """The front end reads bf16 weights from the printed MLIR attribute in each of its
    forms (decimals, non-finite bit patterns, the hex blob of large attributes)."""
    from torch2calyx.frontend.mlir_passes import _bf16_values
    from torch_mlir import ir

    tensors = [
        torch.triu(torch.full((8, 8), float("-inf")), diagonal=1),
        torch.tensor([1.0, float("nan"), float("inf"), -2.5e-3, 1e-40]),
        torch.randn(64, 48, generator=torch.Generator().manual_seed(6)),
    ]
    with ir.Context():
        for t in tensors:
            t = t.bfloat16()
            attr = ir.DenseElementsAttr.get(
                t.view(torch.int16).numpy(), type=ir.BF16Type.get(), signless=True
            )
            got = _bf16_values(attr)
            assert got.shape == tuple(t.shape)
            assert np.array_equal(got, t.float().numpy(), equal_nan=True)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["half", "bfloat16"])
def test_reference_run_half_models(dtype):
    """run_reference (the loop-level MLIR on the CPU) takes and gives f16/bf16 tensors and
    matches PyTorch within 1 ulp (f32 accumulation in both)."""
    from torch2calyx.frontend import lower, run_reference

    model = _mlp().to(dtype)
    x = torch.randn(2, 8, generator=torch.Generator().manual_seed(8)).to(dtype)
    got = run_reference(lower(model, (x,)), (x,))[0]
    with torch.no_grad():
        want = model(x)
    assert got.dtype == dtype
    rtol = 2**-8 if dtype == torch.bfloat16 else 2**-10
    torch.testing.assert_close(got, want, rtol=rtol, atol=1e-3)


def test_precision_per_layer(tmp_path):
    """precision={"0": "bf16", "*": "f32"}: the first Linear computes on bf16 units with its
    weight stored bf16, the rest stays f32 (the second Linear's weight float32, binary32
    units in the program); outputs within the bf16 tolerance of the float32 model and not
    identical to it; metadata.json records the map."""
    model = _mlp()
    torch.manual_seed(4)
    x = torch.randn(2, 8)
    design = torch2calyx.compile(
        model, (x,), precision={"0": "bf16", "*": "f32"}, out_dir=tmp_path / "d"
    )
    got = design.simulate(x).outputs[0]
    with torch.no_grad():
        want = model(x)
    rtol, atol = HALF_TOLERANCES["bfloat16"]
    torch.testing.assert_close(got, want, rtol=rtol, atol=atol)
    assert not torch.equal(got, want)

    meta = json.loads((tmp_path / "d" / "metadata.json").read_text())
    assert meta["precision"] == {"0": "bf16", "*": "f32"}
    dtypes = {m["pytorch_name"]: m["dtype"] for m in meta["memories"] if m["role"] == "weight"}
    assert dtypes["0.weight"] == "bfloat16" and dtypes["2.weight"] == "float32"
    # layer 0's bias is added in the ReLU's nest, but by layer 0's (bf16) adder
    assert dtypes["0.bias"] == "bfloat16" and dtypes["2.bias"] == "float32"
    weights = design.weights()
    assert torch.equal(weights["0.weight"], model[0].weight.detach().to(torch.bfloat16))
    assert torch.equal(weights["2.weight"], model[2].weight.detach())
    # both kinds of float unit: bf16 (exponent 8, significand 8) for layer 0, binary32 for
    # the layer kept at f32
    futil = (tmp_path / "d" / "program.futil").read_text()
    assert re.search(r"mulFN\(8, 8, 16\)", futil), "no bf16 multiplier"
    assert re.search(r"mulFN\(8, 24, 32\)", futil), "no binary32 multiplier"

    # everything narrowed by the map's default, one layer kept at f32: the other way round
    other = torch2calyx.compile(
        model, (x,), precision={"2": "f32", "*": "bf16"}, out_dir=tmp_path / "e"
    )
    meta = json.loads((tmp_path / "e" / "metadata.json").read_text())
    dtypes = {m["pytorch_name"]: m["dtype"] for m in meta["memories"] if m["role"] == "weight"}
    assert dtypes["0.weight"] == "bfloat16" and dtypes["2.weight"] == "float32"
    torch.testing.assert_close(other.simulate(x).outputs[0], want, rtol=rtol, atol=atol)


def test_precision_per_layer_errors(tmp_path):
    model = _mlp()
    x = torch.randn(2, 8)
    unknown = r"no module named 'fc1'; its modules are: 0, 1, 2, 3"
    with pytest.raises(Torch2CalyxError, match=unknown):
        torch2calyx.compile(model, (x,), precision={"fc1": "bf16"}, out_dir=tmp_path / "a")
    with pytest.raises(Torch2CalyxError, match=r"precision\['0'\]='fp8': choose one of"):
        torch2calyx.compile(model, (x,), precision={"0": "fp8"}, out_dir=tmp_path / "b")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
