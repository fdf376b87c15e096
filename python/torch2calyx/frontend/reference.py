"""Run loop-level MLIR on the CPU with MLIR's ExecutionEngine (bundled with torch-mlir).

This is the front end's oracle: the loop-level MLIR must compute what PyTorch computes, so
front-end bugs show up before any hardware exists.
"""

from __future__ import annotations

import ctypes

import numpy as np
import torch
from torch_mlir import ir
from torch_mlir.execution_engine import ExecutionEngine
from torch_mlir.runtime.np_to_memref import get_ranked_memref_descriptor

from torch2calyx.errors import FrontendError
from torch2calyx.frontend import mlir_passes as mp
from torch2calyx.frontend.types import LoweredModule

# Loop-level MLIR -> LLVM dialect. math ops without an LLVM intrinsic (erf, tanh, ...) become
# libm calls, which the ExecutionEngine resolves in the running process.
TO_LLVM = (
    "builtin.module("
    "func.func(lower-affine),"
    "convert-math-to-llvm,"
    "convert-math-to-libm,"
    "convert-scf-to-cf,"
    "expand-strided-metadata,"
    "finalize-memref-to-llvm,"
    "convert-arith-to-llvm,"
    "convert-func-to-llvm,"
    "convert-cf-to-llvm,"
    "reconcile-unrealized-casts)"
)

_NP_DTYPES = {
    "float16": np.float16,
    "bfloat16": np.uint16,  # numpy has no bfloat16: the memrefs hold the 16-bit patterns
    "float32": np.float32,
    "float64": np.float64,
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
}


def _to_numpy(value: torch.Tensor | np.ndarray, arg) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        if value.dtype == torch.bfloat16:
            value = value.view(torch.int16)
            if arg.dtype == "bfloat16":
                return np.ascontiguousarray(value.numpy().view(np.uint16))
        value = value.numpy()
    array = np.ascontiguousarray(value)
    if tuple(array.shape) != arg.shape:
        raise FrontendError(
            f"input {arg.name} has shape {tuple(array.shape)}, the lowered function expects "
            f"{arg.shape}; pass inputs of the shapes the model was lowered with"
        )
    if array.dtype != _NP_DTYPES[arg.dtype]:
        raise FrontendError(
            f"input {arg.name} has dtype {array.dtype}, the lowered function expects "
            f"{arg.dtype}; convert it first"
        )
    return array


def run_reference(
    lowered: LoweredModule, inputs: tuple | list, *, opt_level: int = 0
) -> tuple[torch.Tensor, ...]:
    """Execute ``lowered`` on the CPU with ``inputs``; return its outputs as tensors.

    ``inputs`` are tensors (or numpy arrays) in the order of ``lowered.inputs``. The MLIR is
    JIT-compiled through LLVM with ``opt_level`` (0 compiles fastest).
    """
    if isinstance(inputs, torch.Tensor):
        inputs = (inputs,)
    arg_inputs = lowered.inputs
    if len(inputs) != len(arg_inputs):
        raise FrontendError(
            f"run_reference got {len(inputs)} inputs, the lowered function takes "
            f"{len(arg_inputs)} ({', '.join(a.name for a in arg_inputs)})"
        )
    arrays = [_to_numpy(x, a) for x, a in zip(inputs, arg_inputs, strict=True)]
    outputs = [np.zeros(a.shape, dtype=_NP_DTYPES[a.dtype]) for a in lowered.outputs]
    # function argument order (inputs and outputs may interleave in .mlir input)
    in_iter, out_iter = iter(arrays), iter(outputs)
    ordered = [next(in_iter) if a.role == "input" else next(out_iter) for a in lowered.args]

    with ir.Context():
        try:
            module = ir.Module.parse(lowered.mlir)
        except Exception as exc:
            raise FrontendError(f"the lowered MLIR does not parse: {exc}") from exc
        func = mp.find_func(module, lowered.func_name)
        func.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
        if "arg_attrs" in func.attributes:  # t2c.name means nothing to LLVM
            del func.attributes["arg_attrs"]
        mp.run_pipeline(module, TO_LLVM, stage="loop-level MLIR -> LLVM (reference run)")
        try:
            engine = ExecutionEngine(module, opt_level=opt_level)
        except Exception as exc:
            raise FrontendError(f"JIT compilation of the reference run failed: {exc}") from exc
        descriptors = [
            ctypes.pointer(ctypes.pointer(get_ranked_memref_descriptor(a))) for a in ordered
        ]
        try:
            engine.invoke(lowered.func_name, *descriptors)
        except RuntimeError as exc:
            raise FrontendError(
                f"the reference run could not call @{lowered.func_name}: {exc} (a math "
                "function missing from libm, or a function that was not compiled)"
            ) from exc
    return tuple(_to_tensor(o, a) for o, a in zip(outputs, lowered.outputs, strict=True))


def _to_tensor(array: np.ndarray, arg) -> torch.Tensor:
    tensor = torch.from_numpy(array)
    return tensor.view(torch.bfloat16) if arg.dtype == "bfloat16" else tensor
