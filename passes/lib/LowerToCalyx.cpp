//===- LowerToCalyx.cpp - loop-level MLIR to the calyx dialect ------------===//
//
// Implements lower-to-calyx: the driver (stages of the pass) and the
// component-building helpers shared by the op-family files.
//
//===----------------------------------------------------------------------===//

#include "LowerToCalyx.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"

#include "torch2calyx/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/DenseSet.h"

#include <functional>

namespace torch2calyx {
#define GEN_PASS_DEF_LOWERTOCALYX
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;
namespace cx = torch2calyx::calyx;

//===----------------------------------------------------------------------===//
// ComponentLowering: names, cells, groups, assignments
//===----------------------------------------------------------------------===//

ComponentLowering::ComponentLowering(func::FuncOp fn, cx::ComponentOp comp)
    : fn(fn), comp(comp), loc(fn.getLoc()), groupLoc(fn.getLoc()),
      cellBuilder(comp.getContext()),
      wireBuilder(comp.getContext()) {
  // Cells in creation order at the top of the component, then groups and
  // continuous assignments, then the control op (export-calyx sorts them
  // anyway; this keeps the IR readable).
  auto control = *comp.getBody().getOps<cx::ControlOp>().begin();
  wireBuilder.setInsertionPoint(control);
}

std::string ComponentLowering::uniqueName(StringRef base) {
  std::string clean;
  for (char c : base)
    clean.push_back(llvm::isAlnum(c) || c == '_' ? c : '_');
  if (clean.empty() || llvm::isDigit(clean.front()))
    clean.insert(clean.begin(), '_');
  // Calyx and SystemVerilog keywords cannot name a cell or group.
  static const llvm::StringSet<> reserved = {
      "and",      "or",      "xor",       "not",        "nand",    "nor",
      "xnor",     "buf",     "reg",       "wire",       "logic",   "bit",
      "byte",     "int",     "integer",   "real",       "time",    "input",
      "output",   "inout",   "module",    "begin",      "end",     "if",
      "else",     "for",     "while",     "do",         "case",    "assign",
      "always",   "initial", "function",  "task",       "return",  "repeat",
      "forever",  "break",   "continue",  "const",      "static",  "struct",
      "union",    "enum",    "class",     "package",    "import",  "export",
      "generate", "genvar",  "parameter", "localparam", "signed",  "unsigned",
      "default",  "inside",  "with",      "seq",        "par",     "group",
      "cells",    "wires",   "control",   "component",  "invoke",  "comb",
      "ref",      "extern",  "primitive", "new",        "null",    "this",
      "type",     "var",     "string",    "edge",       "posedge", "negedge",
      "table",    "cover",   "assert",    "assume",     "final",   "unique",
      "priority", "void",    "shortint",  "longint",    "event"};
  std::string name = clean;
  unsigned &n = nameCounts[clean];
  if (reserved.contains(name))
    name = clean + "_" + std::to_string(n);
  while (usedNames.contains(name))
    name = clean + "_" + std::to_string(++n);
  usedNames.insert(name);
  return name;
}

std::string ComponentLowering::addCell(StringRef base, StringRef primitive,
                                       ArrayRef<int64_t> params,
                                       bool external) {
  std::string name = uniqueName(base);
  if (lastCell)
    cellBuilder.setInsertionPointAfter(lastCell);
  else
    cellBuilder.setInsertionPointToStart(&comp.getBody().front());
  auto cell = cx::CellOp::create(cellBuilder, loc, name, primitive,
                                 cellBuilder.getDenseI64ArrayAttr(params));
  lastCell = cell;
  if (external)
    cell.setExternal(true);
  return name;
}

std::string ComponentLowering::sharedUnit(StringRef base, StringRef primitive,
                                          ArrayRef<int64_t> params) {
  std::string key = primitive.str();
  for (int64_t p : params)
    key += "_" + std::to_string(p);
  return sharedUnit(base, primitive, params, key);
}

std::string ComponentLowering::sharedUnit(StringRef base, StringRef primitive,
                                          ArrayRef<int64_t> params,
                                          StringRef key) {
  auto it = units.find(key);
  if (it != units.end())
    return it->second;
  std::string name = addCell(base, primitive, params);
  units[key] = name;
  if (callee) {
    cast<cx::CellOp>(lastCell).setRef(true);
    refUnits.push_back({name, base.str(), primitive.str(), key.str(),
                        SmallVector<int64_t, 4>(params)});
  }
  return name;
}

void ComponentLowering::hoistUnitModes() {
  static const llvm::StringSet<> modes = {"control", "roundingMode", "subOp",
                                          "sqrtOp",  "signedIn",     "signedOut"};
  llvm::StringSet<> hoistable;
  for (auto &u : units)
    hoistable.insert(u.getValue());
  for (auto &inv : invokes)
    for (StringRef bind : inv.getValue().refs)
      hoistable.erase(bind.split('=').second);
  // Per mode port: its assignments, and whether all set one constant.
  struct Uses {
    SmallVector<cx::AssignOp> assigns;
    bool uniform = true;
  };
  llvm::MapVector<StringRef, Uses> byPort; // uniqued attribute strings
  comp.walk([&](cx::AssignOp a) {
    auto [cell, port] = a.getDst().split('.');
    if (!hoistable.contains(cell) || !modes.contains(port))
      return;
    Uses &uses = byPort[a.getDst()];
    uses.uniform &= !a.getGuard() && a.getSrc().contains('\'') &&
                    (uses.assigns.empty() ||
                     uses.assigns.front().getSrc() == a.getSrc());
    uses.assigns.push_back(a);
  });
  for (auto &[dst, uses] : byPort) {
    if (!uses.uniform)
      continue;
    assign(dst, uses.assigns.front().getSrc().str());
    for (cx::AssignOp a : uses.assigns)
      a.erase();
  }
}

std::string ComponentLowering::combCell(StringRef base, StringRef primitive,
                                        ArrayRef<int64_t> params,
                                        StringRef input) {
  std::string key = primitive.str();
  for (int64_t p : params)
    key += "_" + std::to_string(p);
  key += "|" + input.str();
  auto it = combCells.find(key);
  if (it != combCells.end())
    return it->second;
  std::string name = addCell(base, primitive, params);
  assign(name + ".in", input);
  combCells[key] = name;
  return name;
}

std::string ComponentLowering::addRegister(StringRef base, unsigned width) {
  return addCell(base, "std_reg", {static_cast<int64_t>(width)});
}

cx::GroupOp ComponentLowering::addGroup(StringRef base, bool comb) {
  std::string name = uniqueName(base);
  auto group = cx::GroupOp::create(wireBuilder, groupLoc, name, comb,
                                   /*latency=*/IntegerAttr());
  group.getBody().emplaceBlock();
  // Cells stay in front of every group.
  if (!cellBuilder.getInsertionBlock())
    cellBuilder.setInsertionPoint(group);
  return group;
}

void ComponentLowering::assign(cx::GroupOp group, StringRef dst, StringRef src,
                               StringRef guard) {
  OpBuilder b = OpBuilder::atBlockEnd(&group.getBody().front());
  cx::AssignOp::create(b, loc, dst, src,
                       guard.empty() ? StringAttr() : b.getStringAttr(guard));
}

void ComponentLowering::assign(StringRef dst, StringRef src, StringRef guard) {
  cx::AssignOp::create(wireBuilder, loc, dst, src,
                       guard.empty() ? StringAttr()
                                     : wireBuilder.getStringAttr(guard));
}

void ComponentLowering::done(cx::GroupOp group, StringRef src) {
  assign(group, (group.getSymName() + "[done]").str(), src);
}

std::string ComponentLowering::literal(unsigned width, const APInt &value) {
  return std::to_string(width) + "'d" +
         llvm::toString(value.zextOrTrunc(width), 10, /*Signed=*/false);
}

std::string ComponentLowering::literal(unsigned width, uint64_t value) {
  return literal(width, APInt(64, value));
}

unsigned ComponentLowering::widthOf(Type type) {
  if (type.isIndex())
    return kIndexWidth;
  if (type.isIntOrFloat())
    return type.getIntOrFloatBitWidth();
  return 0;
}

FailureOr<std::string> ComponentLowering::portOf(Value value, Operation *user) {
  if (auto c = value.getDefiningOp<arith::ConstantOp>()) {
    unsigned w = widthOf(c.getType());
    if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
      return literal(w, i.getValue());
    if (auto f = dyn_cast<FloatAttr>(c.getValue()))
      return literal(w, f.getValue().bitcastToAPInt());
  }
  auto it = ports.find(value);
  if (it != ports.end())
    return it->second;
  Operation *def = value.getDefiningOp();
  InFlightDiagnostic diag = user->emitOpError("uses a value ");
  if (def)
    diag << "defined by '" << def->getName()
         << "', which lower-to-calyx could not lower";
  else
    diag << "(block argument) that has no hardware equivalent";
  return failure();
}

FailureOr<std::string> ComponentLowering::portNotLiteral(Value value,
                                                         Operation *user) {
  FailureOr<std::string> p = portOf(value, user);
  if (failed(p) || p->find('\'') == std::string::npos)
    return p;
  std::string wire = addCell("const", "std_wire",
                             {static_cast<int64_t>(widthOf(value.getType()))});
  assign(wire + ".in", *p);
  return wire + ".out";
}

std::string ComponentLowering::resultRegister(Value value, StringRef base) {
  auto it = presetRegisters.find(value);
  if (it != presetRegisters.end())
    return it->second;
  return addRegister(base, widthOf(value.getType()));
}

cx::GroupOp ComponentLowering::unitGroup(StringRef base, StringRef unit,
                                         Value result, std::string &reg) {
  reg = resultRegister(result, (base + "_r").str());
  cx::GroupOp group = addGroup(base);
  assign(group, (unit + ".go").str(), "1'd1", ("!" + unit + ".done").str());
  assign(group, reg + ".write_en", "1'd1", (unit + ".done").str());
  done(group, reg + ".done");
  return group;
}

//===----------------------------------------------------------------------===//
// ComponentLowering::run
//===----------------------------------------------------------------------===//

LogicalResult ComponentLowering::run() {
  if (failed(lowerArguments()))
    return failure();
  auto control = *comp.getBody().getOps<cx::ControlOp>().begin();
  OpBuilder ctrl = OpBuilder::atBlockEnd(&control.getBody().front());
  Block &body = fn.getBody().front();
  auto ret = dyn_cast<func::ReturnOp>(body.getTerminator());
  if (ret && ret.getNumOperands() != 0 && !callee) {
    return ret.emitOpError("returns values; lower-to-calyx needs results in "
                           "memref out-parameters (run "
                           "--buffer-results-to-out-params first)");
  }
  if (failed(lowerBlock(body, ctrl)))
    return failure();
  finishInvokes();
  if (!callee || !ret)
    return success();
  // A callee's results drive its output ports; they are read right after
  // the invoke, while the values stay in their registers.
  for (auto [k, value] : llvm::enumerate(ret.getOperands())) {
    unsigned width = widthOf(value.getType());
    std::string port = "out" + std::to_string(k);
    if (width == 0 || uniqueName(port) != port)
      return ret.emitOpError("result ")
             << k << " of type " << value.getType()
             << " cannot be an output port of a Calyx component; return "
                "integers, floats or indices (memrefs as out-parameters)";
    FailureOr<std::string> src = portOf(value, ret);
    if (failed(src))
      return failure();
    assign(port, *src);
    outputPorts.push_back(port + ":" + std::to_string(width));
  }
  return success();
}

std::optional<FailureOr<Stmt>> ComponentLowering::lowerCall(Operation *op) {
  auto call = dyn_cast<func::CallOp>(op);
  if (!call)
    return std::nullopt;
  auto target = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      call, call.getCalleeAttr());
  if (!target || target.isExternal()) {
    call.emitOpError("calls '")
        << call.getCallee()
        << "', which has no body in this module; Calyx needs the callee's "
           "definition to build its component";
    return FailureOr<Stmt>(failure());
  }
  std::string &instance = instances[call.getCallee()];
  if (instance.empty())
    instance = addCell((call.getCallee() + "_inst").str(), call.getCallee(), {});
  PendingInvoke inv;
  inv.instance = instance;
  Stmt stmt;
  stmt.resources.push_back(instance);
  // The callee's units are this component's (its own, or its caller's).
  if (calleeUnits)
    for (const RefUnit &u : calleeUnits->lookup(call.getCallee())) {
      std::string actual = sharedUnit(u.base, u.primitive, u.params, u.key);
      inv.refs.push_back(u.cell + "=" + actual);
      stmt.resources.push_back(actual);
    }
  for (auto [k, operand] : llvm::enumerate(call.getOperands())) {
    if (isa<MemRefType>(operand.getType())) {
      auto it = memories.find(operand);
      if (it == memories.end()) {
        call.emitOpError("passes operand ")
            << k << ", a memref that is neither an argument nor a memref.alloc "
            << "of '" << fn.getSymName() << "'";
        return FailureOr<Stmt>(failure());
      }
      std::string formal = "arg" + std::to_string(k);
      if (auto attr = target.getArgAttrOfType<StringAttr>(k, "t2c.name"))
        formal = attr.getValue().str();
      inv.refs.push_back(formal + "=" + it->second.cell);
      if (!llvm::is_contained(stmt.resources, it->second.cell))
        stmt.resources.push_back(it->second.cell);
      continue;
    }
    FailureOr<std::string> src = portOf(operand, call);
    if (failed(src))
      return FailureOr<Stmt>(failure());
    inv.inputs.push_back("arg" + std::to_string(k) + "=" + *src);
  }
  // The results are latched into registers right after the invoke (the
  // instance's outputs change when it is invoked again).
  if (call.getNumResults() != 0) {
    cx::GroupOp latch = addGroup(("ret_" + call.getCallee()).str());
    std::string first;
    for (auto [k, result] : llvm::enumerate(call.getResults())) {
      std::string reg = resultRegister(result, (call.getCallee() + "_r").str());
      assign(latch, reg + ".in", instance + ".out" + std::to_string(k));
      assign(latch, reg + ".write_en", "1'd1");
      if (first.empty())
        first = reg;
      setPort(result, reg + ".out");
    }
    done(latch, first + ".done");
    inv.latch = latch.getSymName().str();
  }
  // A placeholder group scheduled like any statement; finishInvokes turns
  // its enable into the invoke.
  cx::GroupOp group = addGroup(("invoke_" + call.getCallee()).str());
  stmt.group = group.getSymName().str();
  invokes[stmt.group] = std::move(inv);
  return FailureOr<Stmt>(std::move(stmt));
}

void ComponentLowering::finishInvokes() {
  if (invokes.empty())
    return;
  SmallVector<cx::EnableOp> enables;
  comp.walk([&](cx::EnableOp e) {
    if (invokes.contains(e.getGroup()))
      enables.push_back(e);
  });
  for (cx::EnableOp e : enables) {
    const PendingInvoke &inv = invokes.find(e.getGroup())->second;
    OpBuilder b(e);
    auto strs = [&](ArrayRef<std::string> items) {
      SmallVector<StringRef> refs(items.begin(), items.end());
      return b.getStrArrayAttr(refs);
    };
    if (!inv.latch.empty()) {
      auto seq = cx::SeqOp::create(b, e.getLoc());
      b.setInsertionPointToStart(&seq.getBody().emplaceBlock());
    }
    cx::InvokeOp::create(b, e.getLoc(), inv.instance, strs(inv.refs),
                         strs(inv.inputs), strs(inv.outputs));
    if (!inv.latch.empty())
      cx::EnableOp::create(b, e.getLoc(), inv.latch);
    e.erase();
  }
  for (auto group :
       llvm::make_early_inc_range(comp.getBody().getOps<cx::GroupOp>()))
    if (invokes.contains(group.getSymName()))
      group.erase();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {

/// Picks the function to lower: `top` when given, else the only function
/// with a body, else the only public one.
FailureOr<func::FuncOp> findTop(ModuleOp module, StringRef top) {
  SmallVector<func::FuncOp> defined, publics;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal())
      continue;
    if (!top.empty() && fn.getSymName() == top)
      return fn;
    defined.push_back(fn);
    if (fn.isPublic())
      publics.push_back(fn);
  }
  if (!top.empty()) {
    module.emitError("no function named '") << top
                                            << "' to lower; check "
                                               "the top= option";
    return failure();
  }
  if (defined.size() == 1)
    return defined.front();
  if (publics.size() == 1)
    return publics.front();
  (defined.empty() ? module.emitError() : defined.front().emitError())
      << "found " << defined.size()
      << " functions and cannot tell which is the design; pass "
         "--lower-to-calyx=top=<name> (or inline calls with --inline)";
  return failure();
}

} // namespace

/// Rewrites affine ops into scf/arith/memref and folds what that exposes.
LogicalResult torch2calyx::lowering::lowerAffine(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  RewritePatternSet patterns(ctx);
  populateAffineToStdConversionPatterns(patterns);
  ConversionTarget target(*ctx);
  target.addLegalDialect<arith::ArithDialect, scf::SCFDialect,
                         memref::MemRefDialect, func::FuncDialect,
                         math::MathDialect, cf::ControlFlowDialect>();
  target.addIllegalDialect<affine::AffineDialect>();
  if (failed(applyPartialConversion(module, target, std::move(patterns))))
    return failure();
  RewritePatternSet canon(ctx);
  for (Dialect *d : ctx->getLoadedDialects())
    d->getCanonicalizationPatterns(canon);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(canon, ctx);
  if (failed(applyPatternsGreedily(module, std::move(canon))))
    return failure();
  IRRewriter rewriter(ctx);
  DominanceInfo dominance(module);
  eliminateCommonSubExpressions(rewriter, dominance, module);
  return success();
}

namespace {

struct LowerToCalyxPass
    : torch2calyx::impl::LowerToCalyxBase<LowerToCalyxPass> {
  using LowerToCalyxBase::LowerToCalyxBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (floatStages != 2 && floatStages != 4 && floatStages != 7) {
      module.emitError("lower-to-calyx: float-stages=")
          << static_cast<int>(floatStages)
          << " is not a depth of the float units; choose 2, 4 or 7";
      return signalPassFailure();
    }
    /// 1. affine -> scf + arith + memref, then canonicalize.
    if (failed(lowerAffine(module)))
      return signalPassFailure();
    /// 2. With inline-calls, inline func.call: callees become part of the
    ///    top component and share its units and memories.
    bool hasCalls = false;
    module.walk([&](func::CallOp) { hasCalls = true; });
    if (hasCalls && inlineCalls) {
      OpPassManager inliner(ModuleOp::getOperationName());
      inliner.addPass(createInlinerPass());
      if (failed(runPipeline(inliner, module)))
        return signalPassFailure();
      module.walk([&](func::CallOp call) {
        call.emitOpError("could not be inlined (recursive call?); "
                         "lower-to-calyx needs a call-free design");
        hasCalls = false;
      });
      if (!hasCalls)
        return signalPassFailure();
    }
    /// 3. Pick the design's function and the functions it calls (callees
    ///    first); a recursive call is an error.
    FailureOr<func::FuncOp> fn = findTop(module, top);
    if (failed(fn))
      return signalPassFailure();
    SmallVector<func::FuncOp> order;
    llvm::DenseSet<Operation *> done, active;
    bool ok = true;
    std::function<void(func::FuncOp)> visit = [&](func::FuncOp f) {
      active.insert(f);
      f.walk([&](func::CallOp call) {
        auto target = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
            call, call.getCalleeAttr());
        if (!target || target.isExternal() || done.contains(target))
          return;
        if (active.contains(target)) {
          call.emitOpError("calls '")
              << call.getCallee()
              << "' recursively; a Calyx component cannot invoke itself "
                 "(rewrite the recursion as a loop)";
          ok = false;
          return;
        }
        visit(target);
      });
      active.erase(f);
      done.insert(f);
      order.push_back(f);
    };
    visit(*fn);
    if (!ok)
      return signalPassFailure();
    /// 4. Keep accumulators in registers, merge repeated loads (a call
    ///    counts as reading and writing every memory it is passed).
    for (func::FuncOp f : order) {
      hoistAccumulators(f);
      mergeRepeatedLoads(f);
    }
    /// 5. Build the program: one component per callee (named after the
    ///    function), then "main" for the design's function.
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto program = cx::ProgramOp::create(b, fn->getLoc());
    program.getBody().emplaceBlock();
    // The units each component takes from its callers.
    llvm::StringMap<SmallVector<ComponentLowering::RefUnit>> unitsOf;
    for (func::FuncOp f : order) {
      bool isTop = f == *fn;
      b.setInsertionPointToEnd(&program.getBody().front());
      auto comp = cx::ComponentOp::create(
          b, f.getLoc(), isTop ? StringRef("main") : f.getSymName(),
          b.getStrArrayAttr({}), b.getStrArrayAttr({}), isTop);
      comp.getBody().emplaceBlock();
      b.setInsertionPointToEnd(&comp.getBody().front());
      cx::ControlOp::create(b, f.getLoc()).getBody().emplaceBlock();
      ComponentLowering lowering(f, comp);
      lowering.callee = !isTop;
      lowering.calleeUnits = &unitsOf;
      lowering.floatStages = static_cast<int>(floatStages);
      if (failed(lowering.run())) {
        program.erase();
        return signalPassFailure();
      }
      lowering.dropUnusedAllocCells();
      lowering.hoistUnitModes();
      if (!isTop)
        unitsOf[f.getSymName()] = lowering.refUnits;
      SmallVector<StringRef> ins(lowering.inputPorts.begin(),
                                 lowering.inputPorts.end());
      SmallVector<StringRef> outs(lowering.outputPorts.begin(),
                                  lowering.outputPorts.end());
      comp.setInputsAttr(b.getStrArrayAttr(ins));
      comp.setOutputsAttr(b.getStrArrayAttr(outs));
    }
    /// 6. The function is now the program: drop the source functions.
    for (auto f : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      f.erase();
  }
};

} // namespace
