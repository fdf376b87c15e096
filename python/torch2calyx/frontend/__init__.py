"""The front end: PyTorch model (or an .mlir file) -> loop-level MLIR for the C++ passes.

Stable interface used by the rest of torch2calyx::

    lower(model, example_inputs, *, func_name="forward") -> LoweredModule
    lower_mlir_file(path, *, func_name=None) -> LoweredModule
    lower_mlir_text(text, *, func_name=None, source="<string>") -> LoweredModule
    run_reference(lowered, inputs, *, opt_level=0) -> tuple[torch.Tensor, ...]
    verify_loop_level_text(text, *, func_name) -> None   (raises FrontendError)

``LoweredModule`` (dataclass): ``mlir`` (printed loop-level module), ``func_name``, ``args``
(list of ``ArgInfo(name, role, index, shape, dtype)``), ``weights`` (list of
``WeightInfo(name, shape, dtype, pytorch_name, permutation)``, one per ``memref.global``:
the PyTorch parameter or buffer it holds, with its shape, and how it is laid out),
``inputs``/``outputs`` views, ``to_json()``/``from_json()``.

What the loop-level MLIR guarantees:

* only func / arith / math / memref (global, get_global, alloc, alloca, dealloc, load, store)
  / affine or scf ops; no tensor ops, no ``memref.copy``, subviews, reshapes or strided
  layouts; every memref statically shaped with the identity layout;
* one top-level function ``@func_name`` whose arguments are the model inputs then the
  outputs (results are written into output memrefs; it returns nothing); argument ``i`` has
  the attribute ``t2c.name = "in0" | "in1" | ... | "out0" | ...`` equal to ``args[i].name``;
* weights are ``memref.global "private" constant`` with inline ``dense<...>`` data, named
  after the parameter or buffer whose data they hold (as is, transposed or reshaped), changed
  only where Calyx identifiers require it: ``fc1.weight`` -> ``@fc1_weight``, ``0.weight`` ->
  ``@_0_weight`` (``WeightInfo.pytorch_name`` keeps the original); other constants keep
  torch-mlir's ``@__constant_<shape>`` names;
* a 0-d tensor becomes a 0-d memref (``memref<f32>``); torch-mlir's run-time checks
  (``cf.assert``) are dropped, since hardware cannot report them.

Accepted ``.mlir`` input (:func:`lower_mlir_file`):

1. linalg on tensors (what torch-mlir's ``linalg-on-tensors`` output type gives): a function
   taking and returning ranked static tensors. It goes through the same bufferization and
   loop pipeline as a PyTorch model; results become output arguments.
2. loop-level MLIR on memrefs (what Allo emits, or hand-written): a function whose arguments
   are static memrefs and which returns nothing or returns memrefs (returned buffers become
   output arguments appended after the others). Linalg ops on memrefs, ``memref.copy`` and
   subviews/reshapes are lowered and folded. Globals keep their names unless a Calyx memory
   cannot take it (``@table``, a SystemVerilog keyword, becomes ``@table_``). An argument
   that is stored to is an output
   (its initial contents are not inputs: the reference run passes zeros); the others are
   inputs. The file's argument order is kept, so inputs and outputs may interleave; ``args``
   lists them in function argument order.

Dtypes: float16, bfloat16, float32, float64, int8, int16, int32, int64 (integers are signed).

Errors are :class:`torch2calyx.errors.FrontendError` and name the op, the model's source
line and what to change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the real imports are lazy: torch takes seconds to import
    import torch

    from torch2calyx.frontend.types import LoweredModule

# public name -> module that defines it; imported on first use so that `torch2calyx --help`
# and the other stages do not pay for importing torch and torch-mlir.
_LAZY = {
    "ArgInfo": "torch2calyx.frontend.types",
    "LoweredModule": "torch2calyx.frontend.types",
    "WeightInfo": "torch2calyx.frontend.types",
    "FrontendConfig": "torch2calyx.frontend.export",
    "lower_mlir_file": "torch2calyx.frontend.mlir_input",
    "lower_mlir_text": "torch2calyx.frontend.mlir_input",
    "run_reference": "torch2calyx.frontend.reference",
    "verify_loop_level_text": "torch2calyx.frontend.verify",
}

__all__ = [
    "ArgInfo",
    "FrontendConfig",
    "LoweredModule",
    "WeightInfo",
    "lower",
    "lower_mlir_file",
    "lower_mlir_text",
    "run_reference",
    "verify_loop_level_text",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lower(
    model: torch.nn.Module,
    example_inputs: tuple,
    *,
    func_name: str = "forward",
) -> LoweredModule:
    """Lower ``model(*example_inputs)`` to loop-level MLIR.

    The model must be in eval mode; ``example_inputs`` is a tuple of tensors whose shapes and
    dtypes fix the hardware's (static) shapes. Raises FrontendError on anything that cannot
    be lowered, naming the op and the model's source line.
    """
    from torch2calyx.frontend.export import FrontendConfig, lower_model

    return lower_model(model, example_inputs, config=FrontendConfig(func_name=func_name))
