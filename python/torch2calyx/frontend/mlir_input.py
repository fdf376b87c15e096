"""``.mlir`` input: linalg on tensors, or loop-level MLIR such as Allo emits.

See the :mod:`torch2calyx.frontend` docstring for the accepted forms.
"""

from __future__ import annotations

import re
from pathlib import Path

from torch_mlir import ir

from torch2calyx.errors import FrontendError
from torch2calyx.frontend import mlir_passes as mp
from torch2calyx.frontend import resources
from torch2calyx.frontend.access_checks import check_accesses
from torch2calyx.frontend.names import memory_name
from torch2calyx.frontend.types import MLIR_TO_DTYPE, ArgInfo, LoweredModule, WeightInfo
from torch2calyx.frontend.verify import parse_module

# Loop-level MLIR that may still hold linalg on memrefs, memref.copy or aliasing views.
# Returned memrefs (Allo returns its result buffers) become output arguments first.
MEMREF_TO_LOOPS = (
    "builtin.module("
    "buffer-results-to-out-params{hoist-static-allocs modify-public-functions},"
    "func.func(refback-munge-memref-copy,convert-linalg-to-affine-loops),"
    "affine-fold-memref-alias-ops,"
    "fold-memref-alias-ops,"
    "canonicalize,cse)"
)


def lower_mlir_file(path: str | Path, *, func_name: str | None = None) -> LoweredModule:
    """Read an ``.mlir`` file (linalg on tensors or loop-level) and return loop-level MLIR.

    ``func_name`` picks the top-level function; by default the only public function.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise FrontendError(f"cannot read {path}: {exc.strerror}") from exc
    return lower_mlir_text(text, func_name=func_name, source=str(path))


def _where(location: str, source: str) -> str:
    """'file.mlir:12:5' for an MLIR location (the input's name stands for '-')."""
    m = re.search(r'"([^"]*)":(\d+):(\d+)', location)
    if m is None:
        return source
    name = source if m.group(1) in ("-", "") else m.group(1)
    return f"{name}:{m.group(2)}:{m.group(3)}"


def _shape_dtype(t: ir.Type, what: str, source: str) -> tuple[tuple[int, ...], str]:
    shaped = ir.ShapedType(t)
    if not shaped.has_static_shape:
        raise FrontendError(
            f"{source}: {what} has dynamic type {t}; torch2calyx needs static shapes, give "
            "every dimension a fixed size"
        )
    elem = str(shaped.element_type)
    if elem not in MLIR_TO_DTYPE:
        raise FrontendError(
            f"{source}: {what} has element type {elem}; supported: {', '.join(MLIR_TO_DTYPE)}"
        )
    return tuple(shaped.shape), MLIR_TO_DTYPE[elem]


def _pick_func(module: ir.Module, func_name: str | None, source: str) -> str:
    if func_name is not None:
        mp.find_func(module, func_name)
        return func_name
    public = []
    for op in module.body.operations:
        op = op.operation
        if op.name != "func.func" or not op.regions[0].blocks:
            continue
        vis = op.attributes["sym_visibility"] if "sym_visibility" in op.attributes else None
        if vis is None or ir.StringAttr(vis).value == "public":
            public.append(ir.StringAttr(op.attributes["sym_name"]).value)
    if len(public) != 1:
        raise FrontendError(
            f"{source}: cannot tell which function is the top level (public functions: "
            f"{', '.join(public) or 'none'}); pass func_name= (CLI: --func)"
        )
    return public[0]


def _stored_args(func: ir.Operation) -> set[int]:
    """Indices of function arguments that some store writes into."""
    args = list(func.regions[0].blocks[0].arguments)
    stored = set()
    for op in mp.iter_ops(func):
        if op.name in ("affine.store", "memref.store") and len(op.operands) >= 2:
            target = op.operands[1]
            for i, arg in enumerate(args):
                if target == arg:
                    stored.add(i)
    return stored


def lower_mlir_text(
    text: str,
    *,
    func_name: str | None = None,
    source: str = "<string>",
    keep_locations: bool = False,
) -> LoweredModule:
    """Like :func:`lower_mlir_file` for MLIR held in a string (``source`` names it in errors).

    ``keep_locations`` prints the result with its op locations (the ONNX front end names
    them after layers, which the passes and the profile read)."""
    with ir.Context():
        module = parse_module(text, source=source)
        name = _pick_func(module, func_name, source)
        # before any pass: torch-mlir's folders read out-of-bounds constant indices blindly
        check_accesses(module, lambda loc: _where(str(loc), source))
        func = mp.find_func(module, name)
        ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
        kinds = {str(t).split("<", 1)[0] for t in list(ftype.inputs) + list(ftype.results)}
        if "tensor" in kinds:
            args = _tensor_signature(ftype, name, source)
            mp.lower_linalg_to_loops(module, stage=f"{source}: linalg -> loops")
        else:
            scalars = [str(t) for t in ftype.results if not str(t).startswith("memref<")]
            if scalars:
                raise FrontendError(
                    f"{source}: @{name} returns {', '.join(scalars)}; loop-level input must "
                    "return memrefs or write its results into memref arguments (store a "
                    "scalar result into a memref<1xT> argument)"
                )
            for i, t in enumerate(ftype.results):
                _shape_dtype(t, f"result {i} of @{name}", source)
            mp.run_pipeline(module, MEMREF_TO_LOOPS, stage=f"{source}: memref clean-up")
            func = mp.find_func(module, name)
            ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
            args = _memref_signature(func, ftype, name, source)
        changed = mp.strip_runtime_asserts(module)
        changed += mp.fold_float_cast_constants(module)
        if changed:
            mp.run_pipeline(module, mp.CLEANUP, stage="clean-up")
        func = mp.find_func(module, name)
        mp.set_arg_names(func, [a.name for a in args])
        mp.verify_loop_level(module, name)
        resources.check_loop_level(
            module, mp.find_func(module, name), lambda loc: f"the op at {_where(loc, source)}"
        )
        # globals become memories named after them: rename those Calyx cannot take as they
        # are (a keyword such as @table, a name an argument already has)
        used = {a.name for a in args}
        types = mp.global_types(module)
        renames = {g: memory_name(g, used) for g in types}
        mp.rename_globals(module, {old: new for old, new in renames.items() if old != new})
        weights = [
            WeightInfo(renames[gname], shape, MLIR_TO_DTYPE[elem])
            for gname, (shape, elem) in types.items()
            if elem in MLIR_TO_DTYPE
        ]
        printed = module.operation.get_asm(enable_debug_info=keep_locations)
        return LoweredModule(mlir=printed, func_name=name, args=args, weights=weights)


def _tensor_signature(ftype: ir.FunctionType, name: str, source: str) -> list[ArgInfo]:
    args = []
    for i, t in enumerate(ftype.inputs):
        if not str(t).startswith("tensor<"):
            raise FrontendError(
                f"{source}: argument {i} of @{name} has type {t}; a linalg-on-tensors "
                "function must take ranked tensors only"
            )
        shape, dtype = _shape_dtype(t, f"argument {i} of @{name}", source)
        args.append(ArgInfo(f"in{i}", "input", i, shape, dtype))
    for i, t in enumerate(ftype.results):
        if not str(t).startswith("tensor<"):
            raise FrontendError(
                f"{source}: result {i} of @{name} has type {t}; return ranked tensors only"
            )
        shape, dtype = _shape_dtype(t, f"result {i} of @{name}", source)
        args.append(ArgInfo(f"out{i}", "output", i, shape, dtype))
    if not ftype.results:
        raise FrontendError(f"{source}: @{name} returns nothing; return the result tensors")
    return args


def _memref_signature(
    func: ir.Operation, ftype: ir.FunctionType, name: str, source: str
) -> list[ArgInfo]:
    types = []
    for i, t in enumerate(ftype.inputs):
        if not str(t).startswith("memref<"):
            raise FrontendError(
                f"{source}: argument {i} of @{name} has type {t}; loop-level input takes "
                "memrefs only (pass scalars as memref<1xT>)"
            )
        types.append(_shape_dtype(t, f"argument {i} of @{name}", source))
    stored = _stored_args(func)
    if not stored:
        raise FrontendError(
            f"{source}: @{name} stores into none of its arguments, so it has no outputs; "
            "write results into memref arguments"
        )
    args = []
    n_in = n_out = 0
    for i, (shape, dtype) in enumerate(types):
        if i in stored:
            args.append(ArgInfo(f"out{n_out}", "output", n_out, shape, dtype))
            n_out += 1
        else:
            args.append(ArgInfo(f"in{n_in}", "input", n_in, shape, dtype))
            n_in += 1
    return args
