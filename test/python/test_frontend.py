"""Front end: every zoo layer lowered to loop-level MLIR and run on the CPU against PyTorch.

Floats must agree within atol 1e-5, integers exactly. Also checks the shape of the output
contract (ops, argument names, weights) and the errors users get for models that cannot be
lowered.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import torch
from torch import nn
from torch2calyx.errors import FrontendError, Torch2CalyxError
from torch2calyx.frontend import (
    LoweredModule,
    lower,
    run_reference,
    verify_loop_level_text,
)
from torch2calyx.frontend.zoo import ZOO, zoo_case

THIS_FILE = __file__

# Ops that must never appear in the front end's output, whatever the model.
FORBIDDEN = re.compile(
    r"\b(tensor\.\w+|linalg\.\w+|bufferization\.\w+|memref\.copy|memref\.subview|"
    r"memref\.expand_shape|memref\.collapse_shape|memref\.reinterpret_cast|cf\.assert|"
    r"dense_resource)\b|strided<|tensor<"
)


def _mlir_opt_22() -> str:
    """Debian's mlir-opt of LLVM 22, the MLIR the C++ passes are built on (ci/setup.sh)."""
    found = shutil.which("mlir-opt-22") or "/usr/lib/llvm-22/bin/mlir-opt"
    assert Path(found).is_file(), "mlir-opt of LLVM 22 not found: run ci/setup.sh"
    return found


def _expected(model: nn.Module, inputs: tuple) -> tuple[torch.Tensor, ...]:
    with torch.no_grad():
        out = model(*inputs)
    return tuple(out) if isinstance(out, tuple | list) else (out,)


def _assert_close(got: torch.Tensor, want: torch.Tensor, *, exact: bool) -> None:
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    if exact:
        assert torch.equal(got, want), f"max diff {(got.long() - want.long()).abs().max()}"
    else:
        torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("case", ZOO, ids=[c.name for c in ZOO])
def test_zoo_reference_matches_pytorch(case):
    model, inputs = case.build()
    lowered = lower(model, inputs)

    # the contract: only loop-level ops, checked by the verifier and by text
    verify_loop_level_text(lowered.mlir, func_name="forward")
    bad = FORBIDDEN.search(lowered.mlir)
    assert bad is None, f"forbidden construct {bad.group(0)!r} in the output"

    # arguments: inputs then outputs, named by t2c.name in order, with matching types
    expected = _expected(model, inputs)
    assert [a.name for a in lowered.args] == [f"in{i}" for i in range(len(inputs))] + [
        f"out{i}" for i in range(len(expected))
    ]
    signature = re.search(r"func\.func @forward\((.*)\) \{", lowered.mlir).group(1)
    names = re.findall(r't2c\.name = "(\w+)"', signature)
    assert names == [a.name for a in lowered.args]
    for arg, tensor in zip(lowered.args, inputs + expected, strict=True):
        assert arg.shape == tuple(tensor.shape)
        assert arg.dtype == str(tensor.dtype).removeprefix("torch.")
        assert f'{arg.mlir_type} {{t2c.name = "{arg.name}"}}' in signature

    # the C++ passes read it with MLIR 22 (torch-mlir printed it with its newer MLIR)
    parsed = subprocess.run(
        [_mlir_opt_22(), "-o", "/dev/null", "-"],
        input=lowered.mlir,
        capture_output=True,
        text=True,
    )
    assert parsed.returncode == 0, parsed.stderr

    got = run_reference(lowered, inputs)
    assert len(got) == len(expected)
    for g, w in zip(got, expected, strict=True):
        _assert_close(g, w, exact=case.exact)


def test_reference_run_detects_a_wrong_program():
    """The oracle can fail: a mutated constant in the MLIR changes the reference result."""
    model, inputs = zoo_case("linear").build()
    lowered = lower(model, inputs)
    bias = model.bias[0].item()
    mutated = LoweredModule(
        mlir=lowered.mlir.replace("arith.addf", "arith.subf"),
        func_name=lowered.func_name,
        args=lowered.args,
    )
    assert mutated.mlir != lowered.mlir
    want = _expected(model, inputs)[0]
    got = run_reference(mutated, inputs)[0]
    assert not torch.allclose(got, want, atol=1e-5), bias


def test_weights_are_inline_globals_named_after_parameters():
    model, inputs = zoo_case("mlp_batch3").build()
    text = lower(model, inputs).mlir
    globals_ = dict(
        re.findall(r'memref\.global "private" constant @(\w+) : (memref<[^>]*>) = dense<', text)
    )
    # Linear weights arrive pre-transposed as constants (no transpose loops), and keep the
    # parameter's name ("0.weight" -> _0_weight) for the hardware memories named after them
    assert globals_ == {
        "_0_weight": "memref<4x6xf32>",
        "_0_bias": "memref<6xf32>",
        "_2_weight": "memref<6x2xf32>",
        "_2_bias": "memref<2xf32>",
    }
    assert "arith.truncf" not in text

    model, inputs = zoo_case("cnn").build()
    text = lower(model, inputs).mlir
    # the Linear after Flatten: its transposed weight is folded into the flatten's shape
    assert re.search(r"@_4_weight : memref<2x2x2x3xf32> = dense<", text)
    assert re.search(r"@_0_weight : memref<2x1x3x3xf32> = dense<", text)


def test_weight_infos_name_the_pytorch_tensor_and_its_layout():
    model, inputs = zoo_case("cnn").build()
    lowered = lower(model, inputs)
    infos = {w.pytorch_name: w for w in lowered.weights}
    assert set(infos) == {n for n, p in model.named_parameters()}
    for pname, param in model.named_parameters():
        info = infos[pname]
        assert info.shape == tuple(param.shape) and info.dtype == "float32"
        assert f"@{info.name} :" in lowered.mlir
    assert infos["0.weight"].name == "_0_weight" and infos["0.weight"].permutation is None
    # the Linear after Flatten holds its weight transposed, which the info says
    assert infos["4.weight"].name == "_4_weight" and infos["4.weight"].permutation == (1, 0)
    assert LoweredModule.from_json(lowered.to_json()).weights == lowered.weights


def test_memory_names_change_only_what_calyx_requires():
    from torch2calyx.calyx.rtl import SV_KEYWORDS
    from torch2calyx.frontend.names import CALYX_KEYWORDS, memory_name
    from torch2calyx.frontend.names import SV_KEYWORDS as FRONTEND_SV_KEYWORDS

    # every name the Verilog backend refuses for an external memory is avoided here too
    assert SV_KEYWORDS <= FRONTEND_SV_KEYWORDS and "invoke" in CALYX_KEYWORDS
    used = {"in0", "out0"}
    names = [
        memory_name(n, used)
        for n in ("fc1.weight", "0.weight", "fc1_weight", "reg", "seq", "in0", "größe.w")
    ]
    assert names == ["fc1_weight", "_0_weight", "fc1_weight_1", "reg_", "seq_", "in0_1", "gr__e_w"]
    assert used >= set(names)

    class Odd(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.reg = nn.Parameter(torch.arange(6.0).reshape(2, 3))

        def forward(self, x):
            return x * self.reg

    lowered = lower(Odd().eval(), (torch.ones(2, 3),))
    (info,) = [w for w in lowered.weights if w.pytorch_name is not None]
    assert (info.name, info.pytorch_name, info.shape) == ("reg_", "reg", (2, 3))


def test_decompositions_that_avoid_ops_without_hardware():
    """Powers become mulf/sqrt, LayerNorm stays in float32, int8 products do not crash."""
    text = lower(*zoo_case("powers").build()).mlir
    assert "math.fpowi" not in text and "math.powf" not in text and "math.sqrt" in text
    text = lower(*zoo_case("layernorm").build()).mlir
    assert "f64" not in text
    text = lower(*zoo_case("int8_mlp").build()).mlir
    assert "arith.extsi" in text and "arith.trunci" in text


def test_json_round_trip():
    model, inputs = zoo_case("multi_in_out").build()
    lowered = lower(model, inputs, func_name="top")
    again = LoweredModule.from_json(lowered.to_json())
    assert again == lowered
    assert [a.role for a in again.args] == ["input", "input", "output", "output"]
    assert again.outputs[1].shape == (2, 1)
    assert "func.func @top(" in again.mlir
    with pytest.raises(FrontendError, match="lowered-module JSON"):
        LoweredModule.from_json('{"mlir": "x"}')


def test_run_reference_checks_inputs():
    model, inputs = zoo_case("linear").build()
    lowered = lower(model, inputs)
    with pytest.raises(FrontendError, match=r"shape \(2, 4\).*expects \(1, 4\)"):
        run_reference(lowered, (torch.zeros(2, 4),))
    with pytest.raises(FrontendError, match="dtype float64.*float32"):
        run_reference(lowered, (torch.zeros(1, 4, dtype=torch.float64),))
    with pytest.raises(FrontendError, match="2 inputs.*takes 1"):
        run_reference(lowered, (torch.zeros(1, 4), torch.zeros(1, 4)))


# --- errors a user can act on ----------------------------------------------------------------


class _Histc(nn.Module):
    def forward(self, x):
        return torch.histc(x, 4) + 1  # unsupported: no torch-mlir lowering


class _Sort(nn.Module):
    def forward(self, x):
        return torch.sort(x).values  # lowers to tm_tensor.sort, no loop form


class _MaskSelect(nn.Module):
    def forward(self, x):
        return x[x > 0]  # output size depends on the data


class _Branch(nn.Module):
    def forward(self, x):
        if x.sum() > 0:  # control flow on a tensor value
            return x
        return -x


class _ToComplex(nn.Module):
    def forward(self, x):
        return torch.view_as_real(torch.complex(x, x) * 2)


def _line_of(cls: type, text: str) -> str:
    import inspect

    lines, start = inspect.getsourcelines(cls)
    offset = next(i for i, line in enumerate(lines) if text in line)
    return f"{THIS_FILE}:{start + offset}"


def test_error_unsupported_op_names_op_and_source_line():
    with pytest.raises(FrontendError) as info:
        lower(_Histc().eval(), (torch.randn(4),))
    msg = str(info.value)
    assert "aten.histc" in msg
    assert _line_of(_Histc, "torch.histc") in msg
    assert "supported: Linear, ReLU, Conv2d" in msg
    assert "Traceback" not in msg


def test_error_op_without_loop_lowering():
    with pytest.raises(FrontendError) as info:
        lower(_Sort().eval(), (torch.randn(4),))
    msg = str(info.value)
    assert "tm_tensor.sort" in msg and _line_of(_Sort, "torch.sort") in msg


def test_error_training_mode():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout())
    with pytest.raises(FrontendError, match=r"training mode.*1 \(Dropout\).*model\.eval\(\)"):
        lower(model, (torch.randn(1, 2),))


def test_error_dynamic_shape():
    with pytest.raises(FrontendError) as info:
        lower(_MaskSelect().eval(), (torch.randn(4),))
    msg = str(info.value)
    assert "data-dependent shape" in msg and _line_of(_MaskSelect, "x[x > 0]") in msg


def test_error_data_dependent_control_flow():
    with pytest.raises(FrontendError) as info:
        lower(_Branch().eval(), (torch.randn(4),))
    msg = str(info.value)
    assert "data-dependent control flow" in msg and "torch.where" in msg
    assert _line_of(_Branch, "if x.sum() > 0") in msg


@pytest.mark.parametrize(
    ("inputs", "pattern"),
    [
        (
            (torch.randn(4, dtype=torch.complex64),),
            "example input 0 has dtype complex64.*supported: float16, bfloat16, float32",
        ),
        ((torch.ones(4, dtype=torch.bool),), "example input 0 has dtype bool"),
        ((3,), "example input 0 is a int"),
        ((), "non-empty tuple of tensors"),
    ],
)
def test_error_bad_inputs(inputs, pattern):
    with pytest.raises(FrontendError, match=pattern):
        lower(nn.ReLU().eval(), inputs)


def test_error_unsupported_intermediate_dtype():
    with pytest.raises(FrontendError) as info:
        lower(_ToComplex().eval(), (torch.randn(4),))
    msg = str(info.value)
    assert "complex64" in msg and _line_of(_ToComplex, "torch.complex(x, x)") in msg


class _NumpyInside(nn.Module):
    def forward(self, x):
        return torch.from_numpy(x.numpy() * 2)  # leaves the traced world


def test_error_export_failure():
    with pytest.raises(FrontendError) as info:
        lower(_NumpyInside().eval(), (torch.randn(2),))
    msg = str(info.value)
    assert msg.startswith("[frontend] torch.export could not capture the model: RuntimeError")
    assert _line_of(_NumpyInside, "x.numpy()") in msg and "traceable by torch.export" in msg


def test_error_not_a_module():
    with pytest.raises(FrontendError, match="not a torch.nn.Module"):
        lower(torch.relu, (torch.randn(4),))


def test_errors_are_torch2calyx_errors():
    assert issubclass(FrontendError, Torch2CalyxError)
