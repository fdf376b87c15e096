"""Static checks of ``.mlir`` input that must run before torch-mlir's passes touch it.

torch-mlir's canonicalizer trusts indices: ``affine.load`` of a constant ``memref.global`` at
a constant index outside the memref folds by reading past the end of the global's data (a
segfault for ``%w[-2147483648, 1]``, a garbage constant for ``%w[5, 1]``; issue 19). Other
out-of-bounds accesses go through the passes silently and address memory that does not
exist in hardware. :func:`check_accesses` rejects, with the op's ``file:line:col``:

- a load, store, ``tensor.extract``/``insert`` or slice whose index is a known constant
  outside the dimension (anywhere, even in code that never runs: that is what the folder
  reads);
- an access in code that always runs whose index, over the iterations of the enclosing
  loops with constant bounds, leaves the dimension (an off-by-one loop) or never enters it;
  accesses under an ``affine.if``/``scf.if``/``scf.while`` are only checked for constants,
  since a condition may guard the out-of-range iterations;
- an affine ``mod``/``floordiv``/``ceildiv`` by a constant that is not positive (affine maps
  allow only positive divisors), and an ``scf.for`` whose constant step is not positive
  (it would never end).

Ranges are intervals ``(lo, hi, exact, loops)``: ``exact`` means both ends are reached by
some iteration (sums of distinct loop counters, scaled and divided by constants), so a
partly out-of-range interval is reported only when ``exact``; inexact intervals (a counter
used twice, a ``mod``, loop bounds that depend on outer counters) are sound bounds and are
reported only when entirely out of range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch_mlir import ir

from torch2calyx.errors import FrontendError

_DYNAMIC = -(1 << 63)  # ShapedType::kDynamic in static_offsets/sizes/strides
_GUARDS = ("affine.if", "scf.if", "scf.while")


@dataclass(frozen=True)
class Range:
    """The values an index may take: ``lo..hi``; ``exact`` when both ends are reached."""

    lo: int
    hi: int
    exact: bool = True
    loops: frozenset = frozenset()

    @property
    def point(self) -> bool:
        return self.lo == self.hi and not self.loops

    def text(self) -> str:
        return str(self.lo) if self.lo == self.hi else f"{self.lo}..{self.hi}"


def _point(v: int) -> Range:
    return Range(v, v)


def _add(a: Range, b: Range) -> Range:
    exact = a.exact and b.exact and not (a.loops & b.loops)
    return Range(a.lo + b.lo, a.hi + b.hi, exact, a.loops | b.loops)


def _scale(a: Range, c: int) -> Range:
    lo, hi = sorted((a.lo * c, a.hi * c))
    return Range(lo, hi, a.exact, a.loops if c else frozenset())


class _Checker:
    def __init__(self, where: Callable[[ir.Location], str]) -> None:
        self.where = where
        self.ranges: dict[ir.Value, Range] = {}

    def fail(self, op: ir.Operation, message: str) -> FrontendError:
        return FrontendError(f"{self.where(op.location)}: {message}")

    # --- affine expressions -------------------------------------------------------------------

    def expr(self, op: ir.Operation, e: ir.AffineExpr, dims: list, syms: list) -> Range | None:
        if isinstance(e, ir.AffineConstantExpr):
            return _point(e.value)
        if isinstance(e, ir.AffineDimExpr):
            return dims[e.position] if e.position < len(dims) else None
        if isinstance(e, ir.AffineSymbolExpr):
            return syms[e.position] if e.position < len(syms) else None
        binary = (ir.AffineAddExpr, ir.AffineMulExpr, ir.AffineModExpr)
        binary += (ir.AffineFloorDivExpr, ir.AffineCeilDivExpr)
        if not isinstance(e, binary):
            return None
        divisor = isinstance(e, ir.AffineModExpr | ir.AffineFloorDivExpr | ir.AffineCeilDivExpr)
        if divisor and isinstance(e.rhs, ir.AffineConstantExpr) and e.rhs.value <= 0:
            raise self.fail(
                op,
                f"'{op.name}' divides by {e.rhs.value} in the affine expression {e}; the "
                "right-hand side of mod, floordiv and ceildiv must be a positive constant",
            )
        a = self.expr(op, e.lhs, dims, syms)
        b = self.expr(op, e.rhs, dims, syms)
        if a is None or b is None:
            return None
        if isinstance(e, ir.AffineAddExpr):
            return _add(a, b)
        if isinstance(e, ir.AffineMulExpr):
            if b.point:
                return _scale(a, b.lo)
            if a.point:
                return _scale(b, a.lo)
            ends = [x * y for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
            return Range(min(ends), max(ends), False, a.loops | b.loops)
        if not b.point or b.lo <= 0:
            return None
        c = b.lo
        if isinstance(e, ir.AffineFloorDivExpr):
            return Range(a.lo // c, a.hi // c, a.exact, a.loops)
        if isinstance(e, ir.AffineCeilDivExpr):
            return Range(-(-a.lo // c), -(-a.hi // c), a.exact, a.loops)
        if a.point:
            return _point(a.lo % c)
        if a.lo >= 0 and a.hi < c:
            return a
        return Range(0, c - 1, False, a.loops)

    def apply_map(self, op: ir.Operation, attr: str, operands: list) -> list[Range | None]:
        amap = ir.AffineMapAttr(op.attributes[attr]).value
        known = [self.ranges.get(v) for v in operands]
        dims, syms = known[: amap.n_dims], known[amap.n_dims :]
        return [self.expr(op, r, dims, syms) for r in amap.results]

    # --- accesses -----------------------------------------------------------------------------

    def access(self, op, what: str, target: ir.Value, index: list[Range | None], live: bool):
        try:
            shaped = ir.ShapedType(target.type)
        except ValueError:
            return
        if not shaped.has_rank or len(index) != shaped.rank:
            return
        for dim, (size, r) in enumerate(zip(shaped.shape, index, strict=True)):
            if size < 0:  # dynamic
                continue
            if size == 0 and live:
                raise self.fail(
                    op,
                    f"'{op.name}' {what} {target.type}, whose dimension {dim} has size 0: "
                    "the access is always out of bounds",
                )
            if r is None:
                continue
            outside = r.lo < 0 or r.hi >= size
            never = r.hi < 0 or r.lo >= size
            if not outside or not (r.point or (live and (r.exact or never))):
                continue
            how = "at index" if r.lo == r.hi else "at indices"
            when = "" if r.point else " over the iterations of the enclosing loops"
            raise self.fail(
                op,
                f"'{op.name}' {what} {target.type} {how} {r.text()} in dimension {dim}{when}, "
                f"outside 0..{size - 1}; fix the index or the shape",
            )

    def slice(self, op: ir.Operation, target: ir.Value, first: int, live: bool) -> None:
        """memref.subview / tensor.extract_slice / insert_slice against ``target``'s shape."""
        lists = []
        pos = first
        for name in ("static_offsets", "static_sizes", "static_strides"):
            values = []
            for v in ir.DenseI64ArrayAttr(op.attributes[name]):
                if v == _DYNAMIC:
                    values.append(self.ranges.get(op.operands[pos]))
                    pos += 1
                else:
                    values.append(_point(v))
            lists.append(values)
        try:
            shape = ir.ShapedType(target.type).shape
        except ValueError:
            return
        for dim, (off, size, stride, extent) in enumerate(zip(*lists, shape, strict=False)):
            if not all(x is not None and x.point for x in (off, size, stride)) or extent < 0:
                continue
            if size.lo <= 0:
                continue
            last = off.lo + (size.lo - 1) * stride.lo
            if min(off.lo, last) < 0 or max(off.lo, last) >= extent:
                raise self.fail(
                    op,
                    f"'{op.name}' takes elements {off.lo}..{last} (offset {off.lo}, size "
                    f"{size.lo}, stride {stride.lo}) of dimension {dim} of {target.type}, "
                    f"outside 0..{extent - 1}",
                )

    # --- the walk -----------------------------------------------------------------------------

    def value_of(self, op: ir.Operation) -> None:
        """Record the range of an index-valued op's result when it is known."""
        name = op.name
        if name == "arith.constant" and len(op.results) == 1:
            attr = op.attributes["value"]
            if isinstance(attr, ir.IntegerAttr):
                self.ranges[op.results[0]] = _point(ir.IntegerAttr(attr).value)
        elif name in ("arith.index_cast", "arith.index_castui") and op.operands:
            r = self.ranges.get(op.operands[0])
            if r is not None:
                self.ranges[op.results[0]] = r
        elif name in ("arith.addi", "arith.subi", "arith.muli") and len(op.operands) == 2:
            a, b = (self.ranges.get(v) for v in op.operands)
            if a is not None and b is not None and a.point and b.point:
                value = {"arith.addi": a.lo + b.lo, "arith.subi": a.lo - b.lo}.get(name)
                self.ranges[op.results[0]] = _point(a.lo * b.lo if value is None else value)
        elif name in ("affine.apply", "affine.min", "affine.max"):
            results = self.apply_map(op, "map", list(op.operands))
            if name == "affine.apply" and results and results[0] is not None:
                self.ranges[op.results[0]] = results[0]
            elif results and all(r is not None for r in results):
                pick = min if name == "affine.min" else max
                lo, hi = pick(r.lo for r in results), pick(r.hi for r in results)
                self.ranges[op.results[0]] = Range(lo, hi, False)

    def loop_range(self, op: ir.Operation) -> tuple[Range | None, bool]:
        """The counter's range of an affine.for / scf.for and whether the body runs."""
        if op.name == "affine.for":
            n_lb = ir.AffineMapAttr(op.attributes["lowerBoundMap"]).value.n_inputs
            n_ub = ir.AffineMapAttr(op.attributes["upperBoundMap"]).value.n_inputs
            lbs = self.apply_map(op, "lowerBoundMap", list(op.operands)[:n_lb])
            ubs = self.apply_map(op, "upperBoundMap", list(op.operands)[n_lb : n_lb + n_ub])
            step = ir.IntegerAttr(op.attributes["step"]).value
            lb = lbs[0] if len(lbs) == 1 else None
            ub = ubs[0] if len(ubs) == 1 else None
            step_r = _point(step)
        else:
            lb, ub, step_r = (self.ranges.get(v) for v in list(op.operands)[:3])
            if step_r is not None and step_r.point and step_r.lo <= 0:
                raise self.fail(
                    op,
                    f"'scf.for' has step {step_r.lo}; the step must be positive (the loop "
                    "would never end)",
                )
        if lb is None or ub is None or step_r is None or not step_r.point:
            return None, True
        iv = op.regions[0].blocks[0].arguments[0]
        if lb.point and ub.point:
            if ub.lo <= lb.lo:
                return None, False
            last = lb.lo + (ub.lo - 1 - lb.lo) // step_r.lo * step_r.lo
            return Range(lb.lo, last, True, frozenset([iv])), True
        return Range(lb.lo, ub.hi - 1, False, frozenset([iv])), ub.hi > lb.lo

    def walk(self, op: ir.Operation, live: bool) -> None:
        for region in op.regions:
            for block in region.blocks:
                for child in block.operations:
                    self.visit(child.operation, live)

    def visit(self, op: ir.Operation, live: bool) -> None:
        name = op.name
        ops = list(op.operands)
        if name == "affine.load":
            self.access(op, "reads", ops[0], self.apply_map(op, "map", ops[1:]), live)
        elif name == "affine.store":
            self.access(op, "writes", ops[1], self.apply_map(op, "map", ops[2:]), live)
        elif name in ("memref.load", "tensor.extract"):
            self.access(op, "reads", ops[0], [self.ranges.get(v) for v in ops[1:]], live)
        elif name in ("memref.store", "tensor.insert"):
            self.access(op, "writes", ops[1], [self.ranges.get(v) for v in ops[2:]], live)
        elif name in ("memref.subview", "tensor.extract_slice"):
            self.slice(op, ops[0], 1, live)
        elif name == "tensor.insert_slice":
            self.slice(op, ops[1], 2, live)
        elif name in ("affine.for", "scf.for"):
            iv, runs = self.loop_range(op)
            if iv is not None:
                self.ranges[op.regions[0].blocks[0].arguments[0]] = iv
            self.walk(op, live and runs)
            return
        elif name in _GUARDS:
            self.walk(op, False)
            return
        else:
            self.value_of(op)
        self.walk(op, live)


def check_accesses(module: ir.Module, where: Callable[[ir.Location], str]) -> None:
    """Raise FrontendError for the first statically invalid access of ``module`` (see the
    module docstring); ``where`` turns an op's location into ``file:line:col``."""
    checker = _Checker(where)
    for op in module.body.operations:
        checker.visit(op.operation, True)
