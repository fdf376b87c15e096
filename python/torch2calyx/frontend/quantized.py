"""Int8 models quantized with PyTorch's export-based flow (PT2E) -> an integer-only FX graph.

``torchao.quantization.pt2e``'s ``convert_pt2e`` gives a ``GraphModule`` in which every
quantized layer reads ``dequantize(x_q)`` and ``dequantize(w_q)``, computes in float and is
followed by ``quantize_per_tensor``. :func:`integer_model` rewrites that graph into integer
aten ops that torch-mlir lowers to integer loops, so the hardware has no float unit:

* the model's float input and its ``quantize_per_tensor`` become an int8 input (the design
  takes the quantized tensor), the ``dequantize`` of the output becomes an int8 output;
* ``dequantize -> linear / conv2d [-> relu] -> quantize`` becomes: ``x - zx`` and
  ``w - zw`` (16 bits when the products fit, else 32; the weight stored as int8), their
  broadcast products summed in int32 (a convolution over windows unfolded from a
  channels-last copy of its input; a Linear after ``flatten`` over the unflattened input),
  plus the bias quantized to int32,
  ``round(bias / (sx * sw))``; then the requantization ``rhe(acc * m >> s) + zo`` with an
  integer multiplier ``m < 2**31`` and shift ``s`` per layer, ``m / 2**s`` the nearest to
  ``sx * sw / so`` (per output channel for per-channel weight scales, one shared ``s``),
  rounding half to even as ``quantize_per_tensor`` (``torch.round``) does, then the clamp to
  ``[qmin, qmax]`` (``[max(qmin, zo), qmax]`` when a ReLU precedes the quantize) and the
  cast to int8;
* ``dequantize -> max_pool2d / flatten / view / reshape / permute -> quantize`` with the same
  parameters (the quantizer shares them) applies the op to the int8 tensor, which is exact.

The graph that results is what PyTorch's reference representation
(``convert_pt2e(..., use_reference_representation=True)``) writes for a quantized linear or
convolution, except in two steps where that representation computes in float32: it
quantizes the bias by truncation and requantizes by a float32 multiply truncated to int32
(torchao marks it "TODO"). Here both round half to even, in integers, as
``quantize_per_tensor`` rounds. Run by PyTorch (integer tensor ops, exact), this graph is the
reference the hardware is checked against bit for bit (:attr:`IntegerModel.module`).

Activations must be int8 (``XNNPACKQuantizer`` with ``get_symmetric_quantization_config``);
weights int8, per tensor or per channel. Anything else is refused with a FrontendError that
names the op.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import torch

from torch2calyx.errors import FrontendError

# the quantized_decomposed ops exist once torchao (or torch.ao) registered them, which a model
# holding them has done: nodes are matched by the op's name
_QUANTIZE = {"quantized_decomposed.quantize_per_tensor.default"}
_DEQUANTIZE = {"quantized_decomposed.dequantize_per_tensor.default"}
_DEQUANTIZE_CHANNEL = {"quantized_decomposed.dequantize_per_channel.default"}


def _op_name(node: torch.fx.Node) -> str:
    return str(node.target)


def _is_qdq(node: torch.fx.Node) -> bool:
    return node.op == "call_function" and _op_name(node).startswith("quantized_decomposed.")


_aten = torch.ops.aten
_LINEAR = {_aten.linear.default}
_CONV = {_aten.conv2d.default}
_RELU = {_aten.relu.default, _aten.relu_.default}
#: ops that commute with dequantization (max is monotonic; the others move elements)
_MOVES = {
    _aten.max_pool2d.default,
    _aten.flatten.using_ints,
    _aten.view.default,
    _aten.reshape.default,
    _aten.permute.default,
    _aten.squeeze.dim,
    _aten.unsqueeze.default,
}
_RESHAPES = {_aten.flatten.using_ints, _aten.view.default, _aten.reshape.default}
SUPPORTED = (
    "int8 activations (XNNPACKQuantizer, get_symmetric_quantization_config), int8 weights "
    "per tensor or per channel; quantized Linear and Conv2d (each optionally followed by "
    "ReLU), and MaxPool2d, flatten, view, reshape, permute between quantized layers"
)
#: bits of the requantization multiplier (as gemmlowp and TFLite: a 31-bit positive int32)
MULTIPLIER_BITS = 31


def is_pt2e(model: Any) -> bool:
    """True if ``model`` is a GraphModule holding PT2E quantize/dequantize ops."""
    if not isinstance(model, torch.fx.GraphModule):
        return False
    return any(_is_qdq(n) for n in model.graph.nodes)


@dataclass(frozen=True)
class QParams:
    """Per-tensor affine quantization: ``real = (q - zero_point) * scale``."""

    scale: float
    zero_point: int
    qmin: int
    qmax: int

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        """PyTorch's ``quantize_per_tensor`` of ``x`` (int8)."""
        return torch.ops.quantized_decomposed.quantize_per_tensor(
            x, self.scale, self.zero_point, self.qmin, self.qmax, torch.int8
        )

    def dequantize(self, q: torch.Tensor) -> torch.Tensor:
        """PyTorch's ``dequantize_per_tensor`` of the int8 ``q`` (float32)."""
        return torch.ops.quantized_decomposed.dequantize_per_tensor(
            q, self.scale, self.zero_point, self.qmin, self.qmax, torch.int8
        )


@dataclass(frozen=True)
class IntegerModel:
    """The integer form of a PT2E model: ``module(*inputs)`` computes on int8 tensors what
    the hardware computes, bit for bit. ``input_params``/``output_params`` convert between
    the float model's tensors and the int8 ones the design takes and returns."""

    module: torch.fx.GraphModule
    inputs: tuple[torch.Tensor, ...]
    input_params: tuple[QParams, ...]
    output_params: tuple[QParams, ...]

    def record(self) -> dict:
        """The quantization of the interface, as ``metadata.json`` records it."""
        return {
            "inputs": [asdict(p) for p in self.input_params],
            "outputs": [asdict(p) for p in self.output_params],
        }

    def quantize_inputs(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The float inputs of the PT2E model quantized as its first op does (int8)."""
        return tuple(p.quantize(x) for p, x in zip(self.input_params, inputs, strict=True))

    def dequantize_outputs(self, *outputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The int8 outputs of the design dequantized as the PT2E model's last op does."""
        return tuple(p.dequantize(q) for p, q in zip(self.output_params, outputs, strict=True))


# ---------------------------------------------------------------------------------------------
# Values of the original graph, as the rewrite sees them


@dataclass
class _FloatInput:
    index: int
    node: torch.fx.Node


@dataclass
class _Quantized:
    """An int8 tensor (a node of the new graph) with its quantization parameters."""

    node: torch.fx.Node
    params: QParams
    #: for ``flatten(x, 1)``: x's node and shape (a Linear reads x unflattened, its weight
    #: stored in x's shape, so no flattened copy is made)
    unflattened: tuple[torch.fx.Node, tuple[int, ...]] | None = None


@dataclass
class _Dequantized:
    """``dequantize`` of a quantized tensor: the float view the original graph computes on."""

    q: _Quantized


@dataclass
class _Weight:
    """A constant int8 weight with per-channel (axis 0) or per-tensor scales."""

    values: torch.Tensor
    scales: torch.Tensor  # float64, one per output channel
    zero_points: torch.Tensor  # int64, one per output channel
    per_channel: bool


@dataclass
class _Accumulator:
    """The int32 sums of a quantized linear / conv (bias included), before requantization."""

    node: torch.fx.Node
    scales: torch.Tensor  # float64 real value of one unit of the sum, per output channel
    channel_dims: int  # trailing dims after the channel dim (0 linear, 2 conv2d, 1 conv1d)
    relu: bool
    source: torch.fx.Node
    layer: str


class _Rewriter:
    def __init__(self, gm: torch.fx.GraphModule, example_inputs: tuple[torch.Tensor, ...]):
        self.gm = gm
        self.example_inputs = example_inputs
        self.graph = torch.fx.Graph()
        self.root = torch.nn.Module()
        self.env: dict[torch.fx.Node, Any] = {}
        self.inputs: dict[int, tuple[torch.fx.Node, QParams]] = {}
        self.outputs: list[QParams] = []
        self.names: set[str] = set()

    # -- helpers ---------------------------------------------------------------------------

    def _error(self, node: torch.fx.Node, what: str) -> FrontendError:
        from torch2calyx.frontend.export import describe_node

        return FrontendError(
            f"quantized model: {describe_node(node)}: {what}\n  torch2calyx's int8 path "
            f"supports {SUPPORTED}"
        )

    def _constant(self, name: str, tensor: torch.Tensor) -> torch.fx.Node:
        """Register ``tensor`` as a buffer of the new module (dotted names make submodules)
        and return a get_attr node reading it."""
        base, k = name, 1
        while name in self.names:
            k += 1
            name = f"{base}_{k}"
        self.names.add(name)
        module = self.root
        *path, leaf = name.split(".")
        for part in path:
            if not hasattr(module, part):
                module.add_module(part, torch.nn.Module())
            module = getattr(module, part)
        module.register_buffer(leaf, tensor.detach().clone())
        return self.graph.get_attr(name)

    def _call(self, target: Any, *args: Any) -> torch.fx.Node:
        return self.graph.call_function(target, args)

    def _fetch(self, node: torch.fx.Node) -> Any:
        value: Any = self.gm
        for part in str(node.target).split("."):
            value = getattr(value, part)
        return value

    def _layer(self, node: torch.fx.Node) -> str:
        stack = node.meta.get("nn_module_stack")
        if stack:
            path = list(stack.values())[-1][0]
            if path:
                return str(path)
        return str(node.name)

    @staticmethod
    def _params(node: torch.fx.Node, args: tuple) -> QParams:
        scale, zero_point, qmin, qmax, dtype = args
        return QParams(float(scale), int(zero_point), int(qmin), int(qmax)), dtype

    # -- the rewrite -------------------------------------------------------------------------

    def run(self) -> IntegerModel:
        placeholders = [n for n in self.gm.graph.nodes if n.op == "placeholder"]
        if len(placeholders) != len(self.example_inputs):
            raise FrontendError(
                f"quantized model: it takes {len(placeholders)} inputs but "
                f"{len(self.example_inputs)} example inputs were given"
            )
        self.shapes = self._shapes()
        for node in self.gm.graph.nodes:
            if node.op == "placeholder":
                self.env[node] = _FloatInput(placeholders.index(node), node)
            elif node.op == "get_attr":
                self.env[node] = self._fetch(node)
            elif node.op == "call_module" and not node.users:
                continue  # torch.export's input guards (_guards_fn)
            elif node.op == "call_function":
                self.env[node] = self._call_function(node)
            elif node.op == "output":
                self._output(node)
            else:
                raise self._error(node, f"{node.op} nodes are not supported")
        missing = [i for i in range(len(placeholders)) if i not in self.inputs]
        if missing:
            raise FrontendError(
                f"quantized model: input {missing[0]} is used in float (no "
                "quantize_per_tensor reads it); torch2calyx builds integer-only hardware, "
                "so every input must be quantized by the quantizer"
            )
        self.graph.eliminate_dead_code()  # e.g. a flattened copy no Linear reads
        gm = torch.fx.GraphModule(self.root, self.graph, class_name="Int8Model")
        gm.eval()
        params = tuple(self.inputs[i][1] for i in range(len(placeholders)))
        inputs = tuple(p.quantize(x) for p, x in zip(params, self.example_inputs, strict=True))
        return IntegerModel(gm, inputs, params, tuple(self.outputs))

    def _shapes(self) -> dict[torch.fx.Node, tuple[int, ...]]:
        """The shape of every tensor the PT2E graph computes on the example inputs."""
        shapes: dict[torch.fx.Node, tuple[int, ...]] = {}

        class Recorder(torch.fx.Interpreter):
            def run_node(self, n):
                value = super().run_node(n)
                if isinstance(value, torch.Tensor):
                    shapes[n] = tuple(value.shape)
                return value

        with torch.no_grad():
            Recorder(self.gm).run(*self.example_inputs)
        return shapes

    def _call_function(self, node: torch.fx.Node) -> Any:
        target, name = node.target, _op_name(node)
        args = [self.env.get(a, a) if isinstance(a, torch.fx.Node) else a for a in node.args]
        if node.kwargs and target not in _MOVES:
            raise self._error(node, f"keyword arguments {sorted(node.kwargs)} not supported")
        if name in _QUANTIZE:
            return self._quantize(node, args)
        if name in _DEQUANTIZE:
            return self._dequantize(node, args)
        if name in _DEQUANTIZE_CHANNEL:
            return self._dequantize_channel(node, args)
        if target in _LINEAR or target in _CONV:
            return self._matmul_layer(node, args)
        if target in _RELU:
            if isinstance(args[0], _Accumulator) and len(node.users) == 1:
                acc = args[0]
                return _Accumulator(
                    acc.node, acc.scales, acc.channel_dims, True, acc.source, acc.layer
                )
            raise self._error(node, "a ReLU must follow a quantized Linear or Conv2d directly")
        if target in _MOVES:
            return self._move(node, args)
        if _is_qdq(node):
            raise self._error(node, "this quantization op is not supported (static int8 only)")
        if any(isinstance(a, _Dequantized | _Accumulator | _FloatInput) for a in args):
            raise self._error(node, "this op has no integer lowering in torch2calyx")
        raise self._error(node, "float computation outside the quantized layers")

    def _quantize(self, node: torch.fx.Node, args: list) -> _Quantized:
        value = args[0]
        params, dtype = self._params(node, tuple(args[1:]))
        if dtype != torch.int8:
            raise self._error(
                node,
                f"activations quantized to {str(dtype).removeprefix('torch.')}; only int8 "
                "activations are supported (use XNNPACKQuantizer with "
                "get_symmetric_quantization_config, not an uint8 quantizer)",
            )
        if isinstance(value, _FloatInput):
            placeholder = self.graph.placeholder(f"x{value.index}_q")
            self.inputs[value.index] = (placeholder, params)
            return _Quantized(placeholder, params)
        if isinstance(value, _Accumulator):
            return _Quantized(self._requantize(value, params), params)
        if isinstance(value, _Dequantized):
            if value.q.params != params:
                raise self._error(node, "requantization to other parameters without a layer")
            return value.q
        raise self._error(node, "quantize of a value that is not a quantized layer's output")

    def _dequantize(self, node: torch.fx.Node, args: list) -> _Dequantized | _Weight:
        value = args[0]
        params, dtype = self._params(node, tuple(args[1:]))
        if isinstance(value, torch.Tensor) and value.dtype == torch.int8:
            return _Weight(
                value,
                torch.full((value.shape[0],), params.scale, dtype=torch.float64),
                torch.full((value.shape[0],), params.zero_point, dtype=torch.int64),
                per_channel=False,
            )
        if not isinstance(value, _Quantized) or value.params != params or dtype != torch.int8:
            raise self._error(node, "dequantize of a value that is not a quantized int8 tensor")
        return _Dequantized(value)

    def _dequantize_channel(self, node: torch.fx.Node, args: list) -> _Weight:
        values, scales, zero_points, axis, _qmin, _qmax, dtype = args[:7]
        if not isinstance(values, torch.Tensor) or dtype != torch.int8 or axis != 0:
            raise self._error(node, "per-channel dequantize of anything but an int8 weight")
        return _Weight(
            values,
            torch.as_tensor(scales).to(torch.float64),
            torch.as_tensor(zero_points).to(torch.int64),
            per_channel=True,
        )

    def _matmul_layer(self, node: torch.fx.Node, args: list) -> _Accumulator:
        """``linear`` / ``conv2d`` of int8 tensors: the products summed in int32.

        Written as a broadcast product and an int32 sum (not aten.linear / convolution, which
        torch-mlir accumulates in i64 on i64 multipliers), so that after elementwise fusion
        one loop nest loads the int8 operands, widens them, subtracts the zero points,
        multiplies (in 16 bits when the products fit) and accumulates in 32 bits. A
        convolution first gathers its windows (int8, padded with the zero point).
        """
        x, weight = args[0], args[1]
        bias = args[2] if len(args) > 2 else None
        if not isinstance(x, _Dequantized) or not isinstance(weight, _Weight):
            raise self._error(node, "the input and the weight must both be dequantized int8")
        if bias is not None and not isinstance(bias, torch.Tensor):
            raise self._error(node, "the bias must be a constant float tensor")
        layer = self._layer(node)
        xq, values = x.q, weight.values
        channels = values.shape[0]
        zx = xq.params.zero_point
        x_span = max(abs(xq.params.qmin - zx), abs(xq.params.qmax - zx))
        w_span = int(
            (values.to(torch.int64) - weight.zero_points.view(-1, *[1] * (values.dim() - 1)))
            .abs()
            .max()
        )
        wide = torch.int16 if x_span * w_span < 2**15 else torch.int32
        reduced = [-1]
        if node.target in _LINEAR and xq.unflattened is not None:
            # Linear after flatten(x, 1): x[N, C, H, W] * w[O, C, H, W] -> [N, O, C, H, W],
            # summed over C, H, W (the flattened index is never formed: no division)
            operand, shape = xq.unflattened
            operand, trailing, x_dim = operand, 0, 1
            stored = values.reshape(channels, *shape[1:])
            reduced = list(range(-(len(shape) - 1), 0))
        elif node.target in _LINEAR:
            # x[..., K] * w[O, K] -> [..., O, K], summed over K
            operand, trailing, x_dim = xq.node, 0, -2
            stored = values
        else:
            # windows[N, 1, OH, OW, C, KH, KW] * w[O, 1, 1, C, KH, KW] summed over the three
            # innermost dimensions (the weight stored in that shape: no reshape between the
            # int8 memory and the product)
            operand, trailing, x_dim = self._im2col(node, args, xq), 2, 1
            stored = values.reshape(channels, 1, 1, *values.shape[1:])
            reduced = [-3, -2, -1]
        w = self._constant(f"{layer}.weight", stored.to(torch.int8))
        w_wide = self._call(_aten.to.dtype, w, wide)
        if bool((weight.zero_points != 0).any()):
            zp = self._constant(
                f"{layer}.weight_zero_point",
                weight.zero_points.to(wide).view(channels, *[1] * (stored.dim() - 1)),
            )
            w_wide = self._call(_aten.sub.Tensor, w_wide, zp)
        x_wide = self._call(_aten.sub.Tensor, self._call(_aten.to.dtype, operand, wide), zx)
        products = self._call(
            _aten.mul.Tensor, self._call(_aten.unsqueeze.default, x_wide, x_dim), w_wide
        )
        acc = self.graph.call_function(
            _aten.sum.dim_IntList, (products, reduced, False), {"dtype": torch.int32}
        )
        scales = xq.params.scale * weight.scales  # float64, per output channel
        if bias is not None:
            rounded = torch.round(bias.detach().to(torch.float64) / scales)
            if rounded.abs().max() >= 2**31:
                raise self._error(node, "the bias does not fit int32 once quantized")
            bias_q = self._constant(f"{layer}.bias", rounded.to(torch.int32))
            if trailing:
                bias_q = self._call(_aten.view.default, bias_q, [channels, 1, 1])
            acc = self._call(_aten.add.Tensor, acc, bias_q)
        return _Accumulator(acc, scales, trailing, False, node, layer)

    def _im2col(self, node: torch.fx.Node, args: list, xq: _Quantized) -> torch.fx.Node:
        """The windows ``[N, OH, OW, C, KH, KW]`` of a conv2d's int8 input padded with the
        zero point (which dequantizes to 0.0), as a view of a channels-last copy of it
        (torch-mlir then writes the windows, widened, once: one copy nest)."""
        # conv2d(input, weight, bias, stride=1, padding=0, dilation=1, groups=1)
        options = list(args[3:7])
        options += [[1], [0], [1], 1][len(options) :]
        stride, padding, dilation, groups = options
        if isinstance(padding, str) or groups != 1:
            raise self._error(
                node, "only groups=1 and numeric padding are supported for quantized conv2d"
            )

        def pair(v):
            v = list(v) if isinstance(v, list | tuple) else [v]
            return (v[0], v[-1])

        (sh, sw), (ph, pw), dilation = pair(stride), pair(padding), pair(dilation)
        _, _, kh, kw = args[1].values.shape
        x = xq.node
        if ph or pw:
            x = self._call(_aten.constant_pad_nd.default, x, [pw, pw, ph, ph], xq.params.zero_point)
        if dilation != (1, 1):
            raise self._error(node, "dilation is not supported for quantized conv2d")
        # channels last first (a copy of the input, not of the windows), then the windows
        # [N, OH, OW, C, KH, KW] as a view of it
        x = self._call(_aten.permute.default, x, [0, 2, 3, 1])
        return self._call(
            _aten.unfold.default, self._call(_aten.unfold.default, x, 1, kh, sh), 2, kw, sw
        )

    def _requantize(self, acc: _Accumulator, out: QParams) -> torch.fx.Node:
        multipliers = acc.scales / out.scale
        top = float(multipliers.max())
        if not top > 0 or not math.isfinite(top):
            raise self._error(acc.source, "the scales give a non-positive requantization factor")
        shift = MULTIPLIER_BITS - 1 - math.floor(math.log2(top))
        if round(top * 2**shift) >= 2**MULTIPLIER_BITS:
            shift -= 1
        if not 1 <= shift <= 62:
            raise self._error(acc.source, f"requantization factor {top:g} out of range")
        ints = torch.round(multipliers * 2**shift).to(torch.int64)
        shape = (-1,) + (1,) * acc.channel_dims
        m = self._constant(f"{acc.layer}.multiplier", ints.view(shape))
        product = self._call(_aten.mul.Tensor, self._call(_aten.to.dtype, acc.node, torch.int64), m)
        # round half to even: add half - 1 and the parity of the floor, then shift (floor);
        # the shift as a 0-d tensor (torch-mlir lowers bitwise_right_shift.Tensor only)
        amount = self._constant(f"{acc.layer}.shift", torch.tensor(shift, dtype=torch.int64))
        parity = self._call(
            _aten.bitwise_and.Scalar,
            self._call(_aten.bitwise_right_shift.Tensor, product, amount),
            1,
        )
        biased = self._call(
            _aten.add.Tensor, self._call(_aten.add.Tensor, product, 2 ** (shift - 1) - 1), parity
        )
        rounded = self._call(_aten.bitwise_right_shift.Tensor, biased, amount)
        shifted = self._call(_aten.add.Tensor, rounded, out.zero_point)
        low = max(out.qmin, out.zero_point) if acc.relu else out.qmin
        clamped = self._call(_aten.clamp.default, shifted, low, out.qmax)
        return self._materialized(self._call(_aten.to.dtype, clamped, torch.int8))

    def _materialized(self, value: torch.fx.Node) -> torch.fx.Node:
        """``value`` (int8) summed over a unit dimension: the same values, but out of a
        reduction, which elementwise fusion does not fuse into the next layer's loop nest
        (it would recompute a requantization, 64-bit multiply included, for every product
        that reads it) and which keeps a reshape from moving into that nest (as a divided
        and wrapped index)."""
        return self.graph.call_function(
            _aten.sum.dim_IntList,
            (self._call(_aten.unsqueeze.default, value, -1), [-1], False),
            {"dtype": torch.int8},
        )

    def _move(self, node: torch.fx.Node, args: list) -> _Dequantized:
        value = args[0]
        if not isinstance(value, _Dequantized):
            raise self._error(node, "only quantized tensors may be moved between layers")
        rest = [a for a in node.args[1:]]
        moved = self.graph.call_function(node.target, (value.q.node, *rest), dict(node.kwargs))
        if node.target in _RESHAPES:
            moved = self._materialized(moved)
        unflattened = None
        shape = self.shapes.get(node.args[0], ())
        if node.target == _aten.flatten.using_ints and tuple(node.args[1:]) in ((1,), (1, -1)):
            if len(shape) > 2:
                unflattened = (value.q.node, shape)
        return _Dequantized(_Quantized(moved, value.q.params, unflattened))

    def _output(self, node: torch.fx.Node) -> None:
        results = []
        for i, arg in enumerate(node.args[0]):
            value = self.env.get(arg)
            if not isinstance(value, _Dequantized):
                raise self._error(
                    arg,
                    f"output {i} is computed in float (it is not the dequantize of a quantized "
                    "tensor); the quantizer must quantize the last layer's output "
                    "(XNNPACKQuantizer does, X86InductorQuantizer does not)",
                )
            results.append(value.q.node)
            self.outputs.append(value.q.params)
        self.graph.output(tuple(results))


def integer_model(model: torch.fx.GraphModule, example_inputs: tuple) -> IntegerModel:
    """Rewrite a PT2E-quantized model (``convert_pt2e``'s output) into integer aten ops.

    ``example_inputs`` are the float inputs of the quantized model; :attr:`IntegerModel.inputs`
    are them quantized by the model's own first op. Raises FrontendError naming the op on any
    pattern the int8 path does not support.
    """
    inputs = tuple(example_inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, torch.Tensor) or not x.is_floating_point():
            raise FrontendError(
                f"quantized model: example input {i} must be the float tensor the PT2E model "
                "takes (torch2calyx quantizes it with the model's own parameters)"
            )
    return _Rewriter(model, inputs).run()
