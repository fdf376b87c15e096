//===- UnrollLanesPlan.cpp - unroll-lanes: choosing the split -------------===//
//
// The analyses of unroll-lanes: which loop of a pipelined nest to split,
// into how many lanes, with which banking of the memories the lanes index,
// and whether to pad the loop to a multiple of the lane count (a simple
// cost model: iterations per lane, padded ones included, against the
// fewer lanes a divisor of the trip count gives). See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "UnrollLanes.h"
#include "LowerToCalyx.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;

namespace torch2calyx::lanes {


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

int64_t iterationsOf(scf::ForOp outer) {
  int64_t iterations = 1;
  for (scf::ForOp l : nestLoops(outer))
    if (auto b = boundsOf(l))
      iterations *= b->trips();
  return iterations;
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
static bool bankable(Value mem) {
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
static bool servable(Operation *access, Banking bk, int64_t *penalty = nullptr) {
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
static bool splittableReduction(Block *body, scf::ForOp x, const Bounds &b) {
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

bool Planner::evaluate(ArrayRef<scf::ForOp> loops, scf::ForOp x, int64_t n,
                       int64_t gs, bool pad, Choice &choice) {
  auto bx = boundsOf(x);
  if (!bx)
    return false;
  // Padding: the loop runs ceil(T / n) * n iterations, the lanes past T
  // disabled (one granule per lane; not the interleaving loop, whose
  // partial sums the lanes' buffers deal).
  if (pad && (gs > 1 || bx->trips() % n == 0 || x->hasAttr("t2c.interleave")))
    return false;
  if (!pad && bx->trips() % (n * gs) != 0)
    return false;
  int64_t blocks = (bx->trips() + n * gs - 1) / (n * gs);
  Block *body = scf::ForOp(loops.back()).getBody();
  auto range = enclosingRanges(&body->front());
  auto primed = range;
  primed[x.getInductionVar()] = Bounds{0, blocks, 1};
  // The largest index each memory is reached at, padded lanes included.
  DenseMap<Value, int64_t> reach;
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
      int64_t &top = reach[mem];
      top = std::max(top, formSpan(fl, primed).second);
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
  choice = Choice{};
  choice.loop = x;
  choice.n = n;
  choice.granule = gs;
  choice.padTo = pad ? blocks * n : 0;
  int64_t copies = 0;
  for (auto &[mem, bk] : wanted) {
    int64_t size = cast<MemRefType>(mem.getType()).getNumElements();
    // Padded lanes reach past the memory's end: its banks grow to hold
    // them (weights are padded with zeros, inputs/outputs copy a partial
    // last group).
    if (pad && reach[mem] >= Banking{bk.n, bk.g}.bankSize(size) * bk.n)
      bk.minBank = Banking{bk.n, bk.g}.bankSize(reach[mem] + 1);
    if (auto it = decided.find(mem); it != decided.end()) {
      if (bk.minBank > it->second.minBank)
        choice.banks.push_back({mem, bk});
      continue;
    }
    if (isUserArg(mem)) {
      if (!pad && size % (bk.g * bk.n) != 0)
        return false;
      ++choice.argCopies;
      copies += size;
    }
    for (Operation *user : mem.getUsers())
      if (!body->getParentOp()->isAncestor(user) &&
          !servable(user, bk, &penalty))
        return false;
    choice.banks.push_back({mem, bk});
  }
  // The lanes must save more cycles than run-time bank choices in
  // sequential code cost (about n cycles each).
  int64_t iterations = iterationsOf(loops.front());
  int64_t perLane = iterations / bx->trips() * blocks * gs;
  choice.cost = perLane + copies + penalty;
  return iterations - perLane > penalty;
}

/// How many times more lanes a split reduction must give than the output
/// loops do to be worth its adder tree.
constexpr int64_t kTreeGain = 4;

Choice Planner::choose(ArrayRef<scf::ForOp> loops, int64_t most) {
  // The most lanes over output loops, or over reduction loops: a divisor
  // of the trip count first (the fewest copies of inputs/outputs), then a
  // padded count when it gives more lanes in fewer estimated cycles.
  auto search = [&](bool reduction) {
    Choice best;
    for (int64_t n = most; n >= 2 && !best.loop; n /= 2)
      for (scf::ForOp x : loops) {
        if (x->hasAttr("t2c.reduction") != reduction)
          continue;
        for (int64_t gs = 1; gs <= 64; gs *= 2) {
          Choice c;
          if (evaluate(loops, x, n, gs, /*pad=*/false, c) &&
              (!best.loop || c.argCopies < best.argCopies))
            best = c;
        }
      }
    Choice padded;
    for (int64_t n = most; n > best.n; n /= 2)
      for (scf::ForOp x : loops) {
        Choice c;
        if (x->hasAttr("t2c.reduction") == reduction &&
            evaluate(loops, x, n, 1, /*pad=*/true, c) &&
            (!padded.loop || c.cost <= padded.cost))
          padded = c;
      }
    if (padded.loop && (!best.loop || padded.cost < best.cost))
      return padded;
    return best;
  };
  // Output lanes first. Partial sums of a reduction cost an adder tree
  // (n - 1 more adders per sum, used once per output): only when the
  // output loops give no lanes, or the split at least kTreeGain times
  // theirs.
  Choice best = search(false);
  if (!best.loop || best.n * kTreeGain <= most) {
    Choice split = search(true);
    if (split.loop && (!best.loop || split.n >= kTreeGain * best.n))
      best = split;
  }
  return best;
}

} // namespace torch2calyx::lanes
