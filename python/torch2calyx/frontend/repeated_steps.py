"""Keep the repetitions of a layer alike through elementwise fusion (issue 14).

A recurrent layer unrolled over time (nn.LSTM, nn.GRU) lowers to one group of linalg ops per
time step. The steps compute the same thing on different tensors, so after lowering their
loop nests are identical and ``outline-repeated-nests`` shares them in one component, except
where ``linalg-fuse-elementwise-ops`` treats one step differently from the others:

- the first step reads the zero initial state, a splat constant that fusion folds into the
  step's ops (``h0 @ W`` becomes a product with the scalar 0, ``f * c0`` loses an input);
- the last step's cell state has one use (the hidden state) where the other steps' has two
  (the hidden state and the next step), so fusion merges the last step's cell and hidden
  state into one op and leaves them apart elsewhere.

Before fusion, this module finds the "twins": linalg ops with the same name, attributes,
operand and result types and body, differing only by their operands. Where twins disagree
it holds fusion back so that every twin fuses the same way:

- a splat constant that some twins read where the others read a computed tensor becomes a
  buffer filled with that value (``memref.alloc`` + ``linalg.fill`` +
  ``bufferization.to_tensor``), which fusion cannot fold;
- a producer whose twins are used differently (one use here, two there) gets a temporary
  extra use (a ``bufferization.materialize_in_destination`` into a scratch buffer, marked
  ``t2c.pin``), which stops the fusion pass's default rule (fuse a producer into its only
  user); the pins are erased right after fusion. Twins that compute an exp, tanh, division
  or the like are pinned too: each stays a nest of its own, and the LSTM's three sigmoid
  gates share one component, its two tanh another, instead of each being fused differently
  into the cell and hidden state;
- after fusion, every twin gets its own initial value for its results (so that
  bufferization gives each a buffer of its own instead of writing the last one in place),
  and a twin that reads a slice of a larger tensor where its twins read a tensor of their
  own reads a copy of the slice (so that all read memories of one size).

Nothing here changes the arithmetic: the filled buffer holds the constant's value and the
unfused ops compute what the fused one would, in the same order.
"""

from __future__ import annotations

from collections import defaultdict

from torch_mlir import ir
from torch_mlir.dialects import bufferization, linalg, memref, tensor

_PIN = "t2c.pin"


def _owner(value: ir.Value) -> ir.Operation | None:
    owner = value.owner
    if isinstance(owner, ir.Operation | ir.OpView):
        return owner.operation
    return None


def _is_tensor(value: ir.Value) -> bool:
    return str(value.type).startswith("tensor<")


def _attributes(op: ir.Operation) -> list[str]:
    attrs = op.attributes
    return sorted(f"{attrs[i].name}={attrs[i].attr}" for i in range(len(attrs)))


def _body_signature(op: ir.Operation, outside: dict) -> str:
    """The ops of ``op``'s regions, with operands named by position (block arguments) or,
    for values from outside the op, by the constant they hold (else by an opaque tag)."""
    names: dict = {}
    parts: list[str] = []
    for region in op.regions:
        for block in region.blocks:
            for arg in block.arguments:
                names[arg] = f"a{len(names)}:{arg.type}"
            for inner in block.operations:
                inner = inner.operation
                refs = []
                for operand in inner.operands:
                    if operand in names:
                        refs.append(names[operand])
                        continue
                    source = _owner(operand)
                    if source is not None and source.name == "arith.constant":
                        refs.append(f"c:{source.attributes['value']}")
                    else:
                        refs.append(outside.setdefault(operand, f"x{len(outside)}"))
                attrs = _attributes(inner)
                parts.append(f"{inner.name}({','.join(refs)}){attrs}{len(inner.regions)}")
                for j, res in enumerate(inner.results):
                    names[res] = f"r{len(names)}.{j}:{res.type}"
                if inner.regions:
                    parts.append("{" + _body_signature(inner, outside) + "}")
    return ";".join(parts)


def twin_key(op: ir.Operation) -> str | None:
    """What twins have in common (None for ops that are not linalg structured ops)."""
    if not op.name.startswith("linalg.") or op.name == "linalg.fill" or not op.regions:
        return None
    attrs = _attributes(op)
    operands = ",".join(str(v.type) for v in op.operands)
    results = ",".join(str(v.type) for v in op.results)
    return f"{op.name}|{attrs}|{operands}|{results}|{_body_signature(op, {})}"


def twin_groups(block: ir.Block) -> list[list[ir.Operation]]:
    """Groups of two or more twins among the ops of ``block``, in program order."""
    groups: dict[str, list[ir.Operation]] = defaultdict(list)
    for op in block.operations:
        op = op.operation
        key = twin_key(op)
        if key is not None:
            groups[key].append(op)
    return [g for g in groups.values() if len(g) > 1]


def _is_splat_constant(value: ir.Value) -> bool:
    source = _owner(value)
    if source is None or source.name != "arith.constant":
        return False
    attr = source.attributes["value"]
    return isinstance(attr, ir.DenseElementsAttr) and attr.is_splat


def _filled_buffer(constant: ir.Operation, like: ir.Value, before: ir.Operation) -> ir.Value:
    """A tensor read from a fresh buffer filled with the splat ``constant``'s value. When
    the twins' tensor ``like`` is a reshape of another tensor, so is this one (the buffer
    has the shape before the reshape): fusion then moves the reshape alike in all twins."""
    tensor_type = ir.RankedTensorType(constant.results[0].type)
    splat = ir.DenseElementsAttr(constant.attributes["value"]).get_splat_value()
    reshape = _owner(like)
    if reshape is not None and reshape.name not in _RESHAPES:
        reshape = None
    buffer_tensor = ir.RankedTensorType((reshape.operands[0] if reshape is not None else like).type)
    with ir.InsertionPoint(before), before.location:
        scalar = ir.Operation.create(
            "arith.constant", results=[tensor_type.element_type], attributes={"value": splat}
        ).results[0]
        buffer_type = ir.MemRefType.get(buffer_tensor.shape, buffer_tensor.element_type)
        buffer = memref.AllocOp(buffer_type, [], []).result
        linalg.fill(scalar, outs=[buffer])
        value = bufferization.ToTensorOp(buffer_tensor, buffer, restrict=True, writable=True)
        if reshape is None:
            return value.result
        clone = reshape.clone(ip=ir.InsertionPoint(before)).operation
        clone.operands[0] = value.result
        return clone.results[0]


_RESHAPES = frozenset({"tensor.expand_shape", "tensor.collapse_shape"})


def unfold_constant_states(block: ir.Block) -> int:
    """Give twins that read a splat constant where their twins read a computed tensor a
    filled buffer instead (see the module doc); return how many operands were replaced."""
    count = 0
    for group in twin_groups(block):
        for k in range(len(group[0].operands)):
            constant = [_is_splat_constant(op.operands[k]) for op in group]
            if all(constant) or not any(constant):
                continue
            like = group[constant.index(False)].operands[k]
            for op, is_constant in zip(group, constant, strict=True):
                if is_constant:
                    op.operands[k] = _filled_buffer(_owner(op.operands[k]), like, op)
                    count += 1
    return count


def _uses(op: ir.Operation, keys: dict) -> list[tuple[str | None, int]]:
    """Each use of ``op``'s results: the user's twin key (None if it is not a linalg op)
    and the operand number."""
    found = []
    for result in op.results:
        for use in result.uses:
            user = use.owner.operation if hasattr(use.owner, "operation") else use.owner
            found.append((keys.get(user), use.operand_number))
    return found


#: Ops whose expansion into integer logic is large: a twin holding one stays an op (a nest)
#: of its own instead of being fused into its consumer, so that all its twins (an LSTM's
#: sigmoid gates, its two tanh) share one component.
_COSTLY = frozenset(
    {"math.exp", "math.tanh", "math.log", "math.sqrt", "math.rsqrt", "math.erf", "arith.divf"}
)


def _is_costly(op: ir.Operation) -> bool:
    found = False

    def visit(inner):
        nonlocal found
        found |= inner.operation.name in _COSTLY
        return ir.WalkResult.ADVANCE

    op.walk(visit)
    return found


def pin_divergent_producers(block: ir.Block) -> int:
    """Give a temporary extra use to every producer that fusion would merge into its only
    user while a twin of it, used by a twin of that user in the same way, has other uses
    too and stays apart, and to every producer with twins that computes an exp, tanh,
    division or the like (see the module doc); return the number of pins."""
    groups = twin_groups(block)
    keys = {op: twin_key(op) for group in groups for op in group}
    count = 0
    for group in groups:
        uses = [_uses(op, keys) for op in group]
        shared = {use for found in uses if len(found) > 1 for use in found if use[0]}
        costly = _is_costly(group[0])
        for op, found in zip(group, uses, strict=True):
            if len(found) != 1 or len(op.results) != 1:
                continue
            if found[0] not in shared and not (costly and found[0][0]):
                continue
            result = op.results[0]
            tensor_type = ir.RankedTensorType(result.type)
            with ir.InsertionPoint.after(op), op.location:
                scratch = memref.AllocOp(
                    ir.MemRefType.get(tensor_type.shape, tensor_type.element_type), [], []
                ).result
                pin = bufferization.MaterializeInDestinationOp(
                    None, result, scratch, restrict=True, writable=True
                )
                pin.operation.attributes[_PIN] = ir.UnitAttr.get()
            count += 1
    return count


def unpin(module: ir.Module) -> int:
    """Erase the pins of :func:`pin_divergent_producers` and their scratch buffers."""
    count = 0
    for block in _function_blocks(module):
        for op in list(block.operations):
            op = op.operation
            if _PIN not in op.attributes:
                continue
            scratch = _owner(op.operands[1])
            op.erase()
            if scratch is not None and not list(scratch.results[0].uses):
                scratch.erase()
            count += 1
    return count


def _function_blocks(module: ir.Module) -> list[ir.Block]:
    blocks = []
    for op in module.body.operations:
        op = op.operation
        if op.name == "func.func" and op.regions[0].blocks:
            blocks.append(op.regions[0].blocks[0])
    return blocks


def prepare(module: ir.Module) -> tuple[int, int]:
    """Before fusion: unfold constant states, then pin divergent producers, in every
    function. Returns (operands unfolded, pins)."""
    unfolded = pinned = 0
    with module.context:
        for block in _function_blocks(module):
            unfolded += unfold_constant_states(block)
            pinned += pin_divergent_producers(block)
    return unfolded, pinned


_INIT_CHAIN = frozenset(
    {"tensor.empty", "linalg.fill", "tensor.expand_shape", "tensor.collapse_shape"}
)


def _fresh_copy(value: ir.Value, before: ir.Operation) -> ir.Value | None:
    """A copy of the ops that make ``value`` (an empty tensor, a fill of one, reshaped),
    inserted before ``before``; None if ``value`` is made otherwise."""
    op = _owner(value)
    if op is None or op.name not in _INIT_CHAIN:
        return None
    clone = op.clone(ip=ir.InsertionPoint(before)).operation
    for i, operand in enumerate(clone.operands):
        if _is_tensor(operand):
            fresh = _fresh_copy(operand, clone)
            if fresh is not None:
                clone.operands[i] = fresh
    index = next(i for i, r in enumerate(op.results) if r == value)
    return clone.results[index]


def _erase_if_dead(op: ir.Operation | None) -> None:
    """Erase ``op`` (one of _INIT_CHAIN) if its results are unused, then its producers."""
    if op is None or op.name not in _INIT_CHAIN:
        return
    if any(len(list(r.uses)) for r in op.results):
        return
    producers = [_owner(v) for v in op.operands]
    op.erase()
    for producer in producers:
        _erase_if_dead(producer)


def separate_inits(module: ir.Module) -> int:
    """After fusion: give every twin its own initial value of its results (its "outs": an
    empty tensor or a fill of one, maybe reshaped), made right before it. Bufferization
    writes an op's result into the buffer of its initial value when that is the value's
    last use, so a shared empty tensor or fill makes the last twin write in place into an
    earlier twin's buffer and the others into fresh ones; and forward-fills folds a fill
    only into the nest right after it. With one initial value each, made right before,
    every twin gets a buffer of its own and all of them read and write their memories
    alike. Returns the initial values copied."""
    count = 0
    with module.context:
        for block in _function_blocks(module):
            for group in twin_groups(block):
                for op in group:
                    if "operandSegmentSizes" not in op.attributes:
                        continue
                    sizes = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
                    first = sum(sizes[:-1])
                    for k in range(first, first + sizes[-1]):
                        init = op.operands[k]
                        fresh = _fresh_copy(init, op)
                        if fresh is not None:
                            op.operands[k] = fresh
                            _erase_if_dead(_owner(init))
                            count += 1
    return count


def materialize_slices(module: ir.Module) -> int:
    """After fusion: where twins disagree on an input, some reading a slice of a larger
    tensor (a gate of an LSTM's gate vector) and the others a tensor of its own (the cell
    state), copy the slices into tensors of their own. Bufferized, the twins then all read a
    memory of the same size and can share one component. Returns the copies made."""
    count = 0
    with module.context:
        for block in _function_blocks(module):
            for group in twin_groups(block):
                if "operandSegmentSizes" not in group[0].attributes:
                    continue
                inputs = list(ir.DenseI32ArrayAttr(group[0].attributes["operandSegmentSizes"]))[0]
                for k in range(inputs):
                    sliced = [_is_slice(op.operands[k]) for op in group]
                    if all(sliced) or not any(sliced):
                        continue
                    for op, is_slice in zip(group, sliced, strict=True):
                        if is_slice:
                            op.operands[k] = _copy_of(op.operands[k], op)
                            count += 1
    return count


def _is_slice(value: ir.Value) -> bool:
    source = _owner(value)
    return source is not None and source.name == "tensor.extract_slice"


def _copy_of(value: ir.Value, before: ir.Operation) -> ir.Value:
    tensor_type = ir.RankedTensorType(value.type)
    with ir.InsertionPoint(before), before.location:
        empty = tensor.EmptyOp(tensor_type.shape, tensor_type.element_type).result
        return linalg.copy(value, outs=[empty])
