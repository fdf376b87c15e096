"""``.onnx`` input: an ONNX model through torch-mlir's ONNX importer to loop-level MLIR.

The stages:

1. ``onnx.load``, ``onnx.checker`` and ONNX's shape inference (strict): a truncated file, an
   invalid graph or a shape error stops here with one line naming the file;
2. every graph input, output and intermediate value must have a static shape and an element
   type the hardware supports (fixed hardware has fixed sizes; export without
   ``dynamic_axes``);
3. torch-mlir's ONNX importer (``torch_mlir.extras.onnx_importer``) builds torch-dialect MLIR
   in which each ONNX node is a ``torch.operator "onnx.<Op>"``; initializers become inline
   ``dense<>`` constants, which the later passes fold and read;
4. ``convert-torch-onnx-to-torch``: a node left as ``torch.operator`` has no torch-mlir
   lowering and is reported by op type and node name; then the rest of
   ``torch-onnx-to-torch-backend-pipeline`` and torch-mlir's linalg-on-tensors pipeline;
5. the linalg module goes through :func:`~torch2calyx.frontend.mlir_input.lower_mlir_text`
   (the same bufferization, loop lowering and checks as any linalg input), and the weight
   globals get the names of the ONNX initializers they hold (``fc1.weight`` ->
   ``@fc1_weight``, as the PyTorch front end names parameters).

Each op's location is named after its layer, the module path the ONNX node name carries
(:func:`layer_of_node`: ``/fc1/Gemm`` is in ``fc1``), so per-layer lanes
(``lanes={"fc1": 4}``) and the per-layer profile work as for a PyTorch model; the MACs of
each layer come from the Gemm, MatMul and Conv nodes' inferred shapes (:func:`layer_macs`).

Errors are one-line :class:`~torch2calyx.errors.FrontendError` messages.

:func:`example_inputs` makes inputs from the model's input shapes (a fixed seed) or reads
them from an ``.npz``; :func:`run_onnxruntime` is the reference ``verify`` compares with.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from torch2calyx.errors import FrontendError

#: ONNX TensorProto element type -> dtype name (the dtypes the hardware supports)
_ONNX_DTYPES = {
    1: "float32",
    10: "float16",
    11: "float64",
    16: "bfloat16",
    3: "int8",
    5: "int16",
    6: "int32",
    7: "int64",
}
#: seed of the inputs :func:`example_inputs` generates
SEED = 0
#: generated integer inputs are drawn uniformly from [0, INT_HIGH)
INT_HIGH = 10

# torch-mlir's ONNX lowering, in two parts: the ONNX-op conversion alone first (so that a
# node it cannot convert is reported by name), then the whole backend pipeline (which runs
# the conversion again, a no-op by then) and the linalg-on-tensors pipeline.
ONNX_TO_TORCH = "builtin.module(func.func(convert-torch-onnx-to-torch))"
ONNX_TO_BACKEND = "builtin.module(torch-onnx-to-torch-backend-pipeline)"


def _one_line(text: str) -> str:
    first = str(text).strip().splitlines()
    return first[0].strip() if first else ""


def load_model(path: str | Path) -> Any:
    """``onnx.load`` + checker + strict shape inference; FrontendError naming the file."""
    import onnx
    from google.protobuf.message import DecodeError

    path = Path(path)
    if not path.is_file():
        raise FrontendError(f"{path}: no such file")
    try:
        model = onnx.load(str(path))
    except DecodeError as exc:
        raise FrontendError(
            f"{path}: cannot parse the file as an ONNX model ({_one_line(exc) or 'bad data'}); "
            "it is truncated or not an ONNX protobuf"
        ) from None
    except Exception as exc:  # external data missing, unreadable file, ...
        raise FrontendError(
            f"{path}: cannot load the ONNX model: {type(exc).__name__}: {_one_line(exc)}"
        ) from None
    if not model.HasField("graph") or not model.graph.node:
        raise FrontendError(
            f"{path}: the ONNX model has no graph nodes; the file is truncated or empty"
        )
    try:
        onnx.checker.check_model(model)
    except Exception as exc:
        raise FrontendError(f"{path}: invalid ONNX model: {_one_line(exc)}") from None
    try:
        model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    except Exception as exc:
        raise FrontendError(f"{path}: ONNX shape inference failed: {_one_line(exc)}") from None
    return model


def _value_spec(value: Any, what: str, source: str) -> tuple[tuple[int, ...], str]:
    """Shape and dtype of an ONNX ValueInfoProto, or an error naming it."""
    t = value.type
    if t.WhichOneof("value") != "tensor_type":
        raise FrontendError(
            f"{source}: {what} '{value.name}' is a {t.WhichOneof('value') or 'untyped value'}, "
            "not a tensor; torch2calyx takes models of tensors only"
        )
    elem = t.tensor_type.elem_type
    if elem not in _ONNX_DTYPES:
        import onnx

        name = onnx.TensorProto.DataType.Name(elem) if elem else "unknown"
        raise FrontendError(
            f"{source}: {what} '{value.name}' has element type {name}; supported: "
            f"{', '.join(sorted(set(_ONNX_DTYPES.values())))}"
        )
    if not t.tensor_type.HasField("shape"):
        raise FrontendError(
            f"{source}: {what} '{value.name}' has no known shape; torch2calyx needs static "
            "shapes (export with fixed input shapes)"
        )
    dims = []
    for k, d in enumerate(t.tensor_type.shape.dim):
        if d.WhichOneof("value") != "dim_value" or d.dim_value <= 0:
            label = d.dim_param or "?"
            hint = (
                "export without dynamic_axes / dynamic_shapes"
                if what in ("input", "output")
                else "its size depends on the data or on a dynamic input; fixed hardware "
                "needs every size known when compiling"
            )
            raise FrontendError(
                f"{source}: {what} '{value.name}' has a dynamic dimension {k} ('{label}'); "
                f"torch2calyx needs static shapes: {hint}"
            )
        dims.append(int(d.dim_value))
    return tuple(dims), _ONNX_DTYPES[elem]


def input_specs(model: Any, source: str) -> list[tuple[str, tuple[int, ...], str]]:
    """``(name, shape, dtype)`` of each graph input that is not an initializer, in order."""
    initialized = {i.name for i in model.graph.initializer}
    specs = [
        (v.name, *_value_spec(v, "input", source))
        for v in model.graph.input
        if v.name not in initialized
    ]
    if not specs:
        raise FrontendError(f"{source}: the ONNX graph has no inputs")
    return specs


def _check_values(model: Any, source: str) -> None:
    """Every output and intermediate value static and of a supported type (torch-mlir's
    passes crash on some dynamically shaped graphs, e.g. one with Unique)."""
    input_specs(model, source)
    if not model.graph.output:
        raise FrontendError(f"{source}: the ONNX graph has no outputs")
    for v in model.graph.output:
        _value_spec(v, "output", source)
    known = {v.name: v for v in model.graph.value_info}
    for node in model.graph.node:
        for name in node.output:
            if name and name in known:
                what = f"the output of node '{node.name or node.op_type}' ({node.op_type})"
                _value_spec(known[name], what, source)


def lower_onnx_file(path: str | Path) -> Any:
    """Read an ``.onnx`` model and return its loop-level MLIR as a ``LoweredModule``."""
    path = Path(path)
    model = load_model(path)
    source = path.name
    _check_values(model, source)
    linalg, func_name = _to_linalg(model, source)
    from torch2calyx.frontend import mlir_passes as mp
    from torch2calyx.frontend.mlir_input import lower_mlir_text

    try:
        lowered = lower_mlir_text(linalg, func_name=func_name, source=source, keep_locations=True)
    except mp.PipelineError as err:
        raise _explain(err, source) from None
    lowered.layers = layer_macs(model)
    return _name_weights(lowered, model)


def layer_of_node(node_name: str) -> str:
    """The layer an ONNX node belongs to, by the module path its name carries.

    torch.onnx.export names a node after its module scope and op: ``/fc1/Gemm`` is in
    ``fc1``, ``/enc/enc.0/Gemm`` in ``enc.0``, ``/model/layers.0/q_proj/MatMul`` in
    ``model.layers.0.q_proj`` (the names ``model.named_modules()`` shows); an op of the
    top-level ``forward`` (``/Relu_1``) and a node named otherwise keep their own name.
    """
    parts = [p for p in node_name.split("/") if p]
    if len(parts) < 2 or not node_name.startswith("/"):
        return "/".join(parts) or node_name
    path = ""
    for part in parts[:-1]:
        path = part if not path or part.startswith(path + ".") else f"{path}.{part}"
    return path


def layer_names(path: str | Path) -> list[str]:
    """The layers of an ``.onnx`` model and the modules holding them (``enc`` for
    ``enc.0``): the names ``compile(lanes={...})`` may use."""
    names: set[str] = set()
    for layer in layer_macs(load_model(path)):
        parts = layer.split(".")
        names.update(".".join(parts[: k + 1]) for k in range(len(parts)))
    return sorted(names)


def layer_macs(model: Any) -> dict[str, int]:
    """Multiply-accumulates per layer (:func:`layer_of_node`) of the Gemm, MatMul and Conv
    nodes, from the inferred shapes; the other layers with a node are listed with 0."""
    shapes: dict[str, list[int]] = {}
    for v in [*model.graph.input, *model.graph.output, *model.graph.value_info]:
        if v.type.HasField("tensor_type"):
            shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
    for tp in model.graph.initializer:
        shapes[tp.name] = list(tp.dims)
    macs: dict[str, int] = {}
    for node in model.graph.node:
        if node.op_type == "Constant":
            continue
        layer = layer_of_node(node.name) if node.name else node.op_type
        out = shapes.get(node.output[0]) if node.output else None
        a = shapes.get(node.input[0]) if node.input else None
        count = 0
        if out and a and node.op_type in ("Gemm", "MatMul"):
            trans_a = any(x.name == "transA" and x.i for x in node.attribute)
            k = a[0] if node.op_type == "Gemm" and trans_a else a[-1]
            count = int(np.prod(out)) * k
        elif out and node.op_type == "Conv" and len(node.input) > 1:
            w = shapes.get(node.input[1])
            count = int(np.prod(out)) * int(np.prod(w[1:])) if w else 0
        macs[layer] = macs.get(layer, 0) + count
    return macs


def _to_linalg(model: Any, source: str) -> tuple[str, str]:
    """torch-mlir's ONNX importer and pipelines: the linalg-on-tensors module as text."""
    from torch_mlir import ir
    from torch_mlir.dialects import torch as torch_d
    from torch_mlir.extras import onnx_importer

    from torch2calyx.frontend import mlir_passes as mp

    class InlineConstants(onnx_importer.ContextCache):
        """Initializers as inline dense<> (the importer's default is dense_resource blobs,
        which the constant folding of weight transposes and the later passes cannot read)."""

        def tensor_proto_to_attr(self, tp):  # noqa: D102 (ContextCache API)
            from onnx import numpy_helper

            element = self.tensor_proto_to_builtin_type(tp).element_type
            # (not np.ascontiguousarray: it makes a 0-d array 1-d)
            array = numpy_helper.to_array(tp).copy(order="C")
            if array.dtype == np.bool_:
                return super().tensor_proto_to_attr(tp)
            return ir.DenseElementsAttr.get(array, type=element, shape=list(array.shape))

    context = ir.Context()
    torch_d.register_dialect(context)
    try:
        info = onnx_importer.ModelInfo(model)
        module = info.create_module(context=context)
        importer = onnx_importer.NodeImporter.define_function(
            info.main_graph, module.operation, context_cache=InlineConstants(context)
        )
        importer.import_all()
    except Exception as exc:
        raise FrontendError(
            f"{source}: torch-mlir's ONNX importer rejected the model: "
            f"{type(exc).__name__}: {_one_line(exc)}"
        ) from None
    func_name = info.main_graph.graph_proto.name
    module = _name_layers(module, model)
    try:
        mp.run_pipeline(module, ONNX_TO_TORCH, stage="torch-mlir: ONNX ops -> torch ops")
    except mp.PipelineError as err:
        raise _explain(err, source) from None
    _check_converted(module, source, mp)
    try:
        mp.run_pipeline(module, ONNX_TO_BACKEND, stage="torch-mlir: ONNX -> torch backend")
        mp.run_pipeline(module, mp.BACKEND_TO_LINALG, stage="torch-mlir: torch -> linalg")
    except mp.PipelineError as err:
        raise _explain(err, source) from None
    for op in mp.iter_ops(module.operation):
        if not op.name.startswith(("tm_tensor.", "torch.")):
            continue
        raise FrontendError(
            f"{source}: ONNX node {_node_of(str(op.location))} lowers to '{op.name}', which has "
            "no loop lowering in torch2calyx (sort, top-k, cumsum, scatter and the like); "
            "replace it in the model"
        )
    return module.operation.get_asm(enable_debug_info=True), func_name


_NAME_LOC = re.compile(r'loc\("((?:[^"\\]|\\.)*)"\)')


def _name_layers(module: Any, model: Any) -> Any:
    """The module with each node's location ``loc("/fc1/Gemm")`` (what the importer gives)
    wrapped in its layer's: ``loc("fc1"("/fc1/Gemm"))``. The passes read the outer name as
    the layer (per-layer lanes, the profile); error messages name the inner, the node."""
    from torch_mlir import ir

    layers = {n.name: layer_of_node(n.name) for n in model.graph.node if n.name}

    def wrap(m: re.Match) -> str:
        layer = layers.get(m.group(1))
        if layer is None or layer == m.group(1):
            return m.group(0)
        return f'loc("{layer}"("{m.group(1)}"))'

    text = _NAME_LOC.sub(wrap, module.operation.get_asm(enable_debug_info=True))
    return ir.Module.parse(text, context=module.context)


def _node_of(location: str) -> str:
    """``'/fc1/Gemm'`` for the location of a node's op (``loc("fc1"("/fc1/Gemm"))``)."""
    names = re.findall(r'"((?:[^"\\]|\\.)*)"', location)
    return f"'{names[-1]}'" if names and names[-1] else "(unnamed)"


def _check_converted(module: Any, source: str, mp: Any) -> None:
    from torch_mlir import ir

    left = []
    for op in mp.iter_ops(module.operation):
        if op.name == "torch.operator" and "name" in op.attributes:
            name = ir.StringAttr(op.attributes["name"]).value
            left.append(f"{name.removeprefix('onnx.')} (node {_node_of(str(op.location))})")
    if left:
        shown = ", ".join(dict.fromkeys(left[:4])) + (" ..." if len(left) > 4 else "")
        raise FrontendError(
            f"{source}: unsupported ONNX op: {shown}; torch-mlir's ONNX importer has no "
            "lowering for it at this opset; replace it in the model or export at another opset"
        )


def _explain(err: Any, source: str) -> FrontendError:
    """One line for a failed torch-mlir pipeline: the first error, at its ONNX node."""
    diag = err.diagnostics[0] if err.diagnostics else None
    if diag is None:
        return FrontendError(f"{source}: {err.stage_name} failed (IR saved at {err.repro_path})")
    message = _one_line(diag.message)
    ops = re.findall(r'name = "onnx\.(\w+)"|operation \'(torch\.[\w.]+)\'', diag.message)
    op = next((a or b for a, b in ops), None)
    what = f"ONNX node {_node_of(diag.location)}" + (f" ({op})" if op else "")
    return FrontendError(
        f"{source}: torch-mlir cannot lower {what}: {message} ({err.stage_name}; IR saved "
        f"at {err.repro_path})"
    )


def _name_weights(lowered: Any, model: Any) -> Any:
    """Rename the weight globals after the ONNX initializers whose data they hold (as is or
    transposed), as the PyTorch front end names them after parameters."""
    from onnx import numpy_helper
    from torch_mlir import ir

    from torch2calyx.frontend import mlir_passes as mp
    from torch2calyx.frontend.names import memory_name
    from torch2calyx.frontend.types import DTYPE_TO_MLIR, WeightInfo

    inits = []
    for tp in model.graph.initializer:
        if tp.data_type in _ONNX_DTYPES:
            array = numpy_helper.to_array(tp)
            if array.size > 1:
                inits.append((tp.name, array, _ONNX_DTYPES[tp.data_type]))
    if not inits:
        return lowered
    with ir.Context():
        module = ir.Module.parse(lowered.mlir)
        types = mp.global_types(module)
        used = {a.name for a in lowered.args} | set(types)
        renames: dict[str, str] = {}
        found: dict[str, WeightInfo] = {}
        for gname, array in mp.global_arrays(module).items():
            for iname, init, dtype in inits:
                if DTYPE_TO_MLIR[dtype] != types[gname][1] or init.size != array.size:
                    continue
                if np.array_equal(init.ravel(), array.ravel()):
                    permutation = None
                elif init.ndim == 2 and np.array_equal(init.T.ravel(), array.ravel()):
                    permutation = (1, 0)
                else:
                    continue
                used.discard(gname)
                new = memory_name(iname, used)
                used.add(new)
                renames[gname] = new
                found[gname] = WeightInfo(new, tuple(init.shape), dtype, iname, permutation)
                break
        if not renames:
            return lowered
        mp.rename_globals(module, renames)
        text = module.operation.get_asm(enable_debug_info=True)
    lowered.weights = [found.get(w.name, w) for w in lowered.weights]
    lowered.mlir = text
    return lowered


def example_inputs(path: str | Path, npz: str | Path | None = None) -> tuple:
    """The model's inputs as tensors: from ``npz`` (arrays named after the ONNX inputs, or
    ``in0``, ``arr_0``, ...) or generated from the input shapes with the fixed seed
    :data:`SEED` (floats standard normal, integers uniform in [0, INT_HIGH))."""
    import torch

    path = Path(path)
    specs = input_specs(load_model(path), path.name)
    if npz is not None:
        return _read_npz(Path(npz), specs)
    generator = torch.Generator().manual_seed(SEED)
    inputs = []
    for _, shape, dtype in specs:
        torch_dtype = getattr(torch, dtype)
        if torch_dtype.is_floating_point:
            inputs.append(torch.randn(shape, generator=generator).to(torch_dtype))
        else:
            inputs.append(torch.randint(0, INT_HIGH, shape, generator=generator, dtype=torch_dtype))
    return tuple(inputs)


def _read_npz(npz: Path, specs: list) -> tuple:
    import torch

    if not npz.is_file():
        raise FrontendError(f"{npz}: no such file")
    try:
        archive = np.load(npz)
    except Exception as exc:
        raise FrontendError(f"{npz}: not a readable .npz file: {_one_line(exc)}") from None
    with archive:
        inputs = []
        for k, (name, shape, dtype) in enumerate(specs):
            key = next((n for n in (name, f"in{k}", f"arr_{k}") if n in archive.files), None)
            if key is None:
                raise FrontendError(
                    f"{npz} has no array for input {k} '{name}': name it {name!r}, in{k} or "
                    f"arr_{k} (found: {', '.join(archive.files) or 'nothing'})"
                )
            array = archive[key]
            want = "float32" if dtype == "bfloat16" else dtype
            if tuple(array.shape) != shape or str(array.dtype) != want:
                raise FrontendError(
                    f"{npz}: array {key!r} is {list(array.shape)} {array.dtype}; input '{name}' "
                    f"of the model is {list(shape)} {want}"
                )
            tensor = torch.from_numpy(np.ascontiguousarray(array))
            inputs.append(tensor.to(torch.bfloat16) if dtype == "bfloat16" else tensor)
    return tuple(inputs)


def run_onnxruntime(path: str | Path, inputs: tuple) -> tuple:
    """The model's outputs computed by onnxruntime (CPU) on ``inputs``, as tensors."""
    import onnxruntime
    import torch

    path = Path(path)
    try:
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        feeds = {
            arg.name: x.detach().cpu().numpy()
            for arg, x in zip(session.get_inputs(), inputs, strict=True)
        }
        outputs = session.run(None, feeds)
    except Exception as exc:
        raise FrontendError(
            f"{path}: onnxruntime cannot run the model: {type(exc).__name__}: {_one_line(exc)}"
        ) from None
    return tuple(torch.from_numpy(np.asarray(o)) for o in outputs)
