//===- ForwardFills.cpp - fold buffer-filling nests into their consumer ---===//
//
// Implements forward-fills: a perfect nest that writes one value per
// element of a buffer, followed by a nest with the same outer loops that
// starts each element's accumulation with a load of that element, becomes
// the second nest alone, computing the fill's value in place of the load.
//
//===----------------------------------------------------------------------===//

#include "LowerToCalyx.h"

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

namespace torch2calyx {
#define GEN_PASS_DEF_FORWARDFILLS
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;

namespace {

bool sameBounds(scf::ForOp a, scf::ForOp b) {
  auto c = [](Value v) { return getConstantIntValue(v); };
  return c(a.getLowerBound()) && c(a.getLowerBound()) == c(b.getLowerBound()) &&
         c(a.getUpperBound()) && c(a.getUpperBound()) == c(b.getUpperBound()) &&
         c(a.getStep()) && c(a.getStep()) == c(b.getStep());
}

/// The loops of a nest whose levels hold only the next loop and
/// combinational ops; the last one is returned innermost.
SmallVector<scf::ForOp> nestOf(scf::ForOp outer, unsigned maxDepth) {
  SmallVector<scf::ForOp> loops{outer};
  while (loops.size() < maxDepth) {
    scf::ForOp inner;
    for (Operation &op : loops.back().getBody()->without_terminator()) {
      if (auto f = dyn_cast<scf::ForOp>(op)) {
        if (inner)
          return loops;
        inner = f;
      } else if (!isCombinationalOp(&op)) {
        return loops;
      }
    }
    if (!inner)
      break;
    loops.push_back(inner);
  }
  return loops;
}

/// `a` (computed in the fill nest) and `b` (in the consumer) are the same
/// function of the induction variables, `ivs` mapping the fill's to the
/// consumer's.
bool sameValue(Value a, Value b, const IRMapping &ivs) {
  if (ivs.contains(a))
    return ivs.lookup(a) == b;
  if (a == b)
    return true;
  Operation *da = a.getDefiningOp(), *db = b.getDefiningOp();
  if (!da || !db || da->getName() != db->getName() ||
      da->getAttrDictionary() != db->getAttrDictionary() ||
      da->getNumOperands() != db->getNumOperands() ||
      da->getNumRegions() != 0 || !isCombinationalOp(da))
    return false;
  for (auto [x, y] : llvm::zip(da->getOperands(), db->getOperands()))
    if (!sameValue(x, y, ivs))
      return false;
  return true;
}

/// Folds `fill` into `consumer` when they match; returns true if it did.
bool forward(scf::ForOp fill, scf::ForOp consumer) {
  SmallVector<scf::ForOp> fl = nestOf(fill, ~0u);
  Block *fillBody = fl.back().getBody();
  memref::StoreOp store;
  for (Operation &op : fillBody->without_terminator()) {
    if (auto s = dyn_cast<memref::StoreOp>(op)) {
      if (store)
        return false;
      store = s;
    } else if (!isa<memref::LoadOp>(op) && !isCombinationalOp(&op)) {
      return false;
    }
  }
  if (!store || llvm::any_of(fl, [](scf::ForOp l) {
        return l.getNumRegionIterArgs() != 0;
      }))
    return false;
  Value buf = store.getMemref();
  SmallVector<scf::ForOp> cl = nestOf(consumer, fl.size());
  if (cl.size() != fl.size())
    return false;
  IRMapping ivs;
  for (auto [a, b] : llvm::zip(fl, cl)) {
    if (!sameBounds(a, b))
      return false;
    ivs.map(a.getInductionVar(), b.getInductionVar());
  }
  // The consumer's accesses of the buffer: one load and one store in the
  // innermost level of the matched loops, at the same indices.
  memref::LoadOp init;
  memref::StoreOp final;
  bool other = false;
  consumer.walk([&](Operation *op) {
    auto l = dyn_cast<memref::LoadOp>(op);
    auto s = dyn_cast<memref::StoreOp>(op);
    if (l && l.getMemref() == buf) {
      if (init || l->getBlock() != cl.back().getBody())
        other = true;
      init = l;
    }
    if (s && s.getMemref() == buf) {
      if (final || s->getBlock() != cl.back().getBody())
        other = true;
      final = s;
    }
  });
  if (other || !init || !final || !init->isBeforeInBlock(final) ||
      init.getIndices() != final.getIndices() ||
      init.getIndices().size() != store.getIndices().size())
    return false;
  for (auto [a, b] : llvm::zip(store.getIndices(), init.getIndices()))
    if (!sameValue(a, b, ivs))
      return false;
  // What the fill reads must not be written by the consumer.
  bool clobbered = false;
  fillBody->walk([&](memref::LoadOp l) {
    consumer.walk([&](memref::StoreOp s) {
      clobbered |= s.getMemref() == l.getMemref();
    });
  });
  if (clobbered)
    return false;
  // Nothing between the nests touches the buffer.
  for (Operation *op = fill->getNextNode(); op != consumer; op = op->getNextNode())
    if (!isCombinationalOp(op) && !isa<memref::AllocOp, memref::AllocaOp>(op))
      return false;
  OpBuilder b(init);
  for (scf::ForOp level : llvm::drop_end(fl))
    for (Operation &op : level.getBody()->without_terminator())
      if (!isa<scf::ForOp>(op))
        b.clone(op, ivs);
  for (Operation &op : fillBody->without_terminator())
    if (&op != store.getOperation())
      b.clone(op, ivs);
  init.getResult().replaceAllUsesWith(ivs.lookupOrDefault(store.getValue()));
  init.erase();
  fill.erase();
  return true;
}

struct ForwardFillsPass
    : torch2calyx::impl::ForwardFillsBase<ForwardFillsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(lowerAffine(module)))
      return signalPassFailure();
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      hoistAccumulators(fn);
      bool changed = true;
      while (changed) {
        changed = false;
        SmallVector<scf::ForOp> tops(fn.getBody().front().getOps<scf::ForOp>());
        for (auto [a, b] : llvm::zip(tops, llvm::drop_begin(tops)))
          if (forward(a, b)) {
            changed = true;
            break;
          }
      }
    }
  }
};

} // namespace
