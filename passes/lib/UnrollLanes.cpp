//===- UnrollLanes.cpp - unroll pipelined nests into parallel lanes -------===//
//
// Implements unroll-lanes: in each loop nest marked `t2c.pipeline`, one
// parallel loop is split by the lane count N and its N neighbouring
// iterations become N copies of the body, which lower-to-calyx schedules in
// the same cycles on their own units. The memories the copies index are
// marked `t2c.banks = [N, g]` (cyclic banking, granule g) so that every
// copy reaches its own bank; bank-memories splits them (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "LowerToCalyx.h"
#include "UnrollLanes.h"

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"

namespace torch2calyx {
#define GEN_PASS_DEF_UNROLLLANES
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;
using namespace torch2calyx::lanes;

namespace {


/// The nest that joins a split reduction's partial sums after the stream:
/// over the output loops `outs` (the same bounds), it reads the n partial
/// sums of each output from `parts`, adds them in a tree (n - 1 adds, which
/// lower-to-calyx gives units this nest shares with the lanes of the nests
/// before it) and runs the ops of the last step `branch` on the totals.
template <typename IndexFn>
void combine(ArrayRef<scf::ForOp> loops, ArrayRef<scf::ForOp> outs,
             scf::IfOp branch, ArrayRef<arith::AddFOp> acc,
             ArrayRef<Value> parts, int64_t n, IndexFn outputIndex) {
  SmallVector<Value> redIvs;
  for (scf::ForOp l : loops)
    if (l->hasAttr("t2c.reduction"))
      redIvs.push_back(l.getInductionVar());
  std::optional<SmallVector<Operation *>> slice =
      postSlice(loops.front(), branch, acc, redIvs);
  OpBuilder cb(branch.getContext());
  cb.setInsertionPointAfter(loops.front());
  Location loc = branch.getLoc();
  auto cidx = [&](int64_t v) {
    return arith::ConstantIndexOp::create(cb, loc, v).getResult();
  };
  IRMapping cm;
  SmallVector<Value> ivs;
  scf::ForOp first;
  for (scf::ForOp l : outs) {
    Bounds b = *boundsOf(l);
    auto loop = scf::ForOp::create(cb, l.getLoc(), cidx(b.lb), cidx(b.ub),
                                   cidx(b.step));
    if (!first)
      first = loop;
    cm.map(l.getInductionVar(), loop.getInductionVar());
    ivs.push_back(loop.getInductionVar());
    cb.setInsertionPointToStart(loop.getBody());
  }
  for (Operation *op : *slice)
    cb.clone(*op, cm);
  Value o = outputIndex(cb, ivs).first;
  for (auto [sum, part] : llvm::zip(acc, parts)) {
    arith::AddFOp a = sum;
    SmallVector<Value> level;
    for (int64_t l = 0; l < n; ++l)
      level.push_back(memref::LoadOp::create(
          cb, loc, part,
          ValueRange{arith::AddIOp::create(cb, loc, o, cidx(l)).getResult()}));
    while (level.size() > 1) {
      SmallVector<Value> next;
      for (size_t i = 0; i + 1 < level.size(); i += 2)
        next.push_back(arith::AddFOp::create(cb, a.getLoc(), level[i], level[i + 1]));
      level = next;
    }
    cm.map(a.getResult(), level.front());
  }
  for (Operation &op : branch.getThenRegion().front().without_terminator())
    cb.clone(op, cm);
  if (first) {
    first->setAttr("t2c.pipeline", cb.getUnitAttr());
    first->setAttr("t2c.joins", cb.getUnitAttr());
  }
}

/// Disables `copy`, an op of a padded lane, when `valid` is false: a store
/// (but to a rotating buffer, the lane's own) goes under `scf.if valid`; an
/// `scf.if` gets `valid` in its condition; a sum of `acc` adds -0.0 instead
/// of its term.
void disable(Operation *copy, Value valid, ArrayRef<arith::AddFOp> acc,
             const llvm::SmallPtrSetImpl<Operation *> &firstSelects) {
  OpBuilder b(copy);
  Location loc = copy->getLoc();
  if (auto store = dyn_cast<memref::StoreOp>(copy)) {
    if (isRotatingMem(store.getMemref()))
      return;
    auto guard = scf::IfOp::create(b, loc, valid, /*withElse=*/false);
    store->moveBefore(guard.getThenRegion().front().getTerminator());
    return;
  }
  if (auto branch = dyn_cast<scf::IfOp>(copy)) {
    branch.getConditionMutable().assign(
        arith::AndIOp::create(b, loc, branch.getCondition(), valid));
    return;
  }
  auto add = dyn_cast<arith::AddFOp>(copy);
  if (!add || acc.empty())
    return;
  for (OpOperand &term : add->getOpOperands()) {
    Operation *def = term.get().getDefiningOp();
    if (def && isa<arith::SelectOp>(def) &&
        isRotatingMem(cast<arith::SelectOp>(def).getFalseValue().getDefiningOp<memref::LoadOp>()
                          ? cast<arith::SelectOp>(def)
                                .getFalseValue()
                                .getDefiningOp<memref::LoadOp>()
                                .getMemref()
                          : Value()))
      continue;
    auto ft = cast<FloatType>(add.getType());
    Value negZero = arith::ConstantOp::create(
        b, loc, FloatAttr::get(ft, APFloat::getZero(ft.getFloatSemantics(), true)));
    term.set(arith::SelectOp::create(b, loc, valid, term.get(), negZero));
    return;
  }
}

/// Splits `x` by `n` and replicates the innermost body: lane `l` computes
/// the iteration x = lb + step * (x' * n + l). With `padTo` (a multiple of
/// n above the trip count T), x' runs padTo / n times and the lanes whose
/// x' * n + l is T or more are disabled: their stores are guarded, and in a
/// split reduction they add -0.0 (the sum's identity).
void unroll(ArrayRef<scf::ForOp> loops, scf::ForOp x, int64_t n, int64_t gs,
            int64_t padTo) {
  Block *body = scf::ForOp(loops.back()).getBody();
  // Ops of outer levels move into the innermost body (they are
  // combinational and depend on outer counters only), so that those on the
  // split counter are copied per lane.
  SmallVector<Operation *> outerOps;
  for (scf::ForOp l : loops.drop_back())
    for (Operation &op : l.getBody()->without_terminator()) {
      if (isa<scf::ForOp>(op))
        break;
      if (!isa<arith::ConstantOp>(op)) // constants may bound inner loops
        outerOps.push_back(&op);
    }
  for (Operation *op : llvm::reverse(outerOps))
    op->moveBefore(&body->front());

  Bounds bx = *boundsOf(x);
  OpBuilder ob(scf::ForOp(loops.front()));
  Location loc = x.getLoc();
  auto cidx = [&](OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  x.setLowerBound(cidx(ob, 0));
  int64_t blocks = padTo ? padTo / n : bx.trips() / (n * gs);
  x.setUpperBound(cidx(ob, blocks));
  x.setStep(cidx(ob, 1));
  // The granule loop goes innermost, around the body.
  Value r;
  if (gs > 1) {
    OpBuilder gb(body->getTerminator());
    auto inner = scf::ForOp::create(gb, loc, cidx(ob, 0), cidx(ob, gs), cidx(ob, 1));
    Block *ib = inner.getBody();
    while (&body->front() != inner.getOperation())
      body->front().moveBefore(ib->getTerminator());
    body = ib;
    r = inner.getInductionVar();
  }

  // Splitting a reduction: lane l sums the iterations x' * n + l; the
  // first/last tests move to x', lanes after the first start from -0.0 (the
  // sum's identity), and the partial sums meet in an adder tree before the
  // last step's stores.
  bool partial = x->hasAttr("t2c.reduction");
  // The partial sums are joined after the stream, by a nest of its own
  // whose adders are the lanes' (see combine()), when the last step's ops
  // can run there; else by an adder tree in the nest.
  bool joinAfter = partial && combinable(loops);
  scf::IfOp lastBranch = joinAfter ? lastStep(body) : scf::IfOp();
  llvm::SmallPtrSet<Operation *, 4> kept;
  SmallVector<arith::AddFOp> acc;
  llvm::SmallPtrSet<Operation *, 4> firstSelects;
  if (partial) {
    acc = sums(body);
    for (arith::AddFOp a : acc)
      for (Value v : a->getOperands())
        if (auto sel = v.getDefiningOp<arith::SelectOp>())
          if (isRotatingMem(sel.getFalseValue()
                                .getDefiningOp<memref::LoadOp>()
                                ? sel.getFalseValue()
                                      .getDefiningOp<memref::LoadOp>()
                                      .getMemref()
                                : Value()))
            firstSelects.insert(sel);
    Value iv = x.getInductionVar();
    for (Operation *user : llvm::to_vector(iv.getUsers())) {
      if (!isBoundTest(user, iv, bx))
        continue;
      auto cmp = cast<arith::CmpIOp>(user);
      APInt c;
      matchPattern(cmp.getRhs(), m_ConstantInt(&c));
      int64_t to = c.getSExtValue() == bx.lb ? 0 : blocks - 1;
      OpBuilder pb(&body->front());
      auto test = arith::CmpIOp::create(pb, loc, arith::CmpIPredicate::eq, iv,
                                        cidx(ob, to));
      cmp->replaceAllUsesWith(test);
      cmp->erase();
      kept.insert(test);
    }
  }

  SmallVector<Operation *> orig;
  for (Operation &op : body->without_terminator())
    if (!kept.count(&op))
      orig.push_back(&op);
  // Each lane has its own rotating buffers.
  SmallVector<IRMapping> maps(n);
  OpBuilder bb(body->getTerminator());
  Value iv = x.getInductionVar();
  // Whether lane l's iteration is a real one (null: always, unpadded or a
  // lane below T mod n).
  SmallVector<Value> valid(n);
  for (int64_t lane = 0; lane < n; ++lane) {
    Value pos = arith::AddIOp::create(
        bb, loc, arith::MulIOp::create(bb, loc, iv, cidx(bb, n)), cidx(bb, lane));
    if (padTo && lane >= bx.trips() % n)
      valid[lane] = arith::CmpIOp::create(bb, loc, arith::CmpIPredicate::ult,
                                          pos, cidx(bb, bx.trips()));
    if (r)
      pos = arith::AddIOp::create(
          bb, loc, arith::MulIOp::create(bb, loc, pos, cidx(bb, gs)), r);
    Value val = arith::AddIOp::create(
        bb, loc, cidx(bb, bx.lb), arith::MulIOp::create(bb, loc, pos, cidx(bb, bx.step)));
    maps[lane].map(iv, val);
  }
  // Splitting the interleaving loop: lane l keeps the partial sums of
  // x' * n + l, in a buffer of its own indexed by x'.
  bool dealt = x->hasAttr("t2c.interleave");
  auto laneBuffer = [&](Value rot) -> Value {
    OpBuilder ab(rot.getDefiningOp());
    Operation *copy = ab.clone(*rot.getDefiningOp());
    if (dealt) {
      auto type = cast<MemRefType>(rot.getType());
      copy->getResult(0).setType(
          MemRefType::get({bx.trips() / n}, type.getElementType()));
    }
    return copy->getResult(0);
  };
  llvm::SmallPtrSet<Operation *, 16> perLane;
  for (Operation *op : orig) {
    bool lane = (op->getNumRegions() != 0 && !partial) || isa<memref::StoreOp>(op);
    for (Value v : op->getOperands()) {
      if (v == iv || isRotatingMem(v) ||
          (v.getDefiningOp() && perLane.count(v.getDefiningOp())))
        lane = true;
      if (lane && isRotatingMem(v) && !maps[1].contains(v))
        for (int64_t l = dealt ? 0 : 1; l < n; ++l)
          maps[l].map(v, laneBuffer(v));
    }
    if (lane)
      perLane.insert(op);
  }
  // Joining after the stream: lane l's partial sum of output o goes to
  // part[o * n + l] (bank l of n).
  SmallVector<scf::ForOp> outs = outputLoops(loops);
  SmallVector<Value> parts;
  auto outputIndex = [&](OpBuilder &b, ArrayRef<Value> ivs) {
    Value o = cidx(b, 0);
    int64_t stride = 1;
    for (int64_t k = outs.size() - 1; k >= 0; --k) {
      Value term = arith::MulIOp::create(b, loc, ivs[k], cidx(b, stride * n));
      o = arith::AddIOp::create(b, loc, o, term);
      stride *= boundsOf(outs[k])->ub;
    }
    return std::make_pair(o, stride);
  };
  if (joinAfter) {
    SmallVector<Value> ivs;
    for (scf::ForOp l : outs)
      ivs.push_back(l.getInductionVar());
    int64_t count = 1;
    for (scf::ForOp l : outs)
      count *= boundsOf(l)->ub;
    for (arith::AddFOp a : acc) {
      auto part = memref::AllocOp::create(
          ob, loc, MemRefType::get({count * n}, a.getType()));
      setBanking(part, Banking{n, 1});
      parts.push_back(part);
    }
  }
  for (Operation *op : orig) {
    if (joinAfter && op == lastBranch.getOperation()) {
      auto store = scf::IfOp::create(
          bb, loc, maps[0].lookupOrDefault(lastBranch.getCondition()),
          /*withElse=*/false);
      OpBuilder sb = OpBuilder::atBlockBegin(&store.getThenRegion().front());
      SmallVector<Value> ivs;
      for (scf::ForOp l : outs)
        ivs.push_back(l.getInductionVar());
      Value o = outputIndex(sb, ivs).first;
      for (auto [a, part] : llvm::zip(acc, parts))
        for (int64_t l = 0; l < n; ++l)
          memref::StoreOp::create(
              sb, loc, maps[l].lookup(arith::AddFOp(a).getResult()), part,
              ValueRange{arith::AddIOp::create(sb, loc, o, cidx(sb, l))});
      continue;
    }
    if (partial && isa<scf::IfOp>(op)) {
      // The last step stores the total of the lanes' partial sums.
      IRMapping total = maps[0];
      for (arith::AddFOp a : acc) {
        SmallVector<Value> level;
        for (int64_t l = 0; l < n; ++l)
          level.push_back(maps[l].lookup(a.getResult()));
        while (level.size() > 1) {
          SmallVector<Value> next;
          for (size_t i = 0; i + 1 < level.size(); i += 2)
            next.push_back(arith::AddFOp::create(bb, loc, level[i], level[i + 1]));
          level = next;
        }
        total.map(a.getResult(), level.front());
      }
      bb.clone(*op, total);
      continue;
    }
    if (!perLane.count(op)) {
      Operation *once = bb.clone(*op, maps[0]);
      for (int64_t l = 1; l < n; ++l)
        maps[l].map(op->getResults(), once->getResults());
      maps[0].map(op->getResults(), once->getResults());
      continue;
    }
    for (int64_t l = 0; l < n; ++l) {
      Operation *copy = bb.clone(*op, maps[l]);
      if (valid[l])
        disable(copy, valid[l], acc, firstSelects);
      if (l > 0 && firstSelects.count(op)) {
        auto sel = cast<arith::SelectOp>(copy);
        auto ft = cast<FloatType>(sel.getType());
        OpBuilder zb(scf::ForOp(loops.front()));
        sel.setOperand(1, arith::ConstantOp::create(
                              zb, loc, FloatAttr::get(ft, APFloat::getZero(
                                                              ft.getFloatSemantics(),
                                                              /*Negative=*/true))));
      }
      if (dealt && isa<memref::LoadOp, memref::StoreOp>(copy) &&
          isRotatingMem(memOf(copy)))
        copy->setOperand(isa<memref::LoadOp>(copy) ? 1 : 2, iv);
    }
  }
  if (joinAfter)
    combine(loops, outs, lastBranch, acc, parts, n, outputIndex);
  for (Operation *op : llvm::reverse(orig))
    op->erase();
  // A split loop of one block is dissolved here, keeping the nest's marks
  // (canonicalize would drop them with the loop).
  scf::ForOp outer = loops.front();
  if (blocks == 1 && loops.size() > 1) {
    scf::ForOp next = x == outer ? scf::ForOp(loops[1]) : outer;
    if (x == outer)
      for (NamedAttribute attr : outer->getDiscardableAttrs())
        next->setAttr(attr.getName(), attr.getValue());
    Value zero = cidx(ob, 0);
    x.getInductionVar().replaceAllUsesWith(zero);
    Block *xb = x.getBody();
    while (!isa<scf::YieldOp>(xb->front()))
      xb->front().moveBefore(x);
    x.erase();
    outer = next;
  }
  outer->setAttr("t2c.lanes", ob.getI64IntegerAttr(n));
  if (padTo)
    outer->setAttr("t2c.padded", ob.getDenseI64ArrayAttr({bx.trips(), padTo}));
}

/// The pipelined units one lane of a nest uses (float add/subtract,
/// multiply, divide/square root, conversions, integer multiplies), counted
/// per kind and type.
llvm::StringMap<int64_t> unitsOf(scf::ForOp outer) {
  llvm::StringMap<int64_t> units;
  outer->walk([&](Operation *op) {
    if (!hasPipelinedUnit(op))
      return;
    std::string key = isa<arith::SubFOp>(op)
                          ? std::string("arith.addf")
                          : op->getName().getStringRef().str();
    llvm::raw_string_ostream os(key);
    os << ' ' << op->getOperand(0).getType() << ' '
       << op->getResult(0).getType();
    ++units[key];
  });
  return units;
}

/// A short nest, one that runs at most this fraction of the longest
/// arithmetic nest's time on its lanes, takes lanes only when it computes
/// and its lanes fit on the units the longer nests have anyway (a bias add
/// after a matmul). Otherwise its lanes would add banks, bank logic and
/// copies of its compares (a ReLU, a max-pool, a rearrangement) or units of
/// their own (a softmax's exponential polynomial or division: a pipelined
/// f32 divider is about 2,400 LUTs) for little time.
constexpr int64_t kLightShare = 8;

struct UnrollLanesPass : torch2calyx::impl::UnrollLanesBase<UnrollLanesPass> {
  using UnrollLanesBase::UnrollLanesBase;

  void runOnOperation() override {
    FailureOr<LaneRequests> req =
        parseLaneRequests(lanes, layerLanes, getOperation(), "unroll-lanes");
    if (failed(req))
      return signalPassFailure();
    if (req->most() == 1)
      return;
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      // Weights are split into banks; other arguments are copied into them.
      Planner plan{fn, [](Value mem) {
                     return isa<BlockArgument>(mem) && !isWeight(mem);
                   }, {}};
      SmallVector<scf::ForOp> nests;
      fn.walk([&](scf::ForOp f) {
        if (f->hasAttr("t2c.pipeline"))
          nests.push_back(f);
      });
      int64_t longest = 0;
      for (scf::ForOp outer : nests)
        if (!unitsOf(outer).empty())
          longest = std::max(longest,
                             iterationsOf(outer) / req->lanesFor(outer));
      auto isShort = [&](scf::ForOp outer) {
        return iterationsOf(outer) * kLightShare <= longest;
      };
      // The units of the nests that are not short, on their lanes.
      llvm::StringMap<int64_t> present;
      for (scf::ForOp outer : nests)
        if (!isShort(outer))
          for (auto &kind : unitsOf(outer)) {
            int64_t &n = present[kind.getKey()];
            n = std::max(n, kind.getValue() * req->lanesFor(outer));
          }
      auto fitsPresentUnits = [&](scf::ForOp outer) {
        llvm::StringMap<int64_t> units = unitsOf(outer);
        return !units.empty() && llvm::all_of(units, [&](auto &kind) {
          return kind.getValue() * req->lanesFor(outer) <=
                 present.lookup(kind.getKey());
        });
      };
      for (scf::ForOp outer : nests) {
        if (!req->named(outer) && isShort(outer) && !fitsPresentUnits(outer))
          continue;
        SmallVector<scf::ForOp> loops = nestLoops(outer);
        Choice best = plan.choose(loops, req->lanesFor(outer));
        if (!best.loop)
          continue;
        for (auto &[mem, bk] : best.banks) {
          if (auto it = plan.decided.find(mem); it != plan.decided.end())
            bk.minBank = std::max(bk.minBank, it->second.minBank);
          plan.decided[mem] = bk;
          setBanking(mem, bk);
        }
        unroll(loops, best.loop, best.n, best.granule, best.padTo);
      }
    }
  }
};

} // namespace
