//===- LowerToCalyxControl.cpp - blocks, loops and branches ---------------===//
//
// Part of lower-to-calyx: turns a block of ops into control statements
// (independent leaves in `par`), scf.for into `while` over an induction
// register, scf.if into `if`, iteration arguments and results into
// registers.
//
//===----------------------------------------------------------------------===//

#include "LowerToCalyx.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/Support/SaveAndRestore.h"

#include <map>

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;
namespace cx = torch2calyx::calyx;

namespace {

/// Inserts `enable` statements for `groups` at `ctrl`: one group is an
/// enable, several run in a `par`.
void emitLevel(OpBuilder &ctrl, Location loc, ArrayRef<std::string> groups) {
  if (groups.size() == 1) {
    cx::EnableOp::create(ctrl, loc, groups.front());
    return;
  }
  auto par = cx::ParOp::create(ctrl, loc);
  OpBuilder inner = OpBuilder::atBlockEnd(&par.getBody().emplaceBlock());
  for (const std::string &g : groups)
    cx::EnableOp::create(inner, loc, g);
}

} // namespace

LogicalResult ComponentLowering::lowerBlock(Block &block, OpBuilder &ctrl,
                                            const LoopStep *step) {
  // List scheduling of the leaves between two control ops: a leaf runs at
  // the first level after the leaves producing its operands and after the
  // last earlier leaf occupying one of its cells (memory, unit).
  std::map<unsigned, SmallVector<std::string>> levels;
  DenseMap<Value, unsigned> ready;
  llvm::StringMap<unsigned> lastUse;
  auto flush = [&] {
    for (auto &[level, groups] : levels)
      emitLevel(ctrl, loc, groups);
    levels.clear();
    ready.clear();
    lastUse.clear();
  };
  auto readyOf = [&](Operation *op) {
    unsigned r = 0;
    for (Value v : op->getOperands())
      r = std::max(r, ready.lookup(v));
    return r;
  };
  // Values computed combinationally from the registers the loop step
  // writes, and the last level that reads one of them.
  DenseSet<Value> fromStepRegs;
  // Cells a value is read from in place (see Stmt::holds): its users occupy
  // them too, so no later access of the cell overtakes them.
  DenseMap<Value, SmallVector<std::string, 1>> heldBy;
  auto heldByOperands = [&](Operation *op) {
    SmallVector<std::string, 1> held;
    for (Value v : op->getOperands())
      for (const std::string &c : heldBy.lookup(v))
        if (!llvm::is_contained(held, c))
          held.push_back(c);
    return held;
  };
  if (step)
    fromStepRegs.insert(step->writes.begin(), step->writes.end());
  unsigned lastStepRegRead = 0;
  bool sawControl = false;

  for (Operation &op : block.without_terminator()) {
    // Groups created for `op` (and for the ops nested in it) carry its layer.
    llvm::SaveAndRestore<Location> layerLoc(
        groupLoc, op.getLoc()->findInstanceOf<NameLoc>() ? op.getLoc()
                                                         : groupLoc);
    if (isa<scf::ForOp, scf::IfOp, scf::WhileOp>(op))
      sawControl = true;
    if (isa<scf::ForOp>(op)) {
      flush();
      if (failed(lowerFor(&op, ctrl)))
        return failure();
      continue;
    }
    if (isa<scf::IfOp>(op)) {
      flush();
      if (failed(lowerIf(&op, ctrl)))
        return failure();
      continue;
    }
    if (isa<scf::WhileOp>(op)) {
      flush();
      if (failed(lowerWhile(&op, ctrl)))
        return failure();
      continue;
    }
    if (isa<arith::ConstantOp>(op))
      continue;
    std::optional<FailureOr<Stmt>> stmt = lowerCall(&op);
    if (!stmt)
      stmt = lowerArith(&op);
    if (!stmt)
      stmt = lowerFloat(&op);
    if (!stmt)
      stmt = lowerMemory(&op);
    if (!stmt) {
      op.emitOpError("has no Calyx lowering; ")
          << (op.getDialect() && (op.getDialect()->getNamespace() == "math" ||
                                  op.getDialect()->getNamespace() == "arith")
                  ? "run --legalize-float-ops first, or express it with "
                    "arith ops that have a Calyx primitive"
                  : "supported are func/scf/affine/arith/math/memref ops of "
                    "loop-level MLIR (inline calls with --inline first)");
      return failure();
    }
    if (failed(*stmt))
      return failure();
    unsigned level = readyOf(&op);
    bool readsStepRegs = llvm::any_of(
        op.getOperands(), [&](Value v) { return fromStepRegs.contains(v); });
    SmallVector<std::string, 1> held = heldByOperands(&op);
    if ((*stmt)->group.empty()) { // combinational: as ready as its operands
      for (Value r : op.getResults()) {
        ready[r] = level;
        if (readsStepRegs)
          fromStepRegs.insert(r);
        if (!held.empty())
          heldBy[r] = held;
      }
      continue;
    }
    ++level;
    SmallVector<std::string, 2> resources = (*stmt)->resources;
    for (const std::string &c : held)
      if (!llvm::is_contained(resources, c))
        resources.push_back(c);
    for (const std::string &res : resources)
      level = std::max(level, lastUse.lookup(res) + 1);
    for (const std::string &res : resources)
      lastUse[res] = level;
    if (!(*stmt)->holds.empty())
      for (Value r : op.getResults())
        heldBy[r] = (*stmt)->holds;
    for (Value r : op.getResults())
      ready[r] = level;
    if (readsStepRegs)
      lastStepRegRead = std::max(lastStepRegRead, level);
    levels[level].push_back((*stmt)->group);
  }
  // The loop step runs as soon as nobody needs the old register values and
  // the values it copies exist, in parallel with the rest of the body.
  if (step && !sawControl) {
    unsigned level = lastStepRegRead;
    for (Value v : step->reads)
      level = std::max(level, ready.lookup(v));
    levels[level + 1].push_back(step->group);
    flush();
    return success();
  }
  flush();
  if (step)
    cx::EnableOp::create(ctrl, loc, step->group);
  return success();
}

/// Writes `values` into `regs` in one group (a parallel copy: every source
/// is read before any register changes). Returns the group name, or "" when
/// there is nothing to copy.
static FailureOr<std::string>
copyGroup(ComponentLowering &cl, StringRef base, ArrayRef<std::string> regs,
          ValueRange values, Operation *user,
          ArrayRef<std::pair<std::string, std::string>> extra = {}) {
  if (regs.empty() && extra.empty())
    return std::string();
  cx::GroupOp group = cl.addGroup(base);
  std::string doneReg;
  for (auto [reg, v] : llvm::zip(regs, values)) {
    FailureOr<std::string> src = cl.portOf(v, user);
    if (failed(src))
      return failure();
    cl.assign(group, reg + ".in", *src);
    cl.assign(group, reg + ".write_en", "1'd1");
    doneReg = reg;
  }
  for (auto &[reg, src] : extra) {
    cl.assign(group, reg + ".in", src);
    cl.assign(group, reg + ".write_en", "1'd1");
    doneReg = reg;
  }
  cl.done(group, doneReg + ".done");
  return group.getSymName().str();
}

LogicalResult ComponentLowering::lowerFor(Operation *op, OpBuilder &ctrl) {
  auto loop = cast<scf::ForOp>(op);
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || !step)
    return loop.emitOpError("loop bound not statically known; lower-to-calyx "
                            "needs constant bounds and step (static shapes)");
  if (*lb < 0 || *ub < 0 || *step <= 0)
    return loop.emitOpError("has a negative bound or non-positive step; "
                            "normalize the loop (--affine-loop-normalize)");
  if (op->hasAttr("t2c.pipeline")) {
    FailureOr<bool> nest = lowerPipelinedNest(op, ctrl);
    if (failed(nest))
      return failure();
    if (*nest)
      return success();
  }
  FailureOr<bool> pipelined = lowerPipelinedReduction(op, ctrl);
  if (failed(pipelined))
    return failure();
  if (*pipelined)
    return success();
  unsigned w = widthOf(loop.getInductionVar().getType());
  std::string iv = addRegister("i", w);
  setPort(loop.getInductionVar(), iv + ".out");

  // Iteration arguments live in registers, which are also the results.
  // An accumulator (the yielded value is computed in the body by the only
  // user of the argument, and used by nothing else) is written in place by
  // that statement instead of being copied by the step.
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  SmallVector<std::string> iterRegs, copiedRegs;
  SmallVector<Value> copiedValues;
  LoopStep stepInfo;
  stepInfo.writes.push_back(loop.getInductionVar());
  for (auto [arg, res, next] : llvm::zip(
           loop.getRegionIterArgs(), loop.getResults(), yield.getOperands())) {
    unsigned aw = widthOf(arg.getType());
    if (!aw)
      return loop.emitOpError("carries a value of type ")
             << arg.getType() << ", which has no hardware register";
    iterRegs.push_back(addRegister("acc", aw));
    setPort(arg, iterRegs.back() + ".out");
    setPort(res, iterRegs.back() + ".out");
    Operation *def = next.getDefiningOp();
    bool inPlace = def && def->getBlock() == loop.getBody() &&
                   next.hasOneUse() && arg.hasOneUse() &&
                   *arg.getUsers().begin() == def &&
                   isa<arith::AddFOp, arith::SubFOp, arith::MulFOp,
                       arith::DivFOp, arith::MulIOp>(def);
    if (inPlace) {
      presetRegister(next, iterRegs.back());
      continue;
    }
    copiedRegs.push_back(iterRegs.back());
    copiedValues.push_back(next);
    stepInfo.writes.push_back(arg);
    stepInfo.reads.push_back(next);
  }

  FailureOr<std::string> init =
      copyGroup(*this, "init_" + iv, iterRegs, loop.getInitArgs(), op,
                {{iv, literal(w, *lb)}});
  if (failed(init))
    return failure();
  cx::EnableOp::create(ctrl, loc, *init);

  std::string lt = addCell("lt_" + iv, "std_lt", {w});
  cx::GroupOp cond = addGroup("cond_" + iv, /*comb=*/true);
  assign(cond, lt + ".left", iv + ".out");
  assign(cond, lt + ".right", literal(w, *ub));
  auto whileOp = cx::WhileOp::create(ctrl, loc, lt + ".out",
                                     ctrl.getStringAttr(cond.getSymName()));
  OpBuilder inner = OpBuilder::atBlockEnd(&whileOp.getBody().emplaceBlock());

  // One step group advances the induction variable and copies the other
  // iteration arguments; lowerBlock schedules it with the body.
  std::string add = addCell("add_" + iv, "std_add", {w});
  assign(add + ".left", iv + ".out");
  assign(add + ".right", literal(w, *step));
  cx::GroupOp stepGroup = addGroup("step_" + iv);
  stepInfo.group = stepGroup.getSymName().str();
  if (failed(lowerBlock(*loop.getBody(), inner, &stepInfo)))
    return failure();
  for (auto [reg, v] : llvm::zip(copiedRegs, copiedValues)) {
    FailureOr<std::string> src = portOf(v, yield);
    if (failed(src))
      return failure();
    assign(stepGroup, reg + ".in", *src);
    assign(stepGroup, reg + ".write_en", "1'd1");
  }
  assign(stepGroup, iv + ".in", add + ".out");
  assign(stepGroup, iv + ".write_en", "1'd1");
  done(stepGroup, iv + ".done");
  return success();
}

namespace {

/// The parts of a dot-product reduction loop body.
struct Reduction {
  memref::LoadOp lhs, rhs;
  arith::MulFOp mul;
  arith::AddFOp add;
  bool accOnLeft;
};

/// Matches `for ... iter_args(%acc) { x = load A[..]; y = load B[..];
/// p = mulf x, y; s = addf %acc, p; yield s }` with A != B, every other op
/// combinational address arithmetic, and a float format with a Calyx unit.
std::optional<Reduction> matchReduction(scf::ForOp loop,
                                        const DenseMap<Value, Memory> &mems) {
  if (loop.getNumRegionIterArgs() != 1)
    return std::nullopt;
  Block *body = loop.getBody();
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  BlockArgument acc = loop.getRegionIterArgs()[0];
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || add->getBlock() != body || !acc.hasOneUse() ||
      !add.getResult().hasOneUse())
    return std::nullopt;
  Type t = add.getType();
  if (!(t.isF16() || t.isBF16() || t.isF32() || t.isF64()))
    return std::nullopt;
  bool accOnLeft = add.getLhs() == acc;
  if (!accOnLeft && add.getRhs() != acc)
    return std::nullopt;
  Value prod = accOnLeft ? add.getRhs() : add.getLhs();
  auto mul = prod.getDefiningOp<arith::MulFOp>();
  if (!mul || mul->getBlock() != body || !prod.hasOneUse() ||
      mul.getType() != t)
    return std::nullopt;
  auto lhs = mul.getLhs().getDefiningOp<memref::LoadOp>();
  auto rhs = mul.getRhs().getDefiningOp<memref::LoadOp>();
  if (!lhs || !rhs || lhs == rhs || lhs->getBlock() != body ||
      rhs->getBlock() != body || !lhs->hasOneUse() || !rhs->hasOneUse() ||
      lhs.getMemref() == rhs.getMemref() || !mems.count(lhs.getMemref()) ||
      !mems.count(rhs.getMemref()))
    return std::nullopt;
  for (Operation &op : body->without_terminator())
    if (&op != add && &op != mul && &op != lhs && &op != rhs &&
        !isCombinationalOp(&op))
      return std::nullopt;
  return Reduction{lhs, rhs, mul, add, accOnLeft};
}

} // namespace

FailureOr<bool> ComponentLowering::lowerPipelinedReduction(Operation *op,
                                                           OpBuilder &ctrl) {
  auto loop = cast<scf::ForOp>(op);
  int64_t lb = *getConstantIntValue(loop.getLowerBound());
  int64_t ub = *getConstantIntValue(loop.getUpperBound());
  int64_t step = *getConstantIntValue(loop.getStep());
  if (ub <= lb)
    return false;
  int64_t trips = (ub - lb + step - 1) / step;
  // The 3-phase schedule below is written for the depth-2 go/done units.
  if (floatStages != 2)
    return false;
  std::optional<Reduction> red = matchReduction(loop, memories);
  if (!red)
    return false;
  unsigned w = widthOf(loop.getInductionVar().getType());
  int64_t last = lb + (trips + 1) * step;
  if (w < 63 && last >= (int64_t(1) << w))
    return false;

  // Schedule, in periods of 3 cycles (phase 0, 1, 2); in period p:
  //   phase 0      both memories read element p (while p < trips),
  //   phases 1-2   the multiplier runs on the two read_data ports,
  //   phases 0-1   the adder adds product p-1 to the accumulator (p >= 1),
  //   phase 2      the accumulator takes the sum; the counter advances.
  // The float units need go low one cycle between operations (interval 3)
  // and hold their output until their next result, so the product of p-1
  // is stable while the adder reads it. The group's assignments are off in
  // its done cycle, so it is done in phase 0 of period `trips + 1`, the
  // cycle after the last sum is written.
  std::string iv = addRegister("i", w);
  setPort(loop.getInductionVar(), iv + ".out");
  unsigned accWidth = widthOf(loop.getRegionIterArgs()[0].getType());
  std::string acc = addRegister("acc", accWidth);
  setPort(loop.getRegionIterArgs()[0], acc + ".out");
  setPort(loop.getResult(0), acc + ".out");
  std::string ph = addRegister("ph", 2);
  FailureOr<std::string> init =
      copyGroup(*this, "init_" + iv, {acc}, loop.getInitArgs(), op,
                {{iv, literal(w, lb)}, {ph, "2'd0"}});
  if (failed(init))
    return failure();
  cx::EnableOp::create(ctrl, loc, *init);

  // Address arithmetic (combinational) and the two addresses.
  for (Operation &inner : loop.getBody()->without_terminator()) {
    if (&inner == red->add.getOperation() ||
        &inner == red->mul.getOperation() ||
        &inner == red->lhs.getOperation() ||
        &inner == red->rhs.getOperation() || isa<arith::ConstantOp>(inner))
      continue;
    std::optional<FailureOr<Stmt>> stmt = lowerArith(&inner);
    if (!stmt || failed(*stmt))
      return failure();
    if (!(*stmt)->group.empty())
      return inner.emitOpError("was expected to lower combinationally in a "
                               "pipelined reduction (internal error)");
  }
  const Memory &memL = memories.find(red->lhs.getMemref())->second;
  const Memory &memR = memories.find(red->rhs.getMemref())->second;
  FailureOr<std::string> addrL =
      memoryAddress(*this, red->lhs, memL, red->lhs.getIndices());
  FailureOr<std::string> addrR =
      memoryAddress(*this, red->rhs, memR, red->rhs.getIndices());
  if (failed(addrL) || failed(addrR))
    return failure();

  auto ft = cast<FloatType>(red->add.getType());
  int64_t fw = ft.getWidth(), sig = ft.getFPMantissaWidth();
  SmallVector<int64_t, 3> fmt{fw - sig, sig, fw};
  std::string fwName = "_f" + std::to_string(fw);
  std::string mul = sharedUnit("mulFN" + fwName, "std_mulFN", fmt);
  std::string add = sharedUnit("addFN" + fwName, "std_addFN", fmt);

  // Phase and counter comparisons.
  auto cmp = [&](StringRef base, StringRef prim, unsigned width,
                 StringRef left, const std::string &right) {
    std::string cell = addCell(base, prim, {width});
    assign(cell + ".left", left);
    assign(cell + ".right", right);
    return cell + ".out";
  };
  std::string ph0 = cmp("ph0", "std_eq", 2, ph + ".out", "2'd0");
  std::string ph2 = cmp("ph2", "std_eq", 2, ph + ".out", "2'd2");
  std::string running =
      cmp("lt_" + iv, "std_lt", w, iv + ".out", literal(w, ub));
  std::string started =
      cmp("started_" + iv, "std_neq", w, iv + ".out", literal(w, lb));
  std::string finished =
      cmp("last_" + iv, "std_eq", w, iv + ".out", literal(w, last));
  std::string phNext = addCell("ph_next", "std_add", {2});
  assign(phNext + ".left", ph + ".out");
  assign(phNext + ".right", "2'd1");
  std::string ivNext = addCell("add_" + iv, "std_add", {w});
  assign(ivNext + ".left", iv + ".out");
  assign(ivNext + ".right", literal(w, step));
  std::string doneAnd = addCell("mac_done", "std_and", {1});
  assign(doneAnd + ".left", ph0);
  assign(doneAnd + ".right", finished);

  cx::GroupOp g = addGroup("mac_" + iv);
  assign(g, ph + ".in", "2'd0", ph2);
  assign(g, ph + ".in", phNext + ".out", "!" + ph2);
  assign(g, ph + ".write_en", "1'd1");
  assign(g, iv + ".in", ivNext + ".out");
  assign(g, iv + ".write_en", "1'd1", ph2);
  for (auto [cell, addr] : {std::pair(memL.cell, *addrL),
                            std::pair(memR.cell, *addrR)}) {
    assign(g, cell + ".addr0", addr);
    assign(g, cell + ".content_en", "1'd1", ph0 + " & " + running);
  }
  assign(g, mul + ".left", memL.cell + ".read_data");
  assign(g, mul + ".right", memR.cell + ".read_data");
  assign(g, mul + ".control", "1'd0");
  assign(g, mul + ".roundingMode", "3'd0");
  assign(g, mul + ".go", "1'd1", "!" + ph0 + " & " + running);
  assign(g, add + ".left", red->accOnLeft ? acc + ".out" : mul + ".out");
  assign(g, add + ".right", red->accOnLeft ? mul + ".out" : acc + ".out");
  assign(g, add + ".control", "1'd0");
  assign(g, add + ".roundingMode", "3'd0");
  assign(g, add + ".subOp", "1'd0");
  assign(g, add + ".go", "1'd1", "!" + ph2 + " & " + started);
  assign(g, acc + ".in", add + ".out");
  assign(g, acc + ".write_en", "1'd1", ph2 + " & " + started);
  done(g, doneAnd + ".out");
  cx::EnableOp::create(ctrl, loc, g.getSymName());
  return true;
}

LogicalResult ComponentLowering::lowerIf(Operation *op, OpBuilder &ctrl) {
  auto branch = cast<scf::IfOp>(op);
  FailureOr<std::string> cond = portNotLiteral(branch.getCondition(), op);
  if (failed(cond))
    return failure();
  SmallVector<std::string> resultRegs;
  for (Value res : branch.getResults()) {
    unsigned w = widthOf(res.getType());
    if (!w)
      return branch.emitOpError("yields a value of type ")
             << res.getType() << ", which has no hardware register";
    resultRegs.push_back(addRegister("if_r", w));
    setPort(res, resultRegs.back() + ".out");
  }
  auto ifOp = cx::IfOp::create(ctrl, loc, *cond, StringAttr());
  Block &thenBlock = ifOp.getThenBody().emplaceBlock();
  Block &elseBlock = ifOp.getElseBody().emplaceBlock();
  auto lowerBranch = [&](Region &region, Block &target) -> LogicalResult {
    if (region.empty())
      return success();
    OpBuilder b = OpBuilder::atBlockEnd(&target);
    Block &src = region.front();
    if (failed(lowerBlock(src, b)))
      return failure();
    auto yield = cast<scf::YieldOp>(src.getTerminator());
    FailureOr<std::string> g =
        copyGroup(*this, "yield_if", resultRegs, yield.getOperands(), yield);
    if (failed(g))
      return failure();
    if (!g->empty())
      cx::EnableOp::create(b, loc, *g);
    return success();
  };
  if (failed(lowerBranch(branch.getThenRegion(), thenBlock)) ||
      failed(lowerBranch(branch.getElseRegion(), elseBlock)))
    return failure();
  // An empty else is no else; the IR keeps no empty block (it would not
  // survive printing and parsing).
  if (elseBlock.empty())
    elseBlock.erase();
  if (thenBlock.empty())
    thenBlock.erase();
  return success();
}

LogicalResult ComponentLowering::lowerWhile(Operation *op, OpBuilder &ctrl) {
  auto loop = cast<scf::WhileOp>(op);
  // The "before" arguments live in registers, initialized from the inits and
  // rewritten by the "after" region's yield.
  SmallVector<std::string> argRegs;
  for (BlockArgument arg : loop.getBeforeArguments()) {
    unsigned w = widthOf(arg.getType());
    if (!w)
      return loop.emitOpError("carries a value of type ")
             << arg.getType() << ", which has no hardware register";
    argRegs.push_back(addRegister("w", w));
    setPort(arg, argRegs.back() + ".out");
  }
  FailureOr<std::string> init =
      copyGroup(*this, "init_while", argRegs, loop.getInits(), op);
  if (failed(init))
    return failure();
  if (!init->empty())
    cx::EnableOp::create(ctrl, loc, *init);

  // The "before" region computes the condition: it runs once before the
  // loop and again at the end of every iteration (the same groups enabled
  // twice).
  Block &before = loop.getBefore().front();
  auto condOp = cast<scf::ConditionOp>(before.getTerminator());
  auto beforeSeq = cx::SeqOp::create(ctrl, loc);
  OpBuilder beforeB =
      OpBuilder::atBlockEnd(&beforeSeq.getBody().emplaceBlock());
  if (failed(lowerBlock(before, beforeB)))
    return failure();
  FailureOr<std::string> cond = portNotLiteral(condOp.getCondition(), condOp);
  if (failed(cond))
    return failure();
  // Values passed on by scf.condition are read where they are (registers or
  // wires of registers, stable until the before region runs again).
  for (auto [fwd, afterArg, res] : llvm::zip(
           condOp.getArgs(), loop.getAfterArguments(), loop.getResults())) {
    FailureOr<std::string> port = portOf(fwd, condOp);
    if (failed(port))
      return failure();
    setPort(afterArg, *port);
    setPort(res, *port);
  }
  auto whileOp = cx::WhileOp::create(ctrl, loc, *cond, StringAttr());
  OpBuilder inner = OpBuilder::atBlockEnd(&whileOp.getBody().emplaceBlock());
  Block &after = loop.getAfter().front();
  if (failed(lowerBlock(after, inner)))
    return failure();
  auto yield = cast<scf::YieldOp>(after.getTerminator());
  FailureOr<std::string> copy =
      copyGroup(*this, "next_while", argRegs, yield.getOperands(), yield);
  if (failed(copy))
    return failure();
  if (!copy->empty())
    cx::EnableOp::create(inner, loc, *copy);
  if (beforeSeq.getBody().front().empty())
    beforeSeq.erase();
  else
    inner.clone(*beforeSeq);
  return success();
}
