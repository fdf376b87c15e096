//===- PipelineLoops.cpp - reshape and mark loop nests for pipelining -----===//
//
// Implements pipeline-loops: perfect nests that can start one iteration per
// cycle are marked `t2c.pipeline`; reduction nests are first reshaped into
// such perfect nests, interleaving independent reductions so that each
// accumulation waits for its own previous sum (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "LoopForms.h"
#include "LowerToCalyx.h"

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include <map>

namespace torch2calyx {
#define GEN_PASS_DEF_PIPELINELOOPS
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;

namespace {

/// True when `index` takes a different value for every combination of the
/// induction variables `ivs` (each must appear).
bool injective(Value index, ArrayRef<Value> ivs,
               const DenseMap<Value, Bounds> &range) {
  auto form = linearForm(index, range);
  if (!form)
    return false;
  SmallVector<std::pair<int64_t, int64_t>> terms; // |coef * step|, span
  for (Value iv : ivs) {
    int64_t coef = (*form)[iv.getAsOpaquePointer()];
    const Bounds &b = range.find(iv)->second;
    if (coef == 0 && b.trips() > 1)
      return false;
    terms.push_back({std::abs(coef * b.step), b.trips() - 1});
  }
  llvm::sort(terms);
  int64_t reach = 0;
  for (auto [c, span] : terms) {
    if (span == 0)
      continue;
    if (c <= reach)
      return false;
    reach += c * span;
  }
  return true;
}

/// No iteration of the nest reads what another writes: a memory that is
/// stored to has one store, and its loads use the same index, a function of
/// `ivs` that is injective.
bool independent(Operation *nest, ArrayRef<Value> ivs,
                 const DenseMap<Value, Bounds> &range) {
  DenseMap<Value, SmallVector<memref::LoadOp>> loads;
  DenseMap<Value, SmallVector<memref::StoreOp>> stores;
  nest->walk([&](memref::LoadOp l) { loads[l.getMemref()].push_back(l); });
  nest->walk([&](memref::StoreOp s) { stores[s.getMemref()].push_back(s); });
  for (auto &[mem, st] : stores) {
    if (st.size() != 1 || st[0].getIndices().size() != 1)
      return false;
    auto it = loads.find(mem);
    if (it == loads.end())
      continue;
    Value index = st[0].getIndices()[0];
    for (memref::LoadOp l : it->second)
      if (l.getIndices().size() != 1 || l.getIndices()[0] != index)
        return false;
    if (!injective(index, ivs, range))
      return false;
  }
  return true;
}

/// Every op of `block` (except the terminator) may sit in a pipelined body.
bool pipelinable(Block *block) {
  return llvm::all_of(block->without_terminator(),
                      [](Operation &op) { return isPipelinableOp(&op); });
}

/// The loops of the perfect part of the nest at `outer`: each level holds
/// the next loop and combinational ops only.
SmallVector<scf::ForOp> perfectPrefix(scf::ForOp outer) {
  SmallVector<scf::ForOp> loops{outer};
  while (true) {
    scf::ForOp inner;
    bool onlyComb = true;
    for (Operation &op : loops.back().getBody()->without_terminator()) {
      if (auto f = dyn_cast<scf::ForOp>(op)) {
        if (inner)
          return loops;
        inner = f;
      } else if (!isCombinationalOp(&op)) {
        onlyComb = false;
      }
    }
    if (!inner || !onlyComb || inner.getNumRegionIterArgs() != 0)
      return loops;
    loops.push_back(inner);
  }
}

/// Marks a perfect map nest; true if it did.
bool markMap(scf::ForOp outer) {
  SmallVector<scf::ForOp> loops = perfectPrefix(outer);
  DenseMap<Value, Bounds> range;
  SmallVector<Value> ivs;
  for (scf::ForOp l : loops) {
    auto b = boundsOf(l);
    if (!b || l.getNumRegionIterArgs() != 0)
      return false;
    range[l.getInductionVar()] = *b;
    ivs.push_back(l.getInductionVar());
  }
  Block *body = loops.back().getBody();
  if (!pipelinable(body) || !independent(outer, ivs, range))
    return false;
  outer->setAttr("t2c.pipeline", UnitAttr::get(outer.getContext()));
  return true;
}

/// Reshapes a reduction nest (see Passes.td); true if it did.
bool reshapeReduction(scf::ForOp outer, int64_t interleave, int64_t lanes) {
  if (outer.getNumRegionIterArgs() != 0)
    return false; // a reduction with no output loop around it
  SmallVector<scf::ForOp> par = perfectPrefix(outer);
  // The last parallel level: pre ops, one reduction loop, post ops.
  Block *pbody = par.back().getBody();
  scf::ForOp red;
  for (Operation &op : pbody->without_terminator())
    if (auto f = dyn_cast<scf::ForOp>(op)) {
      if (red)
        return false;
      red = f;
    }
  if (!red || red.getNumRegionIterArgs() != 1)
    return false;
  for (Operation &op : pbody->without_terminator())
    if (&op != red.getOperation() && !isPipelinableOp(&op))
      return false;
  // The reduction chain: each level holds combinational ops and the next
  // level, which carries the same accumulator.
  SmallVector<scf::ForOp> chain{red};
  while (true) {
    scf::ForOp inner;
    for (Operation &op : chain.back().getBody()->without_terminator())
      if (auto f = dyn_cast<scf::ForOp>(op))
        inner = f;
    if (!inner)
      break;
    scf::ForOp cur = chain.back();
    auto yield = cast<scf::YieldOp>(cur.getBody()->getTerminator());
    if (inner.getNumRegionIterArgs() != 1 ||
        inner.getInitArgs()[0] != cur.getRegionIterArgs()[0] ||
        yield.getOperand(0) != inner.getResult(0))
      return false;
    for (Operation &op : cur.getBody()->without_terminator())
      if (&op != inner.getOperation() && !isCombinationalOp(&op))
        return false;
    chain.push_back(inner);
  }
  Block *rbody = chain.back().getBody();
  if (!pipelinable(rbody))
    return false;
  // Bounds and legality on the original nest.
  DenseMap<Value, Bounds> range;
  SmallVector<Value> parIvs;
  for (scf::ForOp l : llvm::concat<scf::ForOp>(par, chain)) {
    auto b = boundsOf(l);
    if (!b)
      return false;
    range[l.getInductionVar()] = *b;
  }
  for (scf::ForOp l : par)
    parIvs.push_back(l.getInductionVar());
  // Memories stored to after the reduction are written once per output;
  // the reduction body may not store.
  bool storesInside = false;
  red.walk([&](memref::StoreOp) { storesInside = true; });
  if (storesInside || !independent(outer, parIvs, range))
    return false;
  Type accType = red.getRegionIterArgs()[0].getType();
  if (!accType.isIntOrFloat())
    return false;
  // Interleave when the accumulation goes through a multi-cycle unit.
  bool slowRecurrence = false;
  for (Operation &op : rbody->without_terminator())
    slowRecurrence |= hasPipelinedUnit(&op);
  Bounds last = range.find(par.back().getInductionVar())->second;
  int64_t d = slowRecurrence && interleave > 1 && last.trips() % interleave == 0
                  ? interleave
                  : 1;
  // A deeper adder (interleave > 2) on a count it does not divide: the
  // smallest larger divisor up to 32 (76 outputs, interleave 7: 19 sums),
  // else the largest smaller one (4 outputs, interleave 6: 4 sums, an
  // iteration every 2 cycles instead of 6).
  if (slowRecurrence && interleave > 2 && d == 1) {
    for (int64_t k = interleave + 1; k <= 32 && d == 1; ++k)
      if (last.trips() % k == 0)
        d = k;
    for (int64_t k = interleave - 1; k >= 2 && d == 1; --k)
      if (last.trips() % k == 0)
        d = k;
  }
  // With lanes to come, interleave n * k outputs (n lanes of k >= interleave
  // partial sums each) for the largest n, then smallest k, that divide the
  // outputs; unroll-lanes then deals them to the lanes (48 outputs, 16
  // lanes: 16 * 3).
  if (slowRecurrence && interleave > 1 && lanes > 1) {
    bool found = false;
    for (int64_t n = lanes; n >= 2 && !found; n /= 2)
      for (int64_t k = interleave; k <= 8 && !found; ++k)
        if (last.trips() % (n * k) == 0) {
          d = n * k;
          found = true;
        }
  }

  // A loop of one iteration is not built (its counter is the constant lb):
  // canonicalize would fold it away, and the marker with it.
  if (llvm::none_of(range, [](auto &entry) { return entry.second.trips() > 1; }))
    return false;

  // Build the new nest in front of the old one.
  OpBuilder b(outer);
  Location loc = outer.getLoc();
  auto cidx = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  auto rot = memref::AllocaOp::create(b, loc, MemRefType::get({d}, accType));
  rot->setAttr("t2c.rotating", b.getUnitAttr());
  IRMapping map;
  scf::ForOp newOuter;
  auto open = [&](int64_t lb, int64_t ub, int64_t step,
                  StringRef role = "") -> Value {
    if ((ub - lb + step - 1) / step == 1)
      return cidx(lb);
    auto loop = scf::ForOp::create(b, loc, cidx(lb), cidx(ub), cidx(step));
    if (!role.empty())
      loop->setAttr(role, b.getUnitAttr());
    if (!newOuter)
      newOuter = loop;
    b.setInsertionPointToStart(loop.getBody());
    return loop.getInductionVar();
  };
  for (scf::ForOp l : llvm::drop_end(par)) {
    Bounds bd = range.find(l.getInductionVar())->second;
    map.map(l.getInductionVar(), open(bd.lb, bd.ub, bd.step));
  }
  Value blk;
  if (d > 1)
    blk = open(0, last.trips() / d, 1);
  else
    map.map(par.back().getInductionVar(), open(last.lb, last.ub, last.step));
  SmallVector<Value> redIvs;
  for (scf::ForOp l : chain) {
    Bounds bd = range.find(l.getInductionVar())->second;
    redIvs.push_back(open(bd.lb, bd.ub, bd.step, "t2c.reduction"));
    map.map(l.getInductionVar(), redIvs.back());
  }
  Value lane = d > 1 ? open(0, d, 1, "t2c.interleave") : cidx(0);
  if (d > 1) {
    // i = lb + (blk * d + lane) * step
    Value pos = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, blk, cidx(d)), lane);
    Value iv = arith::AddIOp::create(
        b, loc, cidx(last.lb), arith::MulIOp::create(b, loc, pos, cidx(last.step)));
    map.map(par.back().getInductionVar(), iv);
  }
  // Combinational ops of the outer levels, then the pre ops.
  for (scf::ForOp l : par)
    for (Operation &op : l.getBody()->without_terminator()) {
      if (isa<scf::ForOp>(op))
        break;
      b.clone(op, map);
    }
  auto cond = [&](bool isFirst) {
    Value all;
    for (auto [l, iv] : llvm::zip(chain, redIvs)) {
      Bounds bd = range.find(l.getInductionVar())->second;
      int64_t v = isFirst ? bd.lb : bd.lb + (bd.trips() - 1) * bd.step;
      Value c = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, iv, cidx(v));
      all = all ? arith::AndIOp::create(b, loc, all, c).getResult() : c;
    }
    return all;
  };
  Value first = cond(true), isLast = cond(false);
  Value prev = memref::LoadOp::create(b, loc, rot, ValueRange{lane});
  Value acc = arith::SelectOp::create(b, loc, first,
                                      map.lookupOrDefault(red.getInitArgs()[0]), prev);
  for (scf::ForOp l : chain) {
    map.map(l.getRegionIterArgs()[0], acc);
    for (Operation &op : l.getBody()->without_terminator())
      if (!isa<scf::ForOp>(op))
        b.clone(op, map);
  }
  Value next = map.lookupOrDefault(
      cast<scf::YieldOp>(rbody->getTerminator()).getOperand(0));
  memref::StoreOp::create(b, loc, next, rot, ValueRange{lane});
  auto branch = scf::IfOp::create(b, loc, isLast, /*withElse=*/false);
  b.setInsertionPointToStart(&branch.getThenRegion().front());
  map.map(red.getResult(0), next);
  bool after = false;
  for (Operation &op : pbody->without_terminator()) {
    if (&op == red.getOperation()) {
      after = true;
      continue;
    }
    if (after)
      b.clone(op, map);
  }
  // The new nest computes everything the old one did.
  outer.erase();
  newOuter->setAttr("t2c.pipeline", b.getUnitAttr());
  return true;
}

struct PipelineLoopsPass
    : torch2calyx::impl::PipelineLoopsBase<PipelineLoopsPass> {
  using PipelineLoopsBase::PipelineLoopsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<LaneRequests> req =
        parseLaneRequests(lanes, layerLanes, module, "pipeline-loops");
    if (failed(req))
      return signalPassFailure();
    /// 1. affine -> scf, accumulators in registers (as lower-to-calyx).
    if (failed(lowerAffine(module)))
      return signalPassFailure();
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      hoistAccumulators(fn);
      /// 2. Outermost first: reshape reductions, mark maps; loops inside a
      ///    nest that could not be pipelined are tried in turn.
      SmallVector<scf::ForOp> work;
      for (Block &block : fn.getBody())
        for (auto f : block.getOps<scf::ForOp>())
          work.push_back(f);
      while (!work.empty()) {
        scf::ForOp loop = work.pop_back_val();
        if (reshapeReduction(loop, interleave, req->lanesFor(loop)) || markMap(loop))
          continue;
        loop.getBody()->walk<WalkOrder::PreOrder>([&](scf::ForOp inner) {
          work.push_back(inner);
          return WalkResult::skip();
        });
      }
    }
  }
};

} // namespace
