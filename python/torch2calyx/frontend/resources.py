"""Resource guards: refuse early a design whose memories or run time are out of bounds.

Two limits, each overridable by an environment variable:

- ``T2C_MAX_MEMORY_WORDS`` (default 1,048,576 = 2**20): the words of one memory (a weight,
  an input, an output or a buffer). A 32-bit memory of 2**20 words is 4 MiB, about 900
  BRAM36 blocks, more than most FPGAs hold; the data JSON and the simulator would take
  minutes to write and load it.
- ``T2C_CYCLE_LIMIT`` (default :data:`torch2calyx.design.DEFAULT_CYCLE_LIMIT`): a lower bound
  of the cycles the design runs: one cycle per iteration of its largest loop nest (the best
  a pipelined nest does), divided by the lanes (``T2C_LANES``, which the CLI's ``--lanes``
  sets). A design above the simulator's cycle limit can
  never be verified, so it fails at compile time instead of after building a simulator.

Each check raises :class:`~torch2calyx.errors.FrontendError` naming the layer (or the op's
source line) and the limit.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable

from torch2calyx.errors import FrontendError

DEFAULT_MAX_MEMORY_WORDS = 1 << 20


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise FrontendError(f"{name}={raw!r} is not a whole number") from None
    if value <= 0:
        raise FrontendError(f"{name}={raw!r} must be positive")
    return value


def max_memory_words() -> int:
    """The most words one memory may hold (``T2C_MAX_MEMORY_WORDS``)."""
    return _env_int("T2C_MAX_MEMORY_WORDS", DEFAULT_MAX_MEMORY_WORDS)


def cycle_limit() -> int:
    """The cycle limit designs are checked against (``T2C_CYCLE_LIMIT``)."""
    from torch2calyx.design import DEFAULT_CYCLE_LIMIT

    return _env_int("T2C_CYCLE_LIMIT", DEFAULT_CYCLE_LIMIT)


def lanes() -> int:
    """Parallel lanes the cycle bound assumes (``T2C_LANES``, set by the CLI's --lanes)."""
    return _env_int("T2C_LANES", 1)


def _too_big(what: str, words: int, limit: int) -> FrontendError:
    return FrontendError(
        f"{what} has {words:,} elements, more than the limit of {limit:,} words per memory "
        "(T2C_MAX_MEMORY_WORDS); shrink the layer, or raise the limit with "
        "T2C_MAX_MEMORY_WORDS=N if the target has the memory for it"
    )


def check_model(model, inputs) -> None:
    """Every parameter, buffer and example input of a PyTorch model within the memory limit."""
    limit = max_memory_words()
    kinds = {name: type(m).__name__ for name, m in model.named_modules()}
    for name, tensor in [*model.named_parameters(), *model.named_buffers()]:
        if tensor.numel() > limit:
            owner = name.rpartition(".")[0]
            layer = f"layer {owner} ({kinds.get(owner, '?')})" if owner else "the model"
            raise _too_big(f"{layer}: {name} {list(tensor.shape)}", tensor.numel(), limit)
    for i, x in enumerate(inputs):
        if x.numel() > limit:
            raise _too_big(f"example input {i} {list(x.shape)}", x.numel(), limit)


# ---------------------------------------------------------------------------------------------
# loop-level MLIR

_CONST_MAP = re.compile(r"affine_map<\(\) -> \((-?\d+)\)>")


def _static_words(type_text: str) -> int | None:
    m = re.match(r"memref<((?:\d+x)*)[^x>?]+", type_text)
    if m is None:
        return None
    dims = [int(d) for d in m.group(1).split("x") if d]
    return math.prod(dims) if dims else 1


def _trip_count(op) -> int:
    """Iterations of an affine.for/scf.for with constant bounds (1 when not constant)."""
    try:
        if op.name == "affine.for":
            lo = _CONST_MAP.fullmatch(str(op.attributes["lowerBoundMap"]))
            hi = _CONST_MAP.fullmatch(str(op.attributes["upperBoundMap"]))
            step = int(str(op.attributes["step"]).split(":")[0])
            if lo and hi and step > 0:
                return max(0, -(-(int(hi.group(1)) - int(lo.group(1))) // step))
        elif op.name == "scf.for":
            values = []
            for v in list(op.operands)[:3]:
                owner = v.owner
                if getattr(owner, "name", None) != "arith.constant":
                    return 1
                values.append(int(str(owner.attributes["value"]).split(":")[0]))
            lo, hi, step = values
            if step > 0:
                return max(0, -(-(hi - lo) // step))
    except (KeyError, ValueError, AttributeError):
        pass
    return 1


def _innermost_iterations(op, outer: int, found: list[tuple[int, object]]) -> None:
    for region in op.regions:
        for block in region.blocks:
            for child in block.operations:
                child = child.operation
                if child.name in ("affine.for", "scf.for"):
                    trips = outer * _trip_count(child)
                    before = len(found)
                    _innermost_iterations(child, trips, found)
                    if len(found) == before:  # no loop inside: an innermost loop
                        found.append((trips, child))
                elif child.regions:
                    _innermost_iterations(child, outer, found)


def check_loop_level(module, func, describe: Callable[[str], str]) -> None:
    """Memories and the cycle lower bound of loop-level MLIR within the limits.

    ``func`` is the top-level ``func.func`` op; ``describe(location)`` names the layer or
    source line of an op's location for the messages.
    """
    from torch2calyx.frontend import mlir_passes as mp

    limit = max_memory_words()
    for op in mp.iter_ops(module.operation):
        if op.name == "memref.global":
            text, what = str(op.attributes["type"]), f"weight @{_attr_text(op, 'sym_name')}"
        elif op.name in ("memref.alloc", "memref.alloca"):
            text, what = str(op.results[0].type), f"buffer ({op.name})"
        else:
            continue
        words = _static_words(text)
        if words is not None and words > limit:
            raise _too_big(f"{what} {text} of {describe(str(op.location))}", words, limit)
    for k, arg in enumerate(func.regions[0].blocks[0].arguments):
        words = _static_words(str(arg.type))
        if words is not None and words > limit:
            raise _too_big(f"argument {k} ({arg.type})", words, limit)

    # every iteration of a loop nest takes at least one cycle (a pipelined nest starts one
    # iteration per cycle and lane), so the largest nest bounds the run time from below
    found: list[tuple[int, object]] = []
    _innermost_iterations(func, 1, found)
    if not found:
        return
    trips, worst = max(found, key=lambda f: f[0])
    n_lanes = lanes()
    bound = trips // n_lanes
    cycles = cycle_limit()
    if bound > cycles:
        raise FrontendError(
            f"{describe(str(worst.location))} runs a loop nest of {trips:,} iterations: the "
            f"design needs at least {bound:,} cycles (one per iteration"
            f"{f' and lane, {n_lanes} lanes' if n_lanes > 1 else ''}), more than the "
            f"simulation cycle limit of {cycles:,}; shrink the layer, or raise the limit with "
            "T2C_CYCLE_LIMIT=N (and simulate with --cycle-limit N)"
        )


def _attr_text(op, name: str) -> str:
    return str(op.attributes[name]).strip('"')
