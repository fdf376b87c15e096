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

#include "LoopForms.h"
#include "LowerToCalyx.h"

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

namespace {

bool isRotatingMem(Value memref) {
  auto alloca = memref.getDefiningOp<memref::AllocaOp>();
  return alloca && alloca->hasAttr("t2c.rotating");
}

/// The loops of a perfect nest, outermost first.
SmallVector<scf::ForOp> nestLoops(scf::ForOp outer) {
  SmallVector<scf::ForOp> loops{outer};
  while (true) {
    scf::ForOp inner;
    for (Operation &op : loops.back().getBody()->without_terminator())
      if (auto f = dyn_cast<scf::ForOp>(op))
        inner = f;
    if (!inner)
      return loops;
    loops.push_back(inner);
  }
}

Value indexOf(Operation *op) {
  if (auto l = dyn_cast<memref::LoadOp>(op))
    return l.getIndices().size() == 1 ? l.getIndices()[0] : Value();
  auto s = cast<memref::StoreOp>(op);
  return s.getIndices().size() == 1 ? s.getIndices()[0] : Value();
}

Value memOf(Operation *op) {
  if (auto l = dyn_cast<memref::LoadOp>(op))
    return l.getMemref();
  return cast<memref::StoreOp>(op).getMemref();
}

/// A memory the pass may bank: an internal buffer, or an argument of the
/// function; every use is a 1-index load or store.
bool bankable(Value mem) {
  auto type = dyn_cast<MemRefType>(mem.getType());
  if (!type || type.getRank() != 1 || !type.hasStaticShape())
    return false;
  if (!isa<BlockArgument>(mem) && !mem.getDefiningOp<memref::AllocOp>())
    return false;
  for (OpOperand &use : mem.getUses()) {
    Operation *user = use.getOwner();
    if (!isa<memref::LoadOp, memref::StoreOp>(user) || !indexOf(user) ||
        memOf(user) != mem)
      return false;
  }
  return true;
}

/// An access outside the unrolled copies is served by a bank chosen at run
/// time only when the bank and offset are bit fields of the index.
bool servable(Operation *access, Banking bk, int64_t *penalty = nullptr) {
  auto range = enclosingRanges(access);
  auto form = linearForm(indexOf(access), range);
  if (form && staticBank(*form, bk, range))
    return true;
  // A bank chosen at run time costs n reads (or guarded writes): free in a
  // pipelined nest, one group each in sequential code, which would then be
  // slower than without lanes.
  bool pipelined = false;
  int64_t runs = 1;
  for (auto l = access->getParentOfType<scf::ForOp>(); l;
       l = l->getParentOfType<scf::ForOp>()) {
    pipelined |= l->hasAttr("t2c.pipeline");
    if (auto b = boundsOf(l))
      runs *= b->trips();
  }
  if (!pipelined && penalty)
    *penalty += runs * bk.n;
  // A run-time choice writes under scf.if: not inside another one (a
  // pipelined nest guards its stores by one condition).
  if (isa<memref::StoreOp>(access) && access->getParentOfType<scf::IfOp>())
    return false;
  // Nor in a nest that joins partial sums: its stores are those of a
  // reduction's last step, which the guard above kept static.
  for (auto l = access->getParentOfType<scf::ForOp>(); l;
       l = l->getParentOfType<scf::ForOp>())
    if (isa<memref::StoreOp>(access) && l->hasAttr("t2c.joins"))
      return false;
  if (form && dynamicBank(*form, bk, range) && llvm::isPowerOf2_64(bk.n))
    return true;
  return llvm::isPowerOf2_64(bk.g) && llvm::isPowerOf2_64(bk.n);
}

/// The sums a reduction nest accumulates: for each rotating store, the
/// stored `arith.addf(select(first, init, prev), p)`; empty when some
/// recurrence is not a float sum.
SmallVector<arith::AddFOp> sums(Block *body) {
  SmallVector<arith::AddFOp> out;
  bool ok = true;
  body->walk([&](memref::StoreOp st) {
    if (!isRotatingMem(st.getMemref()))
      return;
    auto add = st.getValue().getDefiningOp<arith::AddFOp>();
    arith::SelectOp sel;
    if (add)
      for (Value v : add->getOperands())
        if (auto s = v.getDefiningOp<arith::SelectOp>())
          if (auto l = s.getFalseValue().getDefiningOp<memref::LoadOp>())
            if (l.getMemref() == st.getMemref())
              sel = s;
    if (!sel)
      ok = false;
    else
      out.push_back(add);
  });
  return ok ? out : SmallVector<arith::AddFOp>{};
}

/// The first/last predicates of reduction loop `x`: `cmpi eq, x, lb|last`.
bool isBoundTest(Operation *op, Value iv, const Bounds &b) {
  auto cmp = dyn_cast<arith::CmpIOp>(op);
  if (!cmp || cmp.getPredicate() != arith::CmpIPredicate::eq ||
      cmp.getLhs() != iv)
    return false;
  APInt c;
  return matchPattern(cmp.getRhs(), m_ConstantInt(&c)) &&
         (c.getSExtValue() == b.lb || c.getSExtValue() == b.last());
}

/// Whether reduction loop `x` can be split into partial sums: it is used
/// only in indices and first/last tests, every recurrence is a float sum,
/// and what is stored on the last step depends on the lanes only through
/// the sums.
bool splittableReduction(Block *body, scf::ForOp x, const Bounds &b) {
  Value iv = x.getInductionVar();
  for (Operation *user : iv.getUsers())
    if (!isBoundTest(user, iv, b) &&
        !isa<arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::ShLIOp,
             arith::IndexCastOp, memref::LoadOp, memref::StoreOp>(user))
      return false;
  SmallVector<arith::AddFOp> acc = sums(body);
  if (acc.empty())
    return false;
  llvm::SmallPtrSet<Operation *, 32> dep;
  llvm::SmallPtrSet<Value, 8> allowed;
  for (arith::AddFOp a : acc)
    allowed.insert(a);
  for (Operation &op : body->without_terminator()) {
    if (isBoundTest(&op, iv, b))
      continue;
    bool d = false;
    for (Value v : op.getOperands())
      d |= v == iv || isRotatingMem(v) ||
           (v.getDefiningOp() && dep.count(v.getDefiningOp()));
    if (auto branch = dyn_cast<scf::IfOp>(op)) {
      bool bad = false;
      branch.walk([&](Operation *in) {
        for (Value v : in->getOperands())
          if (Operation *def = v.getDefiningOp())
            bad |= !branch->isAncestor(def) && dep.count(def) && !allowed.count(v);
      });
      if (bad)
        return false;
      continue;
    }
    if (d)
      dep.insert(&op);
  }
  return true;
}

/// The store of a split reduction's totals: the one `scf.if` of the body
/// (the last step), or null.
scf::IfOp lastStep(Block *body) {
  scf::IfOp found;
  for (Operation &op : body->without_terminator())
    if (auto branch = dyn_cast<scf::IfOp>(op)) {
      if (found)
        return {};
      found = branch;
    }
  return found;
}

/// The ops of the nest at `nest` outside `branch` that the ops inside it
/// use, transitively, stopping at the sums `acc`, in program order: what a
/// combining nest after the stream must recompute to run `branch`'s ops
/// once per output. Nullopt when one of them depends on a counter of
/// `reductionIvs` or a rotating buffer (only the sums may carry the
/// reduction) or is not a load or combinational op.
std::optional<SmallVector<Operation *>>
postSlice(Operation *nest, scf::IfOp branch, ArrayRef<arith::AddFOp> acc,
          ArrayRef<Value> reductionIvs) {
  llvm::SmallPtrSet<Operation *, 16> need;
  SmallVector<Value> work;
  branch.getThenRegion().walk([&](Operation *in) {
    for (Value v : in->getOperands())
      work.push_back(v);
  });
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (llvm::is_contained(reductionIvs, v) || isRotatingMem(v))
      return std::nullopt;
    Operation *def = v.getDefiningOp();
    if (!def || !nest->isAncestor(def) || branch->isAncestor(def))
      continue;
    if (llvm::any_of(acc, [&](arith::AddFOp a) { return a == def; }))
      continue;
    if (!isa<memref::LoadOp>(def) && !isCombinationalOp(def))
      return std::nullopt;
    if (need.insert(def).second)
      for (Value o : def->getOperands())
        work.push_back(o);
  }
  SmallVector<Operation *> ordered;
  nest->walk([&](Operation *op) {
    if (need.count(op))
      ordered.push_back(op);
  });
  return ordered;
}

/// The loops of `loops` that are not reductions (their iterations are the
/// outputs of a reduction nest).
SmallVector<scf::ForOp> outputLoops(ArrayRef<scf::ForOp> loops) {
  SmallVector<scf::ForOp> out;
  for (scf::ForOp l : loops)
    if (!l->hasAttr("t2c.reduction"))
      out.push_back(l);
  return out;
}

/// Whether the partial sums of a split reduction can be joined after the
/// stream, in a nest of their own over the outputs (see combine()).
bool combinable(ArrayRef<scf::ForOp> loops) {
  Block *body = scf::ForOp(loops.back()).getBody();
  scf::IfOp branch = lastStep(body);
  if (!branch || branch.getNumResults() != 0)
    return false;
  SmallVector<Value> redIvs;
  for (scf::ForOp l : loops) {
    if (l->hasAttr("t2c.reduction"))
      redIvs.push_back(l.getInductionVar());
    else if (!boundsOf(l))
      return false;
  }
  return postSlice(loops.front(), branch, sums(body), redIvs).has_value();
}

/// How many times more lanes a split reduction must give than the output
/// loops do to be worth its adder tree.
constexpr int64_t kTreeGain = 4;

struct Choice {
  scf::ForOp loop;
  int64_t n = 1;
  /// Lanes take granules of `granule` neighbouring iterations (a new
  /// innermost loop walks the granule).
  int64_t granule = 1;
  int64_t argCopies = 0;
  SmallVector<std::pair<Value, Banking>> banks;
};

struct Planner {
  func::FuncOp fn;
  /// Memories of user-visible arguments (inputs/outputs) cost a copy.
  std::function<bool(Value)> isUserArg;
  DenseMap<Value, Banking> decided;

  /// Whether splitting `x` by `n` gives every copy its own bank; fills
  /// `choice` with the memories to bank.
  bool evaluate(ArrayRef<scf::ForOp> loops, scf::ForOp x, int64_t n,
                int64_t gs, Choice &choice) {
    auto bx = boundsOf(x);
    if (!bx || bx->trips() % (n * gs) != 0)
      return false;
    Block *body = scf::ForOp(loops.back()).getBody();
    auto range = enclosingRanges(&body->front());
    auto primed = range;
    primed[x.getInductionVar()] = Bounds{0, bx->trips() / (n * gs), 1};
    // The granule counter does not exist yet: the upper bound value of x
    // stands for it in the forms below (no index is computed from it).
    Value rv = x.getUpperBound();
    primed[rv] = Bounds{0, gs, 1};
    void *xkey = x.getInductionVar().getAsOpaquePointer();
    bool rotating = false;
    DenseMap<Value, Banking> wanted;
    SmallVector<Operation *> independent;
    int64_t penalty = 0;
    bool ok = true;
    body->walk([&](Operation *op) {
      if (!ok || !isa<memref::LoadOp, memref::StoreOp>(op))
        return;
      Value mem = memOf(op);
      if (isRotatingMem(mem)) {
        rotating = true;
        // Splitting the interleaving loop deals its partial sums to the
        // lanes: the buffer must be indexed by that loop alone.
        if (x->hasAttr("t2c.interleave") && indexOf(op) != x.getInductionVar())
          ok = false;
        return;
      }
      auto form = linearForm(indexOf(op), range);
      if (!form) {
        ok = false;
        return;
      }
      int64_t a = form->count(xkey) ? (*form)[xkey] * bx->step : 0;
      if (a == 0) {
        independent.push_back(op);
        return;
      }
      if (a < 0 || !bankable(mem)) {
        ok = false;
        return;
      }
      Banking bk{n, a * gs};
      auto it = wanted.find(mem);
      if ((it != wanted.end() && !(it->second == bk)) ||
          (decided.count(mem) && !(decided[mem] == bk))) {
        ok = false;
        return;
      }
      wanted[mem] = bk;
      // x = lb + step * ((x' * n + lane) * gs + r): each lane's bank must
      // be static, and the lanes' banks distinct.
      LinearForm f = *form;
      f[nullptr] += (*form)[xkey] * bx->lb;
      f[xkey] = a * n * gs;
      if (gs > 1)
        f[rv.getAsOpaquePointer()] = a;
      llvm::SmallDenseSet<int64_t> seen;
      for (int64_t lane = 0; lane < n && ok; ++lane) {
        LinearForm fl = f;
        fl[nullptr] += a * gs * lane;
        auto sb = staticBank(fl, bk, primed);
        ok = sb && seen.insert(sb->bank).second;
      }
    });
    if (!ok || (rotating && gs > 1))
      return false;
    // Each lane keeps at least two interleaved sums (the adder's latency).
    if (x->hasAttr("t2c.interleave") && bx->trips() / n < 2)
      return false;
    if (x->hasAttr("t2c.reduction") &&
        (gs > 1 || !splittableReduction(body, x, *bx)))
      return false;
    // Lane-independent accesses of banked memories are read by all lanes
    // at once: a run-time bank choice, one read of each bank.
    for (Operation *op : independent) {
      Value mem = memOf(op);
      std::optional<Banking> bk;
      if (auto it = wanted.find(mem); it != wanted.end())
        bk = it->second;
      else if (auto it = decided.find(mem); it != decided.end())
        bk = it->second;
      if (bk && (isa<memref::StoreOp>(op) || !servable(op, *bk)))
        return false;
    }
    // Newly banked memories: every access elsewhere must still be served.
    choice = Choice{x, n, gs, 0, {}};
    for (auto &[mem, bk] : wanted) {
      if (decided.count(mem))
        continue;
      int64_t size = cast<MemRefType>(mem.getType()).getNumElements();
      if (isUserArg(mem)) {
        if (size % (bk.g * bk.n) != 0)
          return false;
        ++choice.argCopies;
      }
      for (Operation *user : mem.getUsers())
        if (!body->getParentOp()->isAncestor(user) &&
            !servable(user, bk, &penalty))
          return false;
      choice.banks.push_back({mem, bk});
    }
    // The lanes must save more cycles than run-time bank choices in
    // sequential code cost (about n cycles each).
    int64_t iterations = 1;
    for (scf::ForOp l : loops)
      if (auto b = boundsOf(l))
        iterations *= b->trips();
    return iterations - iterations / n > penalty;
  }
};

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

/// Splits `x` by `n` and replicates the innermost body: lane `l` computes
/// the iteration x = lb + step * (x' * n + l).
void unroll(ArrayRef<scf::ForOp> loops, scf::ForOp x, int64_t n, int64_t gs) {
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
  x.setUpperBound(cidx(ob, bx.trips() / (n * gs)));
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
      int64_t to = c.getSExtValue() == bx.lb ? 0 : bx.trips() / n - 1;
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
  for (int64_t lane = 0; lane < n; ++lane) {
    Value pos = arith::AddIOp::create(
        bb, loc, arith::MulIOp::create(bb, loc, iv, cidx(bb, n)), cidx(bb, lane));
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
  if (bx.trips() == n * gs && loops.size() > 1) {
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
}

/// Whether a nest computes with float units (add, subtract, multiply,
/// divide, math functions) rather than only comparing, selecting and
/// copying (ReLU, max-pool, rearrangements).
bool usesFloatUnits(scf::ForOp outer) {
  return outer
      ->walk([](Operation *op) {
        if (isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp>(
                op) ||
            op->getDialect()->getNamespace() == "math")
          return WalkResult::interrupt();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

/// The iterations of the nest at `outer` (1 per loop of unknown bounds).
int64_t iterationsOf(scf::ForOp outer) {
  int64_t iterations = 1;
  for (scf::ForOp l : nestLoops(outer))
    if (auto b = boundsOf(l))
      iterations *= b->trips();
  return iterations;
}

/// A nest without float units takes lanes only when it runs at least this
/// fraction of the longest arithmetic nest's time on its lanes: shorter,
/// its lanes would add banks, bank logic and copies of its compares for
/// little time.
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
        if (usesFloatUnits(outer))
          longest = std::max(longest,
                             iterationsOf(outer) / req->lanesFor(outer));
      for (scf::ForOp outer : nests) {
        if (!req->named(outer) && !usesFloatUnits(outer) &&
            iterationsOf(outer) * kLightShare <= longest)
          continue;
        SmallVector<scf::ForOp> loops = nestLoops(outer);
        // The most lanes over output loops, and over reduction loops.
        auto search = [&](bool reduction) {
          Choice best;
          for (int64_t n = req->lanesFor(outer); n >= 2 && !best.loop; n /= 2)
            for (scf::ForOp x : loops) {
              if (x->hasAttr("t2c.reduction") != reduction)
                continue;
              for (int64_t gs = 1; gs <= 64; gs *= 2) {
                Choice c;
                if (plan.evaluate(loops, x, n, gs, c) &&
                    (!best.loop || c.argCopies < best.argCopies))
                  best = c;
              }
            }
          return best;
        };
        // Output lanes first. Partial sums of a reduction cost an adder
        // tree (n - 1 more adders per sum, used once per output): only
        // when the output loops give no lanes, or the split at least
        // kTreeGain times theirs.
        Choice best = search(false);
        if (!best.loop || best.n * kTreeGain <= req->lanesFor(outer)) {
          Choice split = search(true);
          if (split.loop && (!best.loop || split.n >= kTreeGain * best.n))
            best = split;
        }
        if (!best.loop)
          continue;
        for (auto &[mem, bk] : best.banks) {
          plan.decided[mem] = bk;
          setBanking(mem, bk);
        }
        unroll(loops, best.loop, best.n, best.granule);
      }
    }
  }
};

} // namespace
