"""Pass pipelines, IR clean-ups and the loop-level checker, on torch-mlir's MLIR bindings.

Everything here works on ``torch_mlir.ir`` objects; :mod:`torch2calyx.frontend.export` and
:mod:`torch2calyx.frontend.mlir_input` decide what to run.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

# Importing torch-mlir's torch dialect loads its native extension, which registers every
# torch-mlir pass (refback-munge-memref-copy among them): .mlir input needs them without
# ever importing the FX importer.
import torch_mlir.dialects.torch  # noqa: F401
from torch_mlir import ir
from torch_mlir.passmanager import PassManager

from torch2calyx.errors import FrontendError
from torch2calyx.frontend import repeated_steps

# FX graph (torch dialect) -> torch backend contract; the same pipeline torch_mlir.fx uses.
TORCH_TO_BACKEND = (
    "builtin.module(func.func(torch-match-quantized-custom-ops),"
    "torchdynamo-export-to-torch-backend-pipeline{ extra-library=})"
)
# Torch backend contract -> linalg on tensors.
BACKEND_TO_LINALG = "builtin.module(torch-backend-to-linalg-on-tensors-backend-pipeline)"
# linalg on tensors -> affine loops on memrefs. Order matters: fuse elementwise ops while they
# are still on tensors; bufferize with identity layouts so no strided memref reaches a function
# boundary; turn results into output arguments (hoisting static allocations into them); turn
# memref.copy into linalg.generic so it becomes loops too; then fold the subview/reshape
# aliases into the affine accesses and normalize loops to start at 0 with step 1.
# It runs in three parts: elementwise fusion alone, between repeated_steps.prepare (which
# holds back the fusions that would make the time steps of a recurrent layer differ) and
# repeated_steps.unpin, separate_inits and materialize_slices; then bufferization,
# dedupe_returned_buffers, and the rest.
FUSE = "builtin.module(linalg-fuse-elementwise-ops)"
BUFFERIZE = (
    "builtin.module("
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map})"
)
BUFFERS_TO_LOOPS = (
    "builtin.module("
    "buffer-results-to-out-params{hoist-static-allocs modify-public-functions},"
    "func.func(refback-munge-memref-copy,convert-linalg-to-affine-loops),"
    "affine-fold-memref-alias-ops,"
    "fold-memref-alias-ops,"
    "affine-expand-index-ops-as-affine,"
    "func.func(affine-loop-normalize{promote-single-iter}),"
    "canonicalize,cse)"
)


def lower_linalg_to_loops(module: ir.Module, *, stage: str) -> None:
    """Run FUSE (see :mod:`repeated_steps`), BUFFERIZE, :func:`dedupe_returned_buffers`, then
    BUFFERS_TO_LOOPS on ``module``."""
    repeated_steps.prepare(module)
    run_pipeline(module, FUSE, stage=f"{stage} (fuse)")
    repeated_steps.unpin(module)
    repeated_steps.separate_inits(module)
    repeated_steps.materialize_slices(module)
    run_pipeline(module, BUFFERIZE, stage=f"{stage} (bufferize)")
    dedupe_returned_buffers(module)
    run_pipeline(module, BUFFERS_TO_LOOPS, stage=f"{stage} (loops)")


CLEANUP = "builtin.module(canonicalize,cse)"

# Ops allowed in loop-level MLIR: whole dialects, then single ops of the others.
_ALLOWED_DIALECTS = ("arith", "math")
_ALLOWED_OPS = frozenset(
    {
        "builtin.module",
        "func.func",
        "func.return",
        "func.call",
        "memref.global",
        "memref.get_global",
        "memref.alloc",
        "memref.alloca",
        "memref.dealloc",
        "memref.load",
        "memref.store",
        "affine.for",
        "affine.if",
        "affine.load",
        "affine.store",
        "affine.yield",
        "affine.apply",
        "affine.min",
        "affine.max",
        "scf.for",
        "scf.if",
        "scf.while",
        "scf.condition",
        "scf.yield",
    }
)
ALLOWED_SUMMARY = (
    "func.{func,return,call}, arith.*, math.*, memref.{global,get_global,alloc,alloca,dealloc,"
    "load,store}, affine.{for,if,load,store,yield,apply,min,max}, scf.{for,if,while,condition,"
    "yield}"
)


@dataclass(frozen=True)
class Diagnostic:
    """One MLIR diagnostic: severity, location text and message (with its notes)."""

    severity: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


def iter_ops(op: ir.Operation) -> Iterator[ir.Operation]:
    """Yield every operation nested in ``op`` (not ``op`` itself), outer ones first."""
    for region in op.regions:
        for block in region.blocks:
            for child in block.operations:
                yield child.operation
                yield from iter_ops(child.operation)


def run_pipeline(module: ir.Module, pipeline: str, *, stage: str) -> None:
    """Run ``pipeline`` on ``module`` in place; on failure raise FrontendError with diagnostics.

    The IR the pipeline failed on is written to a temporary file and the message gives the
    ``torch-mlir-opt`` command that reproduces the failure.
    """
    diagnostics: list[Diagnostic] = []

    def handler(diag: ir.Diagnostic) -> bool:
        diagnostics.append(_from_info(diag))
        return True

    before = module.operation.get_asm(large_elements_limit=16, enable_debug_info=True)
    context = module.context
    handle = context.attach_diagnostic_handler(handler)
    try:
        with context:
            PassManager.parse(pipeline).run(module.operation)
    except Exception as exc:  # torch-mlir raises MLIRError; anything else is reported the same
        # MLIRError carries the error diagnostics the pass manager collected itself.
        for info in getattr(exc, "error_diagnostics", None) or []:
            diagnostics.append(_from_info(info))
        raise PipelineError(stage, pipeline, before, diagnostics, exc) from None
    finally:
        handle.detach()


def _from_info(info) -> Diagnostic:
    """Convert an ``ir.DiagnosticInfo`` (or ``ir.Diagnostic``) to a :class:`Diagnostic`."""
    text = info.message
    for note in info.notes:
        if "see current operation" not in note.message:
            text += f"\n    note: {note.location}: {note.message}"
    severity = str(info.severity).rsplit(".", 1)[-1].lower()
    return Diagnostic(severity, str(info.location), text)


class PipelineError(FrontendError):
    """A torch-mlir pass pipeline failed; carries the diagnostics and a repro file."""

    def __init__(
        self,
        stage: str,
        pipeline: str,
        ir_before: str,
        diagnostics: list[Diagnostic],
        cause: Exception,
    ) -> None:
        self.stage_name = stage
        self.diagnostics = [d for d in diagnostics if d.severity == "error"] or diagnostics
        fd, path = tempfile.mkstemp(prefix="t2c-frontend-", suffix=".mlir")
        with os.fdopen(fd, "w") as f:
            f.write(ir_before)
        self.repro_path = path
        lines = [f"{stage} failed:"]
        lines += [f"  {d}" for d in self.diagnostics[:8]]
        if not self.diagnostics:
            lines.append(f"  {cause}")
        lines.append(f"  reproduce with: torch-mlir-opt --pass-pipeline='{pipeline}' {path}")
        super().__init__("\n".join(lines))


def fold_float_cast_constants(module: ir.Module) -> int:
    """Replace ``arith.truncf``/``arith.extf`` of a scalar float constant by a constant.

    canonicalize leaves ``truncf(constant : f64)`` alone (the fold is not exact in general);
    the values involved here (epsilons, sizes) come from PyTorch as Python floats, and
    PyTorch itself rounds them to the tensor's dtype, so rounding here is what PyTorch does.
    Returns the number of ops replaced.
    """
    count = 0
    with module.context:
        for op in list(iter_ops(module.operation)):
            if op.name not in ("arith.truncf", "arith.extf") or len(op.operands) != 1:
                continue
            source = op.operands[0].owner
            if not isinstance(source, ir.Operation | ir.OpView):
                continue
            source = source.operation
            if source.name != "arith.constant":
                continue
            value_attr = source.attributes["value"]
            if not isinstance(value_attr, ir.FloatAttr) and not ir.FloatAttr.isinstance(value_attr):
                continue
            value = ir.FloatAttr(value_attr).value
            result_type = op.results[0].type
            with ir.InsertionPoint(op), op.location:
                new = ir.Operation.create(
                    "arith.constant",
                    results=[result_type],
                    attributes={"value": ir.FloatAttr.get(result_type, value)},
                )
            op.results[0].replace_all_uses_with(new.results[0])
            op.erase()
            count += 1
    return count


def dedupe_returned_buffers(module: ir.Module) -> int:
    """Give every returned memref its own buffer (copy repeats); return the copies made.

    A model that returns the same tensor twice returns one buffer twice after bufferization,
    which buffer-results-to-out-params cannot turn into two output arguments (it crashes).
    """
    from torch_mlir.dialects import memref

    count = 0
    with module.context:
        for op in list(iter_ops(module.operation)):
            if op.name != "func.return":
                continue
            seen: list[ir.Value] = []
            for i, value in enumerate(list(op.operands)):
                if not str(value.type).startswith("memref<"):
                    continue
                if any(value == v for v in seen):
                    with ir.InsertionPoint(op), op.location:
                        fresh = memref.AllocOp(value.type, [], []).result
                        memref.CopyOp(value, fresh)
                    op.operands[i] = fresh
                    count += 1
                seen.append(value)
    return count


def strip_runtime_asserts(module: ir.Module) -> int:
    """Erase ``cf.assert`` ops; return how many were erased.

    torch-mlir guards some lowerings with run-time checks (e.g. "tensor with zero element"
    before a reciprocal in batch norm). Hardware has no way to report them, and with static
    shapes and constant weights they only re-check what PyTorch already computed; the dead
    computations feeding them are removed by the clean-up pipeline that follows.
    """
    asserts = [op for op in iter_ops(module.operation) if op.name == "cf.assert"]
    for op in asserts:
        op.erase()
    return len(asserts)


def global_arrays(module: ir.Module) -> dict[str, np.ndarray]:
    """The non-splat inline ``dense<>`` initial values of the module's memref.globals."""
    arrays = {}
    for op in module.body.operations:
        op = op.operation
        if op.name != "memref.global" or "initial_value" not in op.attributes:
            continue
        value = op.attributes["initial_value"]
        if not isinstance(value, ir.DenseElementsAttr) or value.is_splat:
            continue
        name = ir.StringAttr(op.attributes["sym_name"]).value
        if str(ir.ShapedType(value.type).element_type) == "bf16":
            arrays[name] = _bf16_values(value)
        else:
            arrays[name] = np.array(value)
    return arrays


def _bf16_values(value: ir.DenseElementsAttr) -> np.ndarray:
    """The values of a bf16 dense attribute as exact float32 (numpy has no bfloat16 and the
    bindings give no buffer of one), read from the printed attribute: a hex string of the
    little-endian 16-bit patterns (large attributes), or decimals with 7 significant digits,
    which round back to the bf16 value, and non-finite values as their bit patterns."""
    import torch

    text = str(value)
    body = text[text.index("<") + 1 : text.index(">")]
    shape = tuple(ir.ShapedType(value.type).shape)
    if body.startswith('"0x'):
        raw = np.frombuffer(bytes.fromhex(body[3:-1]), dtype="<u2").astype(np.uint32)
        return (raw << 16).view(np.float32).reshape(shape)
    values = []
    for token in re.split(r"[\[\],\s]+", body):
        if token.startswith("0x"):  # a non-finite value, printed as its bit pattern
            values.append(np.array([int(token, 16) << 16], dtype=np.uint32).view(np.float32)[0])
        elif token:
            values.append(float(token))
    rounded = torch.tensor(values, dtype=torch.float32).to(torch.bfloat16).float()
    return rounded.numpy().reshape(shape)


def global_types(module: ir.Module) -> dict[str, tuple[tuple[int, ...], str]]:
    """Shape and element type (``"f32"``, ``"i8"``, ...) of every statically shaped
    memref.global of the module, by symbol name."""
    types = {}
    for op in module.body.operations:
        op = op.operation
        if op.name != "memref.global":
            continue
        shaped = ir.ShapedType(ir.TypeAttr(op.attributes["type"]).value)
        if shaped.has_static_shape:
            name = ir.StringAttr(op.attributes["sym_name"]).value
            types[name] = (tuple(shaped.shape), str(shaped.element_type))
    return types


def rename_globals(module: ir.Module, renames: dict[str, str]) -> None:
    """Rename memref.globals ``old -> new`` and every ``memref.get_global`` of them."""
    if not renames:
        return
    with module.context:
        for op in [module.operation, *iter_ops(module.operation)]:
            if op.name == "memref.global":
                old = ir.StringAttr(op.attributes["sym_name"]).value
                if old in renames:
                    op.attributes["sym_name"] = ir.StringAttr.get(renames[old])
            elif op.name == "memref.get_global":
                old = ir.FlatSymbolRefAttr(op.attributes["name"]).value
                if old in renames:
                    op.attributes["name"] = ir.FlatSymbolRefAttr.get(renames[old])


def find_func(module: ir.Module, func_name: str) -> ir.Operation:
    """Return the ``func.func`` named ``func_name``; FrontendError listing the names if absent."""
    names = []
    for op in module.body.operations:
        op = op.operation
        if op.name == "func.func":
            name = ir.StringAttr(op.attributes["sym_name"]).value
            if name == func_name:
                return op
            names.append(name)
    raise FrontendError(
        f"no function @{func_name} in the module (functions: {', '.join(names) or 'none'}); "
        "pass func_name= (CLI: --func) to choose one"
    )


def set_arg_names(func: ir.Operation, names: list[str]) -> None:
    """Give argument i of ``func`` the attribute ``t2c.name = names[i]`` (keeps other attrs)."""
    with func.context:
        old = None
        if "arg_attrs" in func.attributes:
            old = ir.ArrayAttr(func.attributes["arg_attrs"])
        attrs = []
        for i, name in enumerate(names):
            entries: dict[str, ir.Attribute] = {}
            if old is not None and i < len(old):
                existing = ir.DictAttr(old[i])
                for j in range(len(existing)):
                    named = existing[j]
                    entries[named.name] = named.attr
            entries["t2c.name"] = ir.StringAttr.get(name)
            attrs.append(ir.DictAttr.get(entries))
        func.attributes["arg_attrs"] = ir.ArrayAttr.get(attrs)


_STATIC_MEMREF = re.compile(r"^memref<(?:\d+x)*[a-z]+\d*>$")


def _check_type(t: ir.Type, what: str, where: str) -> None:
    text = str(t)
    if text.startswith("tensor<") or text.startswith("!torch"):
        raise FrontendError(
            f"{where}: {what} has tensor type {text}; loop-level MLIR holds memrefs only "
            "(bufferize first: one-shot-bufferize)"
        )
    if text.startswith("memref<") and not _STATIC_MEMREF.match(text):
        problem = "a dynamic size" if "?" in text else "a non-identity (strided) layout"
        raise FrontendError(
            f"{where}: {what} has type {text} with {problem}; torch2calyx needs statically "
            "shaped memrefs with the identity layout (fold subviews/reshapes into the "
            "loads and stores, e.g. with --fold-memref-alias-ops, and give every "
            "dimension a fixed size)"
        )


def verify_loop_level(module: ir.Module, func_name: str) -> None:
    """Check that ``module`` is loop-level MLIR torch2calyx accepts; raise FrontendError if not.

    The message names the first offending op or type with its MLIR location.
    """
    find_func(module, func_name)
    for op in iter_ops(module.operation):
        name = op.name
        where = f"{op.location}"
        dialect = name.split(".", 1)[0]
        if dialect not in _ALLOWED_DIALECTS and name not in _ALLOWED_OPS:
            raise FrontendError(
                f"{where}: op '{name}' is not allowed in loop-level MLIR; allowed: "
                f"{ALLOWED_SUMMARY}. {_hint(name)}"
            )
        if name == "memref.global" and "initial_value" in op.attributes:
            init = str(op.attributes["initial_value"])
            if init.startswith("dense_resource"):
                raise FrontendError(
                    f"{where}: memref.global holds a dense_resource blob; torch2calyx needs "
                    "inline dense<...> data (print the module without elided resources)"
                )
        if name == "func.func":
            ftype = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
            for i, t in enumerate(ftype.inputs):
                _check_type(
                    t, f"argument {i} of @{ir.StringAttr(op.attributes['sym_name']).value}", where
                )
            if ftype.results:
                raise FrontendError(
                    f"{where}: function @{ir.StringAttr(op.attributes['sym_name']).value} "
                    "returns values; torch2calyx needs results as output memref arguments "
                    "(run --buffer-results-to-out-params)"
                )
            continue
        for i, res in enumerate(op.results):
            _check_type(res.type, f"result {i} of '{name}'", where)
        for region in op.regions:
            for block in region.blocks:
                for i, arg in enumerate(block.arguments):
                    _check_type(arg.type, f"block argument {i} of '{name}'", where)


def _hint(name: str) -> str:
    hints = {
        "memref.copy": "Write the copy as loops (refback-munge-memref-copy then "
        "convert-linalg-to-affine-loops).",
        "memref.subview": "Fold it into the accesses (--fold-memref-alias-ops).",
        "memref.expand_shape": "Fold it into the accesses (--fold-memref-alias-ops).",
        "memref.collapse_shape": "Fold it into the accesses (--fold-memref-alias-ops).",
    }
    if name in hints:
        return hints[name]
    if name.startswith("linalg."):
        return "Lower linalg to loops first (--convert-linalg-to-affine-loops)."
    if name.startswith("tensor.") or name.startswith("bufferization."):
        return "Bufferize first (--one-shot-bufferize)."
    if name.startswith("tm_tensor."):
        return "This PyTorch op (sort/topk/cumsum/scatter family) has no loop lowering here."
    return "Rewrite the input without it."
