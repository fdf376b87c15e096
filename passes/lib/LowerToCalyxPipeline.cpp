//===- LowerToCalyxPipeline.cpp - pipelined loop nests --------------------===//
//
// Part of lower-to-calyx: a loop nest marked `t2c.pipeline` by the
// pipeline-loops pass becomes one static group that starts one iteration of
// the flattened nest every II cycles (II = 1 unless a memory is accessed
// more than once per iteration or a recurrence is longer than its distance).
//
// The translation follows what the IR says; it makes no transformation of
// its own:
//   * the loops become an odometer of induction registers advanced every II
//     cycles (innermost fastest);
//   * each op of the innermost body gets a start time (ASAP, in cycles after
//     its iteration starts): loads take 1 cycle, float add/sub/mul the
//     `pipelined_addFN`/`pipelined_mulFN` latency (the float-stages option,
//     2 by default; `_s<N>` variants for N > 2), divide and square
//     root the `pipelined_divSqrt<format>` latency (binary16 8, bfloat16 7,
//     binary32 15, binary64 29), int<->float conversions 1, integer
//     multiplies of two variables the `pipelined_fp_smult` latency (4, with
//     no fraction bits: the low bits of the product), other integer ops 0
//     (combinational); then ops whose result would wait for its first user
//     longer than their operands already wait move towards that user, when
//     that holds fewer bits in registers;
//   * a value used later than it is produced goes through a delay line
//     shifting every cycle (a value produced at time b and used at time u
//     is read u - b cycles down the line: one `pipelined_delay` cell per
//     distinct read, each fed by the one read before it);
//   * a `memref.alloca {t2c.rotating}` of D elements indexed by the
//     innermost induction variable is a recurrence of distance D: its load
//     reads the value its store wrote D iterations earlier, i.e. the stored
//     value delayed by (u + D*II - b) cycles; no memory is built;
//   * memory accesses are enabled by `%[t:t+span]` guards of the static
//     group (and a phase register when II > 1); stores under `scf.if` are
//     guarded by the (delayed) condition.
//
//===----------------------------------------------------------------------===//

#include "LoopForms.h"
#include "LowerToCalyx.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/MapVector.h"

#include <map>
#include <set>

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;
namespace cx = torch2calyx::calyx;

namespace {

enum class Kind { Skip, Comb, Load, Store, Unit, RotLoad, RotStore };

/// One op of the flattened innermost body.
struct PipeOp {
  Operation *op;
  Kind kind;
  /// The scf.if condition a store is under (null: unconditional).
  Value pred;
  int time = 0;
};

constexpr int kConvertLatency = 1;
constexpr int kMaxII = 8;
constexpr int kIntMulLatency = 4; // pipelined_fp_smult (static<4>)

bool isFloatFormat(Type t) {
  return t.isF16() || t.isBF16() || t.isF32() || t.isF64();
}

/// Integer/bit ops lower-to-calyx lowers without a cycle.
bool combinational(Operation *op) {
  if (op->getNumRegions() != 0 || op->getNumResults() != 1)
    return false;
  if (auto m = dyn_cast<arith::MulIOp>(op))
    return matchPattern(m.getLhs(), m_Constant()) ||
           matchPattern(m.getRhs(), m_Constant());
  if (isa<arith::SelectOp, arith::BitcastOp>(op))
    return true;
  return op->getResult(0).getType().isIntOrIndex() &&
         isa<arith::AddIOp, arith::SubIOp, arith::AndIOp, arith::OrIOp,
             arith::XOrIOp, arith::ShLIOp, arith::ShRUIOp, arith::ShRSIOp,
             arith::CmpIOp, arith::ExtUIOp, arith::ExtSIOp, arith::TruncIOp,
             arith::IndexCastOp, arith::IndexCastUIOp, arith::MinSIOp,
             arith::MaxSIOp, arith::MinUIOp, arith::MaxUIOp>(op);
}

/// The pipelined divide/square-root primitive of a format (one per format:
/// its latency depends on the precision) and its latency.
std::pair<StringRef, int> divSqrtUnit(Type t) {
  if (t.isF16())
    return {"pipelined_divSqrtF16", 8};
  if (t.isBF16())
    return {"pipelined_divSqrtBF16", 7};
  if (t.isF32())
    return {"pipelined_divSqrtF32", 15};
  if (t.isF64())
    return {"pipelined_divSqrtF64", 29};
  return {"", 0};
}

/// An integer multiply of two variables (by a constant it is combinational).
bool variableIntMul(Operation *op) {
  auto m = dyn_cast<arith::MulIOp>(op);
  return m && isa<IntegerType>(m.getType()) &&
         !matchPattern(m.getLhs(), m_Constant()) &&
         !matchPattern(m.getRhs(), m_Constant());
}

/// Cycles of `op` on its pipelined unit (0: not a unit op); `floatStages`
/// is the float adders' and multipliers' depth.
int unitLatency(Operation *op, int floatStages = 2) {
  if (variableIntMul(op))
    return kIntMulLatency;
  if (isa<arith::AddFOp, arith::SubFOp, arith::MulFOp>(op) &&
      isFloatFormat(op->getResult(0).getType()))
    return floatStages;
  if (isa<arith::DivFOp, math::SqrtOp>(op))
    return divSqrtUnit(op->getResult(0).getType()).second;
  if (isa<arith::SIToFPOp, arith::UIToFPOp>(op) &&
      isFloatFormat(op->getResult(0).getType()))
    return kConvertLatency;
  if (isa<arith::FPToSIOp, arith::FPToUIOp>(op) &&
      isFloatFormat(op->getOperand(0).getType()))
    return kConvertLatency;
  return 0;
}

} // namespace

bool torch2calyx::lowering::isPipelinableOp(Operation *op) {
  return isa<arith::ConstantOp, memref::LoadOp, memref::StoreOp>(op) ||
         unitLatency(op) != 0 || combinational(op);
}

bool torch2calyx::lowering::isCombinationalOp(Operation *op) {
  return isa<arith::ConstantOp>(op) || combinational(op);
}

bool torch2calyx::lowering::hasPipelinedUnit(Operation *op) {
  return unitLatency(op) != 0;
}

namespace {

/// The perfect nest under `outer` and its body flattened into `ops`; false
/// when the nest has a shape the translation does not handle.
bool collectNest(scf::ForOp outer, SmallVectorImpl<scf::ForOp> &loops,
                 SmallVectorImpl<PipeOp> &ops) {
  scf::ForOp loop = outer;
  while (true) {
    if (loop.getNumRegionIterArgs() != 0 || !getConstantIntValue(loop.getLowerBound()) ||
        !getConstantIntValue(loop.getUpperBound()) ||
        !getConstantIntValue(loop.getStep()))
      return false;
    loops.push_back(loop);
    scf::ForOp inner;
    for (Operation &op : loop.getBody()->without_terminator()) {
      if (auto f = dyn_cast<scf::ForOp>(op)) {
        if (inner)
          return false;
        inner = f;
        continue;
      }
      if (inner && !isa<arith::ConstantOp>(op))
        return false; // ops after the inner loop
      ops.push_back({&op, Kind::Skip, Value()});
    }
    if (!inner)
      break;
    // Outer levels may only hold pure ops (evaluated every iteration).
    for (PipeOp &p : ops)
      if (!isa<arith::ConstantOp>(p.op) && !combinational(p.op))
        return false;
    loop = inner;
  }
  // Classify; expand then-only scf.if holding stores and pure ops.
  SmallVector<PipeOp> flat;
  std::function<bool(Operation *, Value)> add = [&](Operation *op,
                                                    Value pred) -> bool {
    if (isa<arith::ConstantOp>(op)) {
      flat.push_back({op, Kind::Skip, pred});
      return true;
    }
    if (auto branch = dyn_cast<scf::IfOp>(op)) {
      if (pred || branch.getNumResults() != 0 ||
          !branch.getElseRegion().empty())
        return false;
      for (Operation &inner : branch.getThenRegion().front().without_terminator())
        if (!add(&inner, branch.getCondition()))
          return false;
      return true;
    }
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      flat.push_back({op, isRotatingMem(load.getMemref()) ? Kind::RotLoad : Kind::Load,
                      pred});
      return !(pred && isRotatingMem(load.getMemref()));
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      flat.push_back({op, isRotatingMem(store.getMemref()) ? Kind::RotStore : Kind::Store,
                      pred});
      return !(pred && isRotatingMem(store.getMemref()));
    }
    if (unitLatency(op)) {
      flat.push_back({op, Kind::Unit, pred});
      return true;
    }
    if (combinational(op)) {
      flat.push_back({op, Kind::Comb, pred});
      return true;
    }
    return false;
  };
  for (PipeOp &p : ops)
    if (!add(p.op, Value()))
      return false;
  ops.assign(flat.begin(), flat.end());
  return true;
}

/// Start times of the body for initiation interval `ii`.
struct Schedule {
  int ii;
  /// Cycle (after its iteration starts) each value is valid on its port.
  DenseMap<Value, int> birth;
  /// For each rotating memref: the time its loaded value is used and the
  /// delay of the stored value that gives it.
  DenseMap<Value, int> rotUse, rotDelay;
  int lastStore = -1;
};

/// Moves combinational ops and units later, towards their first user, where
/// that shortens the delay lines: a value computed as soon as it can be
/// and used much later is held in a register for every cycle in between (a
/// compare choosing the bank of a store after a 15-cycle divide, a square
/// used at the end of a polynomial), while its operands are often held that
/// long anyway for other users. An op moves when the bits its result no
/// longer holds outnumber the bits its operands' chains gain. Ops tied to a
/// recurrence (deriving from a rotating load, or stored into a rotating
/// buffer) keep their time; units are the op's own in its nest, so moving
/// one cannot make two ops meet on a unit.
void sinkToUsers(MutableArrayRef<PipeOp> ops, Schedule &s,
                 const DenseMap<Value, SmallVector<PipeOp *>> &flexOps,
                 int floatStages) {
  DenseMap<Value, SmallVector<PipeOp *>> uses;
  DenseSet<Value> pinned;
  for (PipeOp &q : ops) {
    if (q.kind == Kind::Skip)
      continue;
    if (q.kind == Kind::RotStore) {
      pinned.insert(cast<memref::StoreOp>(q.op).getValue());
      continue;
    }
    for (Value v : q.op->getOperands())
      if (s.birth.count(v) && !llvm::is_contained(uses[v], &q))
        uses[v].push_back(&q);
    if (q.pred && s.birth.count(q.pred))
      uses[q.pred].push_back(&q);
  }
  auto lastUse = [&](Value v) {
    int t = s.birth.lookup(v);
    for (PipeOp *q : uses.lookup(v))
      t = std::max(t, q->time);
    return t;
  };
  for (PipeOp &p : llvm::reverse(ops)) {
    if ((p.kind != Kind::Comb && p.kind != Kind::Unit) ||
        p.op->getNumResults() != 1)
      continue;
    Value r = p.op->getResult(0);
    if (pinned.contains(r) || flexOps.count(r) || !uses.count(r) ||
        llvm::any_of(p.op->getOperands(),
                     [&](Value v) { return flexOps.count(v) != 0; }))
      continue;
    int latency = p.kind == Kind::Unit ? unitLatency(p.op, floatStages) : 0;
    int target = INT_MAX;
    for (PipeOp *q : uses.lookup(r))
      target = std::min(target, q->time - latency);
    if (target <= p.time)
      continue;
    int64_t saved = int64_t(target - p.time) * ComponentLowering::widthOf(r.getType());
    int64_t gained = 0;
    DenseSet<Value> seen;
    for (Value v : p.op->getOperands())
      if (s.birth.count(v) && seen.insert(v).second)
        gained += int64_t(std::max(0, target - lastUse(v))) *
                  ComponentLowering::widthOf(v.getType());
    if (gained >= saved)
      continue;
    p.time = target;
    s.birth[r] = target + latency;
  }
}

FailureOr<Schedule> schedule(MutableArrayRef<PipeOp> ops,
                             ArrayRef<scf::ForOp> loops, int ii,
                             int floatStages) {
  Schedule s;
  s.ii = ii;
  for (scf::ForOp l : loops)
    s.birth[l.getInductionVar()] = 0;
  // Values computed combinationally from a rotating load ("flexible"):
  // they are computed when their first multi-cycle user needs them, so the
  // recurrence through the rotating buffer is as short as it can be. Each
  // maps to the ops deriving it (retimed together) and its rotating memref.
  DenseMap<Value, SmallVector<PipeOp *>> flexOps;
  DenseSet<PipeOp *> fixed;
  SmallVector<std::pair<Value, Value>> rotStores; // memref, stored value
  auto ready = [&](Operation *op, Value pred) {
    int t = 0;
    for (Value v : op->getOperands()) {
      auto it = s.birth.find(v);
      if (it != s.birth.end())
        t = std::max(t, it->second);
    }
    if (pred) {
      auto it = s.birth.find(pred);
      if (it != s.birth.end())
        t = std::max(t, it->second);
    }
    return t;
  };
  // Moves the flexible ops deriving the operands of `op` to time `t`.
  auto retime = [&](Operation *op, int t) -> LogicalResult {
    for (Value v : op->getOperands()) {
      auto it = flexOps.find(v);
      if (it == flexOps.end())
        continue;
      for (PipeOp *p : it->second) {
        if (fixed.contains(p) && p->time != t)
          return failure(); // needed at two different times
        fixed.insert(p);
        p->time = t;
        if (p->kind == Kind::Comb)
          s.birth[p->op->getResult(0)] = t;
      }
    }
    return success();
  };
  std::map<void *, std::set<int>> residues;
  for (PipeOp &p : ops) {
    Operation *op = p.op;
    int t = ready(op, p.pred);
    switch (p.kind) {
    case Kind::Skip:
      continue;
    case Kind::RotLoad:
      p.time = 0;
      s.birth[op->getResult(0)] = 0;
      flexOps[op->getResult(0)] = {&p};
      continue;
    case Kind::RotStore: {
      auto store = cast<memref::StoreOp>(op);
      if (!s.birth.count(store.getValue()))
        return failure();
      rotStores.push_back({store.getMemref(), store.getValue()});
      continue;
    }
    case Kind::Comb: {
      SmallVector<PipeOp *> derived;
      for (Value v : op->getOperands()) {
        auto it = flexOps.find(v);
        if (it != flexOps.end())
          for (PipeOp *q : it->second)
            if (!llvm::is_contained(derived, q))
              derived.push_back(q);
      }
      p.time = t;
      s.birth[op->getResult(0)] = t;
      if (!derived.empty()) {
        derived.push_back(&p);
        flexOps[op->getResult(0)] = std::move(derived);
      }
      continue;
    }
    case Kind::Unit:
      if (failed(retime(op, t)))
        return failure();
      p.time = t;
      s.birth[op->getResult(0)] = t + unitLatency(op, floatStages);
      continue;
    case Kind::Load:
    case Kind::Store: {
      Value mem = isa<memref::LoadOp>(op) ? cast<memref::LoadOp>(op).getMemref()
                                          : cast<memref::StoreOp>(op).getMemref();
      std::set<int> &used = residues[mem.getAsOpaquePointer()];
      if (int(used.size()) >= ii)
        return failure(); // more accesses of one memory than II
      while (used.count(t % ii))
        ++t;
      used.insert(t % ii);
      if (failed(retime(op, t)))
        return failure();
      p.time = t;
      if (p.kind == Kind::Load)
        s.birth[op->getResult(0)] = t + 1;
      else
        s.lastStore = std::max(s.lastStore, t);
      continue;
    }
    }
  }
  // A rotating load is read by its direct users, all at one time; the
  // stored value, born at b, is read D iterations later: delayed by
  // use + D*II - b cycles.
  for (PipeOp &p : ops) {
    if (p.kind != Kind::RotLoad)
      continue;
    Value loaded = p.op->getResult(0);
    Value mem = cast<memref::LoadOp>(p.op).getMemref();
    std::optional<int> use;
    for (PipeOp &q : ops)
      if (q.kind != Kind::RotStore && llvm::is_contained(q.op->getOperands(), loaded)) {
        if (use && *use != q.time)
          return failure();
        use = q.time;
      }
    if (!use)
      return failure();
    s.rotUse[mem] = *use;
  }
  for (auto [mem, value] : rotStores) {
    auto use = s.rotUse.find(mem);
    if (use == s.rotUse.end())
      return failure();
    int64_t dist = cast<MemRefType>(mem.getType()).getNumElements();
    int delay = use->second + int(dist) * ii - s.birth.lookup(value);
    if (delay < 0)
      return failure(); // the recurrence does not fit this II
    s.rotDelay[mem] = delay;
  }
  if (s.rotDelay.size() != s.rotUse.size())
    return failure();
  sinkToUsers(ops, s, flexOps, floatStages);
  return s;
}

} // namespace

FailureOr<bool> ComponentLowering::lowerPipelinedNest(Operation *op,
                                                      OpBuilder &ctrl) {
  auto outer = cast<scf::ForOp>(op);
  SmallVector<scf::ForOp> loops;
  SmallVector<PipeOp> ops;
  if (!collectNest(outer, loops, ops))
    return false;
  int64_t trips = 1;
  for (scf::ForOp l : loops) {
    int64_t lb = *getConstantIntValue(l.getLowerBound());
    int64_t ub = *getConstantIntValue(l.getUpperBound());
    int64_t st = *getConstantIntValue(l.getStep());
    if (ub <= lb || st <= 0 || lb < 0 || ub >= (int64_t(1) << 31))
      return false;
    trips *= (ub - lb + st - 1) / st;
  }
  for (PipeOp &p : ops) {
    Value mem;
    if (auto l = dyn_cast<memref::LoadOp>(p.op))
      mem = l.getMemref();
    if (auto s = dyn_cast<memref::StoreOp>(p.op))
      mem = s.getMemref();
    if (mem && !isRotatingMem(mem) && !memories.count(mem))
      return false;
  }
  FailureOr<Schedule> sched = failure();
  for (int ii = 1; ii <= kMaxII && failed(sched); ++ii)
    sched = schedule(ops, loops, ii, floatStages);
  if (failed(sched) || sched->lastStore < 0)
    return false;
  Schedule &s = *sched;
  int ii = s.ii;
  int64_t span = (trips - 1) * ii + 1; // cycles in which one stage is active
  // The group ends one cycle after the last store: a memory raises `done`
  // the cycle after an access, so a store in the group's last cycle would
  // leave a `done` pulse in the first cycle of the next group, which a load
  // group of that memory (`g[done] = mem.done`) would take for its own and
  // end before its data is read.
  int64_t latency = (trips - 1) * ii + s.lastStore + 2;
  std::string nestName = "pipe" + std::to_string(pipelineCount++);

  // Odometer registers and the phase counter.
  SmallVector<std::string> ivRegs;
  for (scf::ForOp l : loops) {
    ivRegs.push_back(addRegister("i", kIndexWidth));
    setPort(l.getInductionVar(), ivRegs.back() + ".out");
  }
  std::string ph;
  if (ii > 1)
    ph = addRegister("ph", 4);
  // The odometer wraps to its lower bounds with the last iteration and
  // registers reset to 0: with lower bounds 0 and no phase counter the
  // registers hold their start values whenever the group starts.
  cx::GroupOp init;
  if (ii > 1 || llvm::any_of(loops, [](scf::ForOp l) {
        return *getConstantIntValue(l.getLowerBound()) != 0;
      })) {
    init = addGroup("init_" + nestName);
    for (auto [reg, l] : llvm::zip(ivRegs, loops)) {
      assign(init, reg + ".in",
             literal(kIndexWidth,
                     uint64_t(*getConstantIntValue(l.getLowerBound()))));
      assign(init, reg + ".write_en", "1'd1");
    }
    if (!ph.empty()) {
      assign(init, ph + ".in", "4'd0");
      assign(init, ph + ".write_en", "1'd1");
    }
    done(init, ivRegs.back() + ".done");
  }

  cx::GroupOp g = addGroup(nestName);
  OpBuilder attrs(g);
  g.setLatencyAttr(attrs.getI64IntegerAttr(latency));
  // What the schedule achieved, printed by export-calyx as a comment.
  g->setAttr("t2c.ii", attrs.getI64IntegerAttr(ii));
  g->setAttr("t2c.trips", attrs.getI64IntegerAttr(trips));
  if (auto lanes = outer->getAttrOfType<IntegerAttr>("t2c.lanes"))
    g->setAttr("t2c.lanes", lanes);
  if (auto padded = outer->getAttrOfType<DenseI64ArrayAttr>("t2c.padded"))
    g->setAttr("t2c.padded", padded);
  std::map<int, std::string> phaseIs;
  auto window = [&](int t) {
    std::string w = "%[" + std::to_string(t) + ":" + std::to_string(t + span) + "]";
    if (ph.empty())
      return w;
    std::string &eq = phaseIs[t % ii];
    if (eq.empty()) {
      eq = addCell("ph_is", "std_eq", {4});
      assign(eq + ".left", ph + ".out");
      assign(eq + ".right", literal(4, uint64_t(t % ii)));
    }
    return w + " & " + eq + ".out";
  };
  if (!ph.empty()) {
    std::string inc = addCell("ph_next", "std_add", {4});
    assign(inc + ".left", ph + ".out");
    assign(inc + ".right", "4'd1");
    std::string wrap = addCell("ph_wrap", "std_eq", {4});
    assign(wrap + ".left", ph + ".out");
    assign(wrap + ".right", literal(4, uint64_t(ii - 1)));
    assign(g, ph + ".in", "4'd0", wrap + ".out");
    assign(g, ph + ".in", inc + ".out", "!" + wrap + ".out");
    assign(g, ph + ".write_en", "1'd1");
  }
  // The odometer advances at the last cycle of each issue slot.
  std::string advance = window(ii - 1);
  std::string carry;
  for (int k = int(loops.size()) - 1; k >= 0; --k) {
    scf::ForOp l = loops[k];
    int64_t lb = *getConstantIntValue(l.getLowerBound());
    int64_t ub = *getConstantIntValue(l.getUpperBound());
    int64_t st = *getConstantIntValue(l.getStep());
    int64_t last = lb + ((ub - lb + st - 1) / st - 1) * st;
    std::string reg = ivRegs[k];
    std::string next = addCell("add_" + reg, "std_add", {kIndexWidth});
    assign(next + ".left", reg + ".out");
    assign(next + ".right", literal(kIndexWidth, uint64_t(st)));
    std::string wrap = addCell("last_" + reg, "std_eq", {kIndexWidth});
    assign(wrap + ".left", reg + ".out");
    assign(wrap + ".right", literal(kIndexWidth, uint64_t(last)));
    std::string en = advance + (carry.empty() ? "" : " & " + carry);
    assign(g, reg + ".in", literal(kIndexWidth, uint64_t(lb)),
           en + " & " + wrap + ".out");
    assign(g, reg + ".in", next + ".out", en + " & !" + wrap + ".out");
    assign(g, reg + ".write_en", "1'd1", en);
    carry = carry.empty() ? wrap + ".out" : carry + " & " + wrap + ".out";
  }

  // Delay lines: a value read k cycles after its birth comes out of a
  // `pipelined_delay` of depth k, or of depth k - j fed by the one read at j
  // (the depths are set once every read is known).
  struct DelayLine {
    std::string source;
    std::map<int, cx::CellOp> taps;
  };
  llvm::MapVector<Value, DelayLine> lines;
  auto tap = [&](Value v, int at) -> FailureOr<std::string> {
    auto it = s.birth.find(v);
    if (it == s.birth.end())
      return portOf(v, op); // constant, or defined outside the nest
    int d = at - it->second;
    FailureOr<std::string> port = portOf(v, op);
    if (failed(port) || d <= 0)
      return port;
    DelayLine &line = lines[v];
    if (line.taps.empty())
      line.source = *port;
    cx::CellOp &cell = line.taps[d];
    if (!cell) {
      addCell("d", "pipelined_delay", {widthOf(v.getType()), d});
      cell = cast<cx::CellOp>(lastCell);
    }
    return (cell.getSymName() + ".out").str();
  };
  // Lowers `o` with its operands read at time `t` (their ports restored).
  auto withOperandsAt = [&](Operation *o, int t,
                            function_ref<LogicalResult()> body) -> LogicalResult {
    SmallVector<std::pair<Value, std::string>> saved;
    for (Value v : o->getOperands()) {
      if (!s.birth.count(v) || !ports.count(v))
        continue;
      FailureOr<std::string> p = tap(v, t);
      if (failed(p))
        return failure();
      saved.push_back({v, ports[v]});
      setPort(v, *p);
    }
    LogicalResult r = body();
    for (auto &[v, p] : llvm::reverse(saved))
      setPort(v, p);
    return r;
  };

  DenseMap<Value, std::string> rotWires;
  llvm::StringMap<unsigned> unitUse;
  for (PipeOp &p : ops) {
    Operation *o = p.op;
    int t = p.time;
    LogicalResult ok = success();
    switch (p.kind) {
    case Kind::Skip:
      break;
    case Kind::Comb:
      ok = withOperandsAt(o, t, [&]() -> LogicalResult {
        std::optional<FailureOr<Stmt>> stmt = lowerArith(o);
        if (!stmt || failed(*stmt) || !(*stmt)->group.empty())
          return o->emitOpError("could not be lowered combinationally in a "
                                "pipelined loop (internal error)");
        return success();
      });
      break;
    case Kind::RotLoad: {
      Value mem = cast<memref::LoadOp>(o).getMemref();
      std::string wire =
          addCell("rot", "std_wire", {widthOf(o->getResult(0).getType())});
      rotWires[mem] = wire;
      setPort(o->getResult(0), wire + ".out");
      s.birth[o->getResult(0)] = s.rotUse.lookup(mem);
      break;
    }
    case Kind::RotStore: {
      auto store = cast<memref::StoreOp>(o);
      Value mem = store.getMemref();
      FailureOr<std::string> src =
          tap(store.getValue(), s.birth.lookup(store.getValue()) +
                                    s.rotDelay.lookup(mem));
      if (failed(src))
        return failure();
      assign(g, rotWires[mem] + ".in", *src);
      break;
    }
    case Kind::Unit: {
      Type rt = o->getResult(0).getType();
      if (variableIntMul(o)) {
        // signed fixed point without fraction bits: the product's low bits
        int64_t w = widthOf(rt);
        std::string key = "pipelined_fp_smult_" + std::to_string(w);
        std::string unit =
            sharedUnit("smult_p", "pipelined_fp_smult", {w, w, 0},
                       key + "#" + std::to_string(unitUse[key]++));
        ok = withOperandsAt(o, t, [&]() -> LogicalResult {
          FailureOr<std::string> l = portOf(o->getOperand(0), o);
          FailureOr<std::string> r = portOf(o->getOperand(1), o);
          if (failed(l) || failed(r))
            return failure();
          assign(g, unit + ".left", *l);
          assign(g, unit + ".right", *r);
          return success();
        });
        setPort(o->getResult(0), unit + ".out");
        break;
      }
      bool toFloat = isa<arith::SIToFPOp, arith::UIToFPOp>(o);
      bool toInt = isa<arith::FPToSIOp, arith::FPToUIOp>(o);
      Type ft = toInt ? o->getOperand(0).getType() : rt;
      auto fty = cast<FloatType>(ft);
      int64_t fw = fty.getWidth(), sig = fty.getFPMantissaWidth();
      bool divSqrt = isa<arith::DivFOp, math::SqrtOp>(o);
      StringRef prim = toFloat ? "pipelined_intToFp"
                       : toInt ? "pipelined_fpToInt"
                       : divSqrt ? divSqrtUnit(ft).first
                       : isa<arith::MulFOp>(o) ? "pipelined_mulFN"
                                               : "pipelined_addFN";
      std::string primName = (toFloat || toInt || divSqrt) ? prim.str()
                                                           : floatUnit(prim);
      SmallVector<int64_t, 4> params;
      if (divSqrt)
        ; // one primitive per format, no parameters
      else if (toFloat)
        params = {widthOf(o->getOperand(0).getType()), fw - sig, sig, fw};
      else if (toInt)
        params = {fw - sig, sig, fw, widthOf(rt)};
      else
        params = {fw - sig, sig, fw};
      std::string key = prim.str();
      for (int64_t v : params)
        key += "_" + std::to_string(v);
      // The k-th unit of a kind in this nest: shared with other nests.
      std::string poolKey = key + "#" + std::to_string(unitUse[key]++);
      std::string unit = sharedUnit(prim.drop_front(10).str() + "_p", primName,
                                    params, poolKey);
      ok = withOperandsAt(o, t, [&]() -> LogicalResult {
        if (toFloat || toInt) {
          FailureOr<std::string> in = portOf(o->getOperand(0), o);
          if (failed(in))
            return failure();
          assign(g, unit + ".in", *in);
          assign(g, unit + (toFloat ? ".signedIn" : ".signedOut"),
                 isa<arith::SIToFPOp, arith::FPToSIOp>(o) ? "1'd1" : "1'd0");
          return success();
        }
        FailureOr<std::string> l = portOf(o->getOperand(0), o);
        // A square root has one operand (its right input is ignored).
        FailureOr<std::string> r =
            portOf(o->getOperand(o->getNumOperands() - 1), o);
        if (failed(l) || failed(r))
          return failure();
        assign(g, unit + ".left", *l);
        assign(g, unit + ".right", *r);
        assign(g, unit + ".control", "1'd0");
        assign(g, unit + ".roundingMode", "3'd0");
        if (divSqrt)
          assign(g, unit + ".sqrtOp", isa<math::SqrtOp>(o) ? "1'd1" : "1'd0");
        else if (!isa<arith::MulFOp>(o))
          assign(g, unit + ".subOp", isa<arith::SubFOp>(o) ? "1'd1" : "1'd0");
        return success();
      });
      setPort(o->getResult(0), unit + ".out");
      break;
    }
    case Kind::Load:
    case Kind::Store: {
      auto load = dyn_cast<memref::LoadOp>(o);
      auto store = dyn_cast<memref::StoreOp>(o);
      Value memref = load ? load.getMemref() : store.getMemref();
      const Memory &mem = memories.find(memref)->second;
      ok = withOperandsAt(o, t, [&]() -> LogicalResult {
        FailureOr<std::string> addr = memoryAddress(
            *this, o, mem, load ? load.getIndices() : store.getIndices());
        if (failed(addr))
          return failure();
        std::string guard = window(t);
        if (p.pred) {
          FailureOr<std::string> c = tap(p.pred, t);
          if (failed(c))
            return failure();
          if (c->find('\'') != std::string::npos) {
            std::string wire = addCell("pred", "std_wire", {1});
            assign(wire + ".in", *c);
            c = wire + ".out";
          }
          guard += " & " + *c;
        }
        assign(g, mem.cell + ".addr0", *addr, guard);
        assign(g, mem.cell + ".content_en", "1'd1", guard);
        if (store) {
          FailureOr<std::string> value = portOf(store.getValue(), o);
          if (failed(value))
            return failure();
          assign(g, mem.cell + ".write_data", *value, guard);
          assign(g, mem.cell + ".write_en", "1'd1", guard);
        }
        return success();
      });
      if (load)
        setPort(load.getResult(), mem.cell + ".read_data");
      break;
    }
    }
    if (failed(ok))
      return failure();
  }
  for (auto &[v, line] : lines) {
    std::string src = line.source;
    int from = 0;
    for (auto &[d, cell] : line.taps) {
      cell.setParams({widthOf(v.getType()), d - from});
      assign(g, (cell.getSymName() + ".in").str(), src);
      src = (cell.getSymName() + ".out").str();
      from = d;
    }
  }
  if (init)
    cx::EnableOp::create(ctrl, loc, init.getSymName());
  cx::EnableOp::create(ctrl, loc, g.getSymName());
  return true;
}
