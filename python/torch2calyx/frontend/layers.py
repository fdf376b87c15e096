"""Which PyTorch layer each op comes from, carried through MLIR as a location.

The FX importer gives every op the location of its FX node; :class:`LayerLocations` wraps it
in a ``NameLoc`` named after the node's layer: the deepest module of ``torch.export``'s
module stack (``encoder.0.self_attn``, ``fc1``), or, for an op written in the top-level
``forward`` itself, the FX node's name (``matmul_1``, ``softmax``). The child location is the
model's own source line (the innermost frame outside torch), so MLIR diagnostics still name
it. Every later stage keeps locations (torch-mlir's lowering to loops, the native passes),
``lower-to-calyx`` gives each group the location of the op it lowers and ``export-calyx``
writes the layer as the group attribute ``"t2c_layer"=k`` with a ``// layer k: NAME`` line;
the simulator's profile counts the cycles in which each layer's control is active
(:mod:`torch2calyx.profile`).

:func:`layer_macs` counts the multiply-accumulates of each layer the same way (torch's FLOP
counter on each node of the exported graph).
"""

from __future__ import annotations

import os
import re

import torch
from torch_mlir import ir
from torch_mlir.extras.fx_importer import ContextCache

_TORCH_DIR = os.path.dirname(torch.__file__)


def layer_name(node: torch.fx.Node) -> str:
    """The layer of an FX node: its deepest module path, else the node's own name."""
    stack = node.meta.get("nn_module_stack")
    if stack:
        path = list(stack.values())[-1][0]
        if path:
            return str(path)
    return node.name


def _user_location(node: torch.fx.Node, context: ir.Context) -> ir.Location | None:
    frames = re.findall(r'File "([^"]+)", line (\d+)', node.meta.get("stack_trace") or "")
    for file, line in reversed(frames):
        if not file.startswith(_TORCH_DIR):
            return ir.Location.file(file, int(line), 0, context=context)
    return None


class LayerLocations(ContextCache):
    """torch-mlir's per-context cache with node locations named after the node's layer."""

    __slots__ = ()

    def get_node_location(self, node: torch.fx.Node) -> ir.Location | None:  # noqa: D102
        if node.op not in ("call_function", "call_method", "call_module"):
            return super().get_node_location(node)
        child = _user_location(node, self._c) or super().get_node_location(node)
        if child is None:
            return ir.Location.name(layer_name(node), context=self._c)
        return ir.Location.name(layer_name(node), childLoc=child, context=self._c)


def name_layers(importer) -> None:
    """Make ``importer`` (a torch-mlir ``FxImporter``, before it imports) name its op
    locations after their layers. torch-mlir has no hook for node locations; its context
    cache is the one place that computes them."""
    importer._cc = LayerLocations(importer._c, py_attr_tracker=importer._py_attr_tracker)


def layer_macs(program: torch.export.ExportedProgram, inputs: tuple) -> dict[str, int]:
    """Multiply-accumulates per layer (FLOPs / 2 as torch's FLOP counter counts them), in
    graph order; layers without MACs are listed with 0 when they have an op."""
    from torch.utils.flop_counter import FlopCounterMode

    module = program.module()
    macs: dict[str, int] = {}

    class Counting(torch.fx.Interpreter):
        def run_node(self, n: torch.fx.Node):
            if n.op != "call_function":
                return super().run_node(n)
            with FlopCounterMode(display=False) as counter:
                value = super().run_node(n)
            name = layer_name(n)
            macs[name] = macs.get(name, 0) + counter.get_total_flops() // 2
            return value

    with torch.no_grad():
        Counting(module).run(*inputs)
    return macs
