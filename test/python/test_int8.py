"""Int8 models quantized with PyTorch's PT2E flow (torchao) on integer-only hardware.

The reference (README "Precision"): the integer graph the front end derives from the PT2E
graph (:mod:`torch2calyx.frontend.quantized`), run by PyTorch on int8 tensors. The hardware
must match it bit for bit. Against PyTorch's own float q/dq model (``convert_pt2e``'s
output), whose float sums and bias round elsewhere, the int8 outputs may differ by one unit.
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest
import torch
import torch2calyx
from torch import nn
from torch2calyx.errors import FrontendError
from torch2calyx.frontend.quantized import integer_model

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
    from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
        X86InductorQuantizer,
        get_default_x86_inductor_quantization_config,
    )
    from torchao.testing.pt2e._xnnpack_quantizer import (
        XNNPACKQuantizer,
        get_symmetric_quantization_config,
    )

pytestmark = pytest.mark.verilator


def _mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 12), nn.ReLU(), nn.Linear(12, 4)).eval()


def _cnn() -> nn.Module:
    torch.manual_seed(1)
    return nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(3 * 3 * 3, 4),
    ).eval()


def _shape(make) -> tuple[int, ...]:
    return (2, 8) if make is _mlp else (1, 1, 6, 6)


def quantize_pt2e(model: nn.Module, shape, *, per_channel: bool, quantizer=None):
    """PT2E post-training quantization, calibrated on 16 random batches."""
    x = torch.randn(*shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exported = torch.export.export(model, (x,)).module()
        quantizer = quantizer or XNNPACKQuantizer().set_global(
            get_symmetric_quantization_config(is_per_channel=per_channel)
        )
        prepared = prepare_pt2e(exported, quantizer)
        gen = torch.Generator().manual_seed(5)
        for _ in range(16):
            prepared(torch.randn(*shape, generator=gen))
        return convert_pt2e(prepared)


@pytest.mark.parametrize("per_channel", [False, True], ids=["per_tensor", "per_channel"])
@pytest.mark.parametrize("make", [_mlp, _cnn], ids=["mlp", "cnn"])
def test_int8_model_bit_exact(tmp_path, make, per_channel):
    """A PT2E int8 model compiles to integer hardware (no float unit) whose int8 outputs equal
    PyTorch's integer reference bit for bit, and are within one unit of PyTorch's q/dq
    model."""
    model = make()
    shape = _shape(make)
    quant = quantize_pt2e(model, shape, per_channel=per_channel)
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(9)) * 1.5
    design = torch2calyx.compile(quant, (x,), out_dir=tmp_path / "d")
    ref = integer_model(quant, (x,))
    (xq,) = ref.quantize_inputs(x)
    got = design.simulate(xq).outputs[0]
    (want,) = ref.module(xq)
    assert got.dtype == torch.int8 and want.dtype == torch.int8
    assert torch.equal(got, want)
    # PyTorch's float q/dq model: same int8 grid, its own rounding of float sums
    qdq = ref.output_params[0].quantize(quant(x))
    assert (got.int() - qdq.int()).abs().max() <= 1

    futil = (tmp_path / "d" / "program.futil").read_text()
    assert not re.search(r"std_(add|mul|divSqrt|compare)FN|std_fpToInt|std_intToFp", futil)
    # the int8 x int8 products on 16-bit integer multipliers, in loop nests pipelined to one
    # product per cycle (the 64-bit one requantizes)
    assert re.findall(r"= (\w+)\((\d+)", futil).count(("pipelined_fp_smult", "16")) >= 1
    assert "std_mult_pipe" not in futil
    assert "initiation interval 1" in futil
    meta = json.loads((tmp_path / "d" / "metadata.json").read_text())
    io = {(m["role"], m["dtype"]) for m in meta["memories"] if m["role"] != "weight"}
    assert io == {("input", "int8"), ("output", "int8")}
    assert meta["quantization"]["outputs"][0]["scale"] == ref.output_params[0].scale
    weights = {m["name"]: m["dtype"] for m in meta["memories"] if m["role"] == "weight"}
    assert "int8" in weights.values()


def test_int8_per_channel_scales_differ():
    """Per-channel quantization really gives one requantization multiplier per channel."""
    quant = quantize_pt2e(_mlp(), (2, 8), per_channel=True)
    ref = integer_model(quant, (torch.randn(2, 8),))
    multipliers = dict(ref.module.named_buffers())["0.multiplier"]
    assert multipliers.numel() == 12 and multipliers.unique().numel() > 1


def test_int8_requantization_rounds_half_to_even():
    """The integer requantization rounds half to even, as quantize_per_tensor (torch.round)
    does: with the first layer's multiplier set to exactly 1/2, every odd sum is a tie."""
    quant = quantize_pt2e(_mlp(), (2, 8), per_channel=False)
    x = torch.randn(2, 8)
    ref = integer_model(quant, (x,))
    buffers = dict(ref.module.named_buffers())
    shift = int(buffers["0.shift"])
    buffers["0.multiplier"].fill_(1 << (shift - 1))
    gen = torch.Generator().manual_seed(2)
    xq = torch.randint(-128, 128, (2, 8), generator=gen, dtype=torch.int8)
    zx = ref.input_params[0].zero_point
    acc = (xq.long() - zx) @ buffers["0.weight"].long().T + buffers["0.bias"].long()
    assert (acc % 2 == 1).any()
    # the first layer's output, read back through the graph's own node
    interp = torch.fx.Interpreter(ref.module)
    values = {}
    original = interp.run_node

    def record(node):
        values[node.name] = original(node)
        return values[node.name]

    interp.run_node = record
    interp.run(xq)
    first = next(v for k, v in values.items() if k.startswith("sum_dim") and v.dtype == torch.int8)
    params = quant.graph.find_nodes(
        op="call_function", target=torch.ops.quantized_decomposed.quantize_per_tensor.default
    )[1].args
    zo, qmin, qmax = params[2], params[3], params[4]
    want = (torch.round(acc.double() / 2) + zo).clamp(max(qmin, zo), qmax).to(torch.int8)
    assert torch.equal(first, want)


def test_int8_unsupported_patterns(tmp_path):
    """Quantized patterns without an integer lowering are refused naming the op."""

    class Add(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            return self.fc(x) + x

    x = torch.randn(2, 4)
    quant = quantize_pt2e(Add().eval(), (2, 4), per_channel=False)
    with pytest.raises(FrontendError, match=r"quantized model: aten\.add.*no integer lowering"):
        torch2calyx.compile(quant, (x,), out_dir=tmp_path / "a")
    # X86InductorQuantizer: uint8 activations
    x86 = X86InductorQuantizer().set_global(get_default_x86_inductor_quantization_config())
    quant = quantize_pt2e(_mlp(), (2, 8), per_channel=True, quantizer=x86)
    with pytest.raises(FrontendError, match=r"uint8.*only int8 activations"):
        torch2calyx.compile(quant, (torch.randn(2, 8),), out_dir=tmp_path / "b")


def test_int8_lanes(tmp_path):
    """The integer multiply-accumulate nests split into parallel lanes like the float ones
    (each lane its own 16-bit pipelined multiplier): still bit-exact, fewer cycles."""
    quant = quantize_pt2e(_mlp(), (2, 8), per_channel=True)
    x = torch.randn(2, 8, generator=torch.Generator().manual_seed(4))
    ref = integer_model(quant, (x,))
    (xq,) = ref.quantize_inputs(x)
    (want,) = ref.module(xq)
    one = torch2calyx.compile(quant, (x,), out_dir=tmp_path / "one").simulate(xq)
    four = torch2calyx.compile(quant, (x,), lanes=4, out_dir=tmp_path / "four").simulate(xq)
    assert torch.equal(one.outputs[0], want) and torch.equal(four.outputs[0], want)
    assert four.cycles < one.cycles


MODEL_FILE = """
import torch
from torch import nn
from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
from torchao.testing.pt2e._xnnpack_quantizer import (
    XNNPACKQuantizer,
    get_symmetric_quantization_config,
)

torch.manual_seed(0)
float_model = nn.Sequential(nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 3)).eval()
example_inputs = (torch.randn(2, 8),)
config = get_symmetric_quantization_config(is_per_channel=True)
prepared = prepare_pt2e(
    torch.export.export(float_model, example_inputs).module(), XNNPACKQuantizer().set_global(config)
)
prepared(*example_inputs)
model = convert_pt2e(prepared)
"""


def test_int8_model_file_cli(tmp_path, capsys):
    """`torch2calyx verify` on a model file whose `model` is a PT2E int8 model: the example
    inputs quantized as the model's first op does, the int8 outputs compared exactly with the
    integer reference; `compile` saves the int8 inputs that `simulate` then takes."""
    from torch2calyx.cli import main

    path = tmp_path / "qmlp.py"
    path.write_text(MODEL_FILE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["verify", str(path), "-o", str(tmp_path / "v")]) == 0
    out = capsys.readouterr().out
    assert "torch.int8: exact, 0 mismatching element(s)" in out
    assert re.search(r"dequantized: max abs difference [0-9.e-]+ from the PT2E model", out)
    assert "verification PASSED" in out
    saved = np.load(tmp_path / "v" / "example_inputs.npz")["arr_0"]
    assert saved.dtype == np.int8
    assert main(["simulate", str(tmp_path / "v")]) == 0
    assert "cycles:" in capsys.readouterr().out
