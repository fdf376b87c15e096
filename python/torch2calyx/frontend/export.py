"""PyTorch side of the front end: check the model, torch.export it, import it into MLIR.

The result of :func:`lower_model` is loop-level MLIR (see :mod:`torch2calyx.frontend`).
Failures are turned into :class:`~torch2calyx.errors.FrontendError` messages that name the
PyTorch op, the model's source line and what to change.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import re
import sys
import traceback
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from torch_mlir import ir
from torch_mlir.dialects import torch as torch_d
from torch_mlir.extras.fx_decomp_util import get_decomposition_table
from torch_mlir.extras.fx_importer import FxImporter, FxImporterHooks

from torch2calyx.errors import FrontendError
from torch2calyx.frontend import layers, quantized, resources
from torch2calyx.frontend import mlir_passes as mp
from torch2calyx.frontend.names import memory_name
from torch2calyx.frontend.types import (
    DTYPE_TO_MLIR,
    MLIR_TO_DTYPE,
    ArgInfo,
    LoweredModule,
    WeightInfo,
)

_TORCH_DIR = os.path.dirname(torch.__file__)
_SUPPORTED_DTYPES = {
    torch.float16: "float16",
    torch.bfloat16: "bfloat16",
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int8: "int8",
    torch.int16: "int16",
    torch.int32: "int32",
    torch.int64: "int64",
}
SUPPORTED_LAYERS = (
    "Linear, ReLU, Conv2d (stride, padding, groups), MaxPool2d, AvgPool2d, Flatten, "
    "BatchNorm (eval), LayerNorm, GELU, Sigmoid, Tanh, Softmax, matmul/bmm, elementwise "
    "add/sub/mul/div and other pointwise ops that torch-mlir lowers to linalg"
)


@dataclass(kw_only=True)
class FrontendConfig:
    """Options of the PyTorch front end.

    ``func_name``: name of the top-level function in the MLIR.
    """

    func_name: str = "forward"


class _InlineWeights(FxImporterHooks):
    """Import every tensor literal (weights, buffers, constants) as an inline dense<> attr."""

    def resolve_literal(self, gni, literal, info):  # noqa: D102 (FxImporterHooks API)
        if not isinstance(literal, torch.Tensor):
            return None
        tensor = literal.detach().contiguous().cpu()
        # booleans arrive here as uint8 (the importer converts them back afterwards)
        if tensor.dtype not in _SUPPORTED_DTYPES and tensor.dtype != torch.uint8:
            return None
        vtensor_type = gni._cc.tensor_to_vtensor_type(tensor)
        if tensor.dtype == torch.bfloat16:
            # numpy has no bfloat16: hand MLIR the raw 16-bit patterns with the element type
            attr = ir.DenseElementsAttr.get(
                tensor.view(torch.int16).numpy(),
                type=ir.BF16Type.get(context=gni._c),
                signless=True,
                context=gni._c,
            )
        else:
            attr = ir.DenseElementsAttr.get(
                tensor.numpy(), signless=tensor.dtype != torch.uint8, context=gni._c
            )
        return ir.Operation.create(
            name="torch.vtensor.literal", results=[vtensor_type], attributes={"value": attr}
        ).result


def _var_mean_correction(x, dim=None, *, correction=None, keepdim=False):
    """aten.var_mean in the input's precision (torch-mlir's lowering widens to f64)."""
    dims = list(range(x.dim())) if dim is None else [d % max(x.dim(), 1) for d in dim]
    count = 1
    for d in dims:
        count *= x.shape[d]
    corr = 1 if correction is None else correction
    mean = torch.mean(x, dims, keepdim=True)
    centered = x - mean
    var = torch.sum(centered * centered, dims, keepdim=keepdim) / max(count - corr, 0)
    if not keepdim:
        mean = torch.squeeze(mean, dims)
    return var, mean


def _var_correction(x, dim=None, *, correction=None, keepdim=False):
    return _var_mean_correction(x, dim, correction=correction, keepdim=keepdim)[0]


def _gelu(x, approximate="none"):
    """GELU's tanh form with the exact sqrt(2/pi); torch-mlir's lowering uses 0.797724."""
    if approximate != "tanh":
        return NotImplemented  # the erf form lowers exactly
    inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * (x * x * x))
    return 0.5 * x * (1.0 + torch.tanh(inner))


def _pow_scalar(x, exponent):
    """x ** 2, x ** 3, x ** 0.5 and x ** -1 as multiplications, sqrt and division.

    torch-mlir lowers them to math.fpowi / math.powf, which have no hardware primitive;
    PyTorch's CPU kernel special-cases the same exponents the same way.
    """
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        return NotImplemented
    if isinstance(exponent, bool) or not isinstance(exponent, int | float):
        return NotImplemented
    if exponent == 2:
        return x * x
    if exponent == 3:
        return x * x * x
    if exponent == 0.5:
        return torch.sqrt(x)
    if exponent == -1:
        return 1.0 / x
    return NotImplemented


def _widened_int8(op):
    """Compute an int8 matrix product in int32 and wrap back to int8.

    torch-mlir's linalg lowering crashes on i8 matrix products (it takes the quantized path).
    Integer products and sums wrap modulo 2**8 either way, so the result is bit-identical.
    """

    def decomposed(a, b):
        if a.dtype != torch.int8 or b.dtype != torch.int8:
            return NotImplemented
        return op(a.to(torch.int32), b.to(torch.int32)).to(torch.int8)

    return decomposed


def _widened_int8_scalar(op):
    """An int8 tensor combined with a Python number, computed in int32 and wrapped back.

    torch-mlir's linalg lowering crashes on these (mul, sub, remainder, division of si8 by a
    scalar). For the in-range int8 values involved, int32 arithmetic followed by a wrap to
    int8 gives PyTorch's int8 result bit for bit.
    """

    def decomposed(*args, **kwargs):
        has_int8 = any(isinstance(a, torch.Tensor) and a.dtype == torch.int8 for a in args)
        has_number = any(isinstance(a, int | float) and not isinstance(a, bool) for a in args)
        if not (has_int8 and has_number):
            return NotImplemented
        wide = [
            a.to(torch.int32) if isinstance(a, torch.Tensor) and a.dtype == torch.int8 else a
            for a in args
        ]
        out = op(*wide, **kwargs)
        return out.to(torch.int8) if out.dtype == torch.int32 else out

    return decomposed


def decomposition_table() -> dict:
    """torch-mlir's decomposition table plus torch2calyx's own (variance in input precision)."""
    table = dict(get_decomposition_table())
    aten = torch.ops.aten
    table[aten.var_mean.correction] = _var_mean_correction
    table[aten.var.correction] = _var_correction
    table[aten.gelu.default] = _gelu
    table[aten.pow.Tensor_Scalar] = _pow_scalar
    for op in (aten.mm.default, aten.bmm.default):
        table[op] = _widened_int8(op)
    for op in (
        aten.mul.Tensor,
        aten.mul.Scalar,
        aten.sub.Tensor,
        aten.sub.Scalar,
        aten.remainder.Tensor,
        aten.remainder.Scalar,
        aten.floor_divide.default,
        aten.div.Tensor,
        aten.div.Tensor_mode,
        aten.div.Scalar,
        aten.div.Scalar_mode,
    ):
        table.setdefault(op, _widened_int8_scalar(op))
    return table


# ---------------------------------------------------------------------------------------------
# Input checks


def _check_model(model: torch.nn.Module, example_inputs: tuple) -> tuple[torch.Tensor, ...]:
    if not isinstance(model, torch.nn.Module):
        raise FrontendError(
            f"model is a {type(model).__name__}, not a torch.nn.Module; wrap the function in "
            "an nn.Module whose forward() calls it"
        )
    training = [
        f"{name or '(model)'} ({type(m).__name__})"
        for name, m in model.named_modules()
        if m.training
    ]
    if training:
        shown = ", ".join(training[:5]) + (" ..." if len(training) > 5 else "")
        raise FrontendError(
            f"model is in training mode (modules: {shown}); hardware runs inference only, so "
            "call model.eval() before lowering (dropout and batch-norm statistics differ in "
            "training mode)"
        )
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    if not isinstance(example_inputs, tuple | list) or not example_inputs:
        raise FrontendError(
            "example_inputs must be a non-empty tuple of tensors, e.g. "
            "example_inputs = (torch.randn(1, 4),)"
        )
    for i, x in enumerate(example_inputs):
        if not isinstance(x, torch.Tensor):
            raise FrontendError(
                f"example input {i} is a {type(x).__name__}; every example input must be a "
                "torch.Tensor (turn Python numbers into module attributes or constants)"
            )
        _check_dtype(x.dtype, f"example input {i}")
        if x.numel() == 0:
            raise FrontendError(
                f"example input {i} has shape {tuple(x.shape)} with a zero-sized dimension; "
                "give every dimension at least one element"
            )
    return tuple(example_inputs)


def _check_dtype(dtype: torch.dtype, what: str) -> str:
    if dtype not in _SUPPORTED_DTYPES:
        supported = ", ".join(_SUPPORTED_DTYPES.values())
        raise FrontendError(
            f"{what} has dtype {str(dtype).removeprefix('torch.')}, which torch2calyx does not "
            f"support; supported: {supported} (convert with .float() or .to(torch.int32))"
        )
    return _SUPPORTED_DTYPES[dtype]


# ---------------------------------------------------------------------------------------------
# Source positions of FX nodes


def _frames(stack_trace: str | None) -> list[tuple[str, int, str]]:
    if not stack_trace:
        return []
    return [
        (m[0], int(m[1]), m[2])
        for m in re.findall(r'File "([^"]+)", line (\d+), in (\S+)', stack_trace)
    ]


def _user_frame(frames: list[tuple[str, int, str]]) -> tuple[str, int, str] | None:
    """The innermost frame outside the torch package (the model's own code), else the last."""
    for frame in reversed(frames):
        if not frame[0].startswith(_TORCH_DIR):
            return frame
    return frames[-1] if frames else None


def describe_node(node: torch.fx.Node) -> str:
    """'aten.histc at model.py:12 (in forward), module encoder.0 (Linear)' for an FX node."""
    text = str(node.target)
    frame = _user_frame(_frames(node.meta.get("stack_trace")))
    if frame is not None:
        text += f" at {frame[0]}:{frame[1]} (in {frame[2]})"
    stack = node.meta.get("nn_module_stack")
    if stack:
        path, kind = list(stack.values())[-1]
        kind_name = getattr(kind, "__name__", str(kind)).rsplit(".", 1)[-1]
        if path:
            text += f", module {path} ({kind_name})"
    return text


def _nodes_for_torch_op(program, op_name: str) -> list[torch.fx.Node]:
    """FX nodes whose target is the aten op named in torch-dialect form ('torch.aten.histc')."""
    short = op_name.removeprefix("torch.")
    found = []
    for node in program.graph.nodes:
        if node.op != "call_function":
            continue
        target = str(node.target)
        if target == short or target.startswith(short + "."):
            found.append(node)
    return found


def _source_of_location(loc: str) -> str:
    frames = [(f, int(n), "?") for f, n in re.findall(r'"([^"]+)":(\d+)', loc)]
    if not frames:
        return loc
    # callsite(innermost at outer...): the first frame is the innermost.
    for f, n, _ in frames:
        if not f.startswith(_TORCH_DIR):
            return f"{f}:{n}"
    return f"{frames[0][0]}:{frames[0][1]}"


def _explain_torch_failure(err: mp.PipelineError, program) -> FrontendError:
    ops: list[str] = []
    for diag in err.diagnostics:
        m = re.search(r"""name = "(torch\.[\w.]+)"|operation '(torch\.[\w.]+)'""", diag.message)
        if m:
            name = m.group(1) or m.group(2)
            if name != "torch.operator":
                ops.append(name)
            elif m2 := re.search(r'name = "(torch\.[\w.]+)"', diag.message):
                ops.append(m2.group(1))
    lines = []
    for name in dict.fromkeys(ops):
        nodes = _nodes_for_torch_op(program, name)
        if nodes:
            lines += [f"  unsupported op {describe_node(n)}" for n in nodes[:3]]
        else:
            lines.append(f"  unsupported op {name.removeprefix('torch.')}")
    if not lines:
        lines = [
            f"  {d.location and _source_of_location(d.location)}: {d.message}"
            for d in err.diagnostics[:5]
        ]
    return FrontendError(
        f"torch-mlir could not lower the model ({err.stage_name}):\n"
        + "\n".join(lines)
        + f"\n  supported: {SUPPORTED_LAYERS}.\n  Replace the op with supported ones."
        + f"\n  torch-mlir details: reproduce with the IR saved at {err.repro_path}"
    )


# ---------------------------------------------------------------------------------------------
# The front end


def _user_line(exc: BaseException) -> str:
    """' (at file:line)' for the innermost traceback frame outside torch, if any."""
    frames = traceback.extract_tb(exc.__traceback__)
    user = [
        f
        for f in frames
        if not f.filename.startswith(_TORCH_DIR) and "torch2calyx" not in f.filename
    ]
    if not user:
        m = re.search(r'File "([^"]+)", line (\d+)', str(exc))
        return f" (at {m.group(1)}:{m.group(2)})" if m else ""
    return f" (at {user[-1].filename}:{user[-1].lineno})"


@contextlib.contextmanager
def quiet_torch_logs():
    """Swallow what torch's loggers print while the block runs.

    When torch.export fails, torch logs the failing meta kernel's traceback at ERROR level
    (``E... fake_tensor.py:... Traceback ... raise error_type(...)``) through handlers that
    hold the original stderr, so redirecting ``sys.stderr`` does not catch it. Every
    ``torch*`` logger gets a null handler and stops propagating (to the user's root logger
    too) for the duration; the FrontendError raised afterwards says what matters.
    """
    manager = logging.Logger.manager
    loggers = [logging.getLogger("torch")] + [
        lg
        for name, lg in list(manager.loggerDict.items())
        if name.startswith("torch")
        and name != "torch"
        and isinstance(lg, logging.Logger)
        and (lg.handlers or not lg.propagate)
    ]
    saved = [(lg, lg.handlers[:], lg.propagate) for lg in loggers]
    sink = logging.NullHandler()
    try:
        for lg in loggers:
            lg.handlers = [sink]
            lg.propagate = False
        yield
    finally:
        for lg, handlers, propagate in saved:
            lg.handlers = handlers
            lg.propagate = propagate


def _export(model: torch.nn.Module, inputs: tuple[torch.Tensor, ...]):
    # On failure torch.export prints the partial FX graph, a symbolic-shapes warning and (via
    # its loggers) the traceback of the failing kernel; the FrontendError below says what
    # matters, so that output is dropped (stderr is passed through when the export succeeds).
    captured = io.StringIO()
    try:
        with quiet_torch_logs(), contextlib.redirect_stderr(captured):
            program = torch.export.export(model, inputs, strict=False)
        sys.stderr.write(captured.getvalue())
    except Exception as exc:  # torch.export raises many unrelated types
        text = str(exc)
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        if re.search(r"data.dependent|GuardOnDataDependent|unbacked|Dynamic", text, re.I):
            raise FrontendError(
                "the model has data-dependent control flow or a data-dependent (dynamic) "
                f"shape, which fixed hardware cannot have: {first}{_user_line(exc)}\n  make "
                "every branch and tensor size depend only on the input shapes (no `if` on "
                "tensor values, nonzero(), boolean-mask indexing or .item()-driven sizes; "
                "use torch.where for value-dependent choices)"
            ) from exc
        raise FrontendError(
            f"torch.export could not capture the model: {type(exc).__name__}: {first}"
            f"{_user_line(exc)}\n"
            "  the model must be traceable by torch.export (no Python-side data-dependent "
            "control flow, only tensor inputs); see "
            "https://pytorch.org/docs/stable/export.html"
        ) from exc
    try:
        with quiet_torch_logs():
            return program.run_decompositions(decomposition_table())
    except Exception as exc:
        raise FrontendError(
            f"decomposing the exported program failed: {type(exc).__name__}: {exc}"
        ) from exc


def _run_eagerly(model: torch.nn.Module, inputs: tuple[torch.Tensor, ...]) -> None:
    """Run the model once in PyTorch (on copies of the inputs): a model that PyTorch itself
    cannot run (shapes that disagree, an out-of-range dim, a forward that raises) fails here
    with PyTorch's message, before torch.export or torch-mlir see it (torch-mlir's passes
    loop forever on some such graphs, e.g. softmax over dim=-100)."""
    try:
        with torch.no_grad(), warnings.catch_warnings(), quiet_torch_logs():
            warnings.simplefilter("ignore")
            model(*[x.detach().clone() for x in inputs])
    except Exception as exc:
        text = str(exc).strip()
        first = text.splitlines()[0] if text else ""
        raise FrontendError(
            f"the model fails in PyTorch on example_inputs: {type(exc).__name__}: {first}"
            f"{_user_line(exc)}\n  torch2calyx builds hardware for what model(*example_inputs) "
            "computes; fix the model or example_inputs so that PyTorch runs it"
        ) from exc


def _layer_of(location: str, program) -> str:
    """The PyTorch layer an MLIR location comes from ('aten.conv2d ..., module 0 (Conv2d)'),
    else the source line."""
    frames = re.findall(r'"([^"]+)":(\d+)', location)
    if frames:
        file, line = frames[0][0], int(frames[0][1])
        for node in program.graph.nodes:
            if node.op == "call_function" and any(
                f == file and n == line for f, n, _ in _frames(node.meta.get("stack_trace"))
            ):
                return describe_node(node)
    return f"the op at {_source_of_location(location)}"


def _output_infos(program) -> list[ArgInfo]:
    out_node = next(n for n in program.graph.nodes if n.op == "output")
    values = out_node.args[0]
    infos = []
    for i, value in enumerate(values):
        val = value.meta.get("val") if isinstance(value, torch.fx.Node) else None
        if not isinstance(val, torch.Tensor):
            raise FrontendError(
                f"output {i} of the model is not a tensor ({type(val).__name__}); return "
                "only tensors from forward()"
            )
        shape = tuple(val.shape)
        if not all(isinstance(d, int) for d in shape):
            raise FrontendError(
                f"output {i} ({describe_node(value)}) has a data-dependent shape {shape}; "
                "fixed hardware needs every size static (no nonzero(), boolean-mask "
                "indexing or .item()-driven sizes; use torch.where to keep the shape)"
            )
        dtype = _check_dtype(val.dtype, f"output {i} ({describe_node(value)})")
        infos.append(ArgInfo(f"out{i}", "output", i, shape, dtype))
    return infos


def _check_graph_dtypes(program) -> None:
    for node in program.graph.nodes:
        if node.op != "call_function":
            continue
        val = node.meta.get("val")
        if isinstance(val, torch.Tensor) and val.is_complex():
            raise FrontendError(
                f"{describe_node(node)} produces dtype {str(val.dtype).removeprefix('torch.')}, "
                "which torch2calyx does not support; compute in a real float or integer type"
            )


def lower_model(
    model: torch.nn.Module, example_inputs: tuple, *, config: FrontendConfig
) -> LoweredModule:
    """Lower ``model`` called on ``example_inputs`` to loop-level MLIR (see the package doc).

    A PT2E-quantized model (``convert_pt2e``'s output) is first rewritten into integer ops
    (:mod:`torch2calyx.frontend.quantized`): the design then takes and returns int8 tensors.
    """
    integer = None
    if quantized.is_pt2e(model):
        integer = quantized.integer_model(model, tuple(example_inputs))
        model, example_inputs = integer.module, integer.inputs
    inputs = _check_model(model, example_inputs)
    resources.check_model(model, inputs)
    _run_eagerly(model, inputs)
    with torch.no_grad(), warnings.catch_warnings():
        # torch.export's internal deprecation noise, nothing the user can act on
        warnings.simplefilter("ignore", FutureWarning)
        program = _export(model, inputs)
    _check_graph_dtypes(program)
    # before the importer freezes the program; on copies, as _run_eagerly does: in-place ops
    # must not write the caller's tensors, nor fail on an expanded (overlapping) input
    macs = layers.layer_macs(program, tuple(x.detach().clone() for x in inputs))
    in_infos = [
        ArgInfo(f"in{i}", "input", i, tuple(x.shape), _SUPPORTED_DTYPES[x.dtype])
        for i, x in enumerate(inputs)
    ]
    out_infos = _output_infos(program)

    context = ir.Context()
    torch_d.register_dialect(context)
    # weights inline as dense<> (torch-mlir's default dense_resource blobs block the constant
    # folding of weight transposes, and the later passes read the data from the text)
    importer = FxImporter(context=context, hooks=_InlineWeights())
    layers.name_layers(importer)
    try:
        importer.import_frozen_program(program, func_name=config.func_name)
    except Exception as exc:
        raise FrontendError(
            f"torch-mlir's FX importer rejected the exported program: {type(exc).__name__}: {exc}"
        ) from exc
    module = importer.module
    try:
        mp.run_pipeline(module, mp.TORCH_TO_BACKEND, stage="torch-mlir: FX graph -> torch backend")
        mp.run_pipeline(module, mp.BACKEND_TO_LINALG, stage="torch-mlir: torch -> linalg")
    except mp.PipelineError as err:
        raise _explain_torch_failure(err, program) from None
    _check_linalg(module)
    mp.lower_linalg_to_loops(module, stage="linalg on tensors -> affine loops")
    changed = mp.strip_runtime_asserts(module)
    changed += mp.fold_float_cast_constants(module)
    if changed:
        mp.run_pipeline(module, mp.CLEANUP, stage="clean-up")
    func = mp.find_func(module, config.func_name)
    args = in_infos + out_infos
    n_args = len(ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value).inputs)
    if n_args != len(args):
        raise FrontendError(
            f"internal error: @{config.func_name} has {n_args} arguments but the model has "
            f"{len(in_infos)} inputs and {len(out_infos)} outputs; please report it with the "
            "model file"
        )
    mp.set_arg_names(func, [a.name for a in args])
    renames, weights = _weights_of_globals(module, model, taken={a.name for a in args})
    mp.rename_globals(module, renames)
    mp.verify_loop_level(module, config.func_name)
    resources.check_loop_level(
        module, mp.find_func(module, config.func_name), lambda loc: _layer_of(loc, program)
    )
    _check_arg_types(func, args)
    return LoweredModule(
        # with locations: each op's location names its PyTorch layer (frontend/layers.py)
        mlir=module.operation.get_asm(enable_debug_info=True),
        func_name=config.func_name,
        args=args,
        weights=weights,
        layers=macs,
        quantization=None if integer is None else integer.record(),
    )


def _weights_of_globals(
    module: ir.Module, model: torch.nn.Module, *, taken: set[str]
) -> tuple[dict[str, str], list[WeightInfo]]:
    """Name each global after the parameter or buffer it holds (as is, transposed or reshaped).

    torch-mlir names constants after their shape (``@__constant_4x8xf32``); the later stages
    name hardware memories after the globals, so ``fc1.weight`` becomes ``@fc1_weight``
    (:func:`memory_name`). Returns the renames and a :class:`WeightInfo` per global (after
    renaming): globals whose data matches no parameter (folded or computed constants) keep
    their name and are described by their own shape.
    """
    tensors = [
        (name, _numpy_of(t.detach().cpu()), _SUPPORTED_DTYPES[t.dtype], tuple(t.shape))
        for name, t in [*model.named_parameters(), *model.named_buffers()]
        if t.dtype in _SUPPORTED_DTYPES and t.numel() > 1
    ]
    renames: dict[str, str] = {}
    found: dict[str, WeightInfo] = {}
    used = set(taken)
    elements = {name: elem for name, (_, elem) in mp.global_types(module).items()}
    for gname, array in mp.global_arrays(module).items():
        for pname, p, dtype, shape in tensors:
            if DTYPE_TO_MLIR[dtype] != elements.get(gname) or p.size != array.size:
                continue
            flat = array.ravel()
            # as is, or transposed (Linear), possibly reshaped (a Linear after Flatten)
            if np.array_equal(p.ravel(), flat):
                permutation = None
            elif p.ndim == 2 and np.array_equal(p.T.ravel(), flat):
                permutation = (1, 0)
            else:
                continue
            new = memory_name(pname, used)
            renames[gname] = new
            found[new] = WeightInfo(new, shape, dtype, pname, permutation)
            break
    weights = []
    for gname, (shape, elem) in mp.global_types(module).items():
        name = renames.get(gname, gname)
        if name in found:
            weights.append(found[name])
        elif elem in MLIR_TO_DTYPE:
            weights.append(WeightInfo(name, shape, MLIR_TO_DTYPE[elem]))
    return renames, weights


def _numpy_of(tensor: torch.Tensor) -> np.ndarray:
    """A parameter's values as numpy (bfloat16, which numpy lacks, as its exact float32)."""
    return tensor.float().numpy() if tensor.dtype == torch.bfloat16 else tensor.numpy()


def _check_linalg(module: ir.Module) -> None:
    for op in mp.iter_ops(module.operation):
        if op.name.startswith("tm_tensor."):
            raise FrontendError(
                f"unsupported op at {_source_of_location(str(op.location))}: it lowers to "
                f"'{op.name}' (sort, topk, cumsum, scatter and index_put have no loop "
                f"lowering in torch2calyx); supported: {SUPPORTED_LAYERS}"
            )


def _check_arg_types(func: ir.Operation, args: list[ArgInfo]) -> None:
    ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
    for arg, t in zip(args, ftype.inputs, strict=True):
        if str(t) != arg.mlir_type:
            raise FrontendError(
                f"internal: argument {arg.name} has type {t}, expected {arg.mlir_type}"
            )
