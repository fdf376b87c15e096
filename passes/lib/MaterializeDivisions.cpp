//===- MaterializeDivisions.cpp - compute repeated divisions once ---------===//
//
// Implements materialize-divisions: a division inside a loop nest whose
// operands do not depend on every enclosing loop is computed once per value
// of the loops it depends on, into a buffer filled by a nest of its own in
// front of the original nest, which then loads the quotient.
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
#define GEN_PASS_DEF_MATERIALIZEDIVISIONS
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;

namespace {

/// The ops (inside `top`) computing `v`, in program order, and the
/// induction variables of `top`'s nest they read; false when `v` depends on
/// anything but loads, combinational ops and values defined outside `top`.
bool slice(Value v, scf::ForOp top, SetVector<Operation *> &ops,
           SetVector<Value> &ivs) {
  if (!top->isAncestor(v.getParentBlock()->getParentOp()))
    return true;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
    if (!loop || arg != loop.getInductionVar())
      return false;
    ivs.insert(v);
    return true;
  }
  Operation *def = v.getDefiningOp();
  if (!isa<memref::LoadOp>(def) && !isCombinationalOp(def))
    return false;
  for (Value operand : def->getOperands())
    if (!slice(operand, top, ops, ivs))
      return false;
  ops.insert(def);
  return true;
}

/// Moves one division of the nest at `top` into a buffer; true if it did.
bool materializeOne(scf::ForOp top) {
  bool done = false;
  top.walk([&](arith::DivFOp div) {
    if (done)
      return;
    SmallVector<scf::ForOp> enclosing;
    for (Operation *p = div->getParentOp(); p; p = p->getParentOp()) {
      if (auto f = dyn_cast<scf::ForOp>(p))
        enclosing.insert(enclosing.begin(), f);
      if (p == top)
        break;
    }
    SetVector<Operation *> ops;
    SetVector<Value> ivs;
    if (!slice(div.getLhs(), top, ops, ivs) || !slice(div.getRhs(), top, ops, ivs))
      return;
    // Worth it only when some enclosing loop (more than one trip) is not
    // read; every loop must be normalized (0 to N step 1).
    SmallVector<scf::ForOp> used;
    bool skipsOne = false;
    for (scf::ForOp l : enclosing) {
      auto lb = getConstantIntValue(l.getLowerBound());
      auto ub = getConstantIntValue(l.getUpperBound());
      auto st = getConstantIntValue(l.getStep());
      if (!lb || !ub || !st || *lb != 0 || *st != 1)
        return;
      if (ivs.contains(l.getInductionVar()))
        used.push_back(l);
      else if (*ub > 1)
        skipsOne = true;
    }
    if (!skipsOne)
      return;
    // The memories read must not be written by the nest.
    for (Operation *op : ops)
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        bool written = false;
        top.walk([&](memref::StoreOp s) {
          written |= s.getMemref() == load.getMemref();
        });
        if (written)
          return;
      }
    int64_t size = 1;
    for (scf::ForOp l : used)
      size *= *getConstantIntValue(l.getUpperBound());
    OpBuilder b(top);
    Location loc = div.getLoc();
    auto buf = memref::AllocOp::create(
        b, loc, MemRefType::get({size}, div.getType()));
    // The filling nest: the used loops, the slice, the division, a store.
    IRMapping map;
    auto index = [&](OpBuilder &ib, auto lookup) {
      Value idx = arith::ConstantIndexOp::create(ib, loc, 0);
      for (scf::ForOp l : used) {
        Value n = arith::ConstantIndexOp::create(
            ib, loc, *getConstantIntValue(l.getUpperBound()));
        idx = arith::AddIOp::create(ib, loc, arith::MulIOp::create(ib, loc, idx, n),
                                    lookup(l.getInductionVar()));
      }
      return idx;
    };
    for (scf::ForOp l : used) {
      auto loop = scf::ForOp::create(
          b, loc, arith::ConstantIndexOp::create(b, loc, 0),
          arith::ConstantIndexOp::create(b, loc, *getConstantIntValue(l.getUpperBound())),
          arith::ConstantIndexOp::create(b, loc, 1));
      map.map(l.getInductionVar(), loop.getInductionVar());
      b.setInsertionPointToStart(loop.getBody());
    }
    for (Operation *op : ops)
      b.clone(*op, map);
    Value q = arith::DivFOp::create(b, loc, map.lookupOrDefault(div.getLhs()),
                                    map.lookupOrDefault(div.getRhs()));
    Value at = index(b, [&](Value iv) { return map.lookup(iv); });
    memref::StoreOp::create(b, loc, q, buf, ValueRange{at});
    // The original nest loads the quotient.
    OpBuilder ib(div);
    Value from = index(ib, [](Value iv) { return iv; });
    Value loaded = memref::LoadOp::create(ib, loc, buf, ValueRange{from});
    div.getResult().replaceAllUsesWith(loaded);
    div.erase();
    done = true;
  });
  return done;
}

struct MaterializeDivisionsPass
    : torch2calyx::impl::MaterializeDivisionsBase<MaterializeDivisionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(lowerAffine(module)))
      return signalPassFailure();
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      hoistAccumulators(fn);
      SmallVector<scf::ForOp> tops(fn.getBody().front().getOps<scf::ForOp>());
      for (scf::ForOp top : tops)
        while (materializeOne(top)) {
        }
    }
  }
};

} // namespace
