//===- OutlineRepeatedNests.cpp - one function per repeated loop nest -----===//
//
// Implements outline-repeated-nests: the top-level loop nests of a function
// that compute the same thing on different memories (an LSTM's gates at
// every time step, the heads of an attention layer, repeated blocks) become
// calls of one private function each, which lower-to-calyx turns into one
// component instance invoked once per use.
//
// Two nests are the same when a pre-order walk of both sees the same ops,
// attributes, types and operand wiring. Values a nest uses but does not
// define are its parameters, numbered by first use:
//   * memrefs are function arguments (ref memories in Calyx), except a
//     memref.alloc/alloca used by nothing else, which moves into the function;
//   * an index constant used only by arith.addi (an address offset) becomes
//     an argument (an input port) when the nests disagree on its value;
//   * every other constant (loop bounds, float coefficients, comparisons
//     against a bound) must have the same value in all nests and is cloned;
//   * any other value is an argument.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace torch2calyx {
#define GEN_PASS_DEF_OUTLINEREPEATEDNESTS
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;

namespace {

enum class ParamKind { Argument, Local, Constant, Offset };

/// A top-level nest, its signature and the outside values it uses.
struct Nest {
  Operation *op;
  std::string signature;
  SmallVector<Value> params;
  SmallVector<ParamKind> kinds;
};

bool isNestOp(Operation *op) {
  return isa<scf::ForOp, affine::AffineForOp>(op);
}

/// A memref.alloc/alloca whose every use is inside `nest`.
bool isLocalBuffer(Value v, Operation *nest) {
  Operation *def = v.getDefiningOp();
  if (!def || !isa<memref::AllocOp, memref::AllocaOp>(def))
    return false;
  return llvm::all_of(v.getUses(), [&](OpOperand &use) {
    return nest->isAncestor(use.getOwner());
  });
}

/// An index constant only used (inside `nest`) as an operand of arith.addi.
bool isOffsetConstant(Value v, Operation *nest) {
  if (!v.getType().isIndex() || !v.getDefiningOp<arith::ConstantOp>())
    return false;
  return llvm::all_of(v.getUses(), [&](OpOperand &use) {
    return !nest->isAncestor(use.getOwner()) ||
           isa<arith::AddIOp>(use.getOwner());
  });
}

/// Gives each outside index constant that an arith.addi in `nest` adds a
/// copy of its own in front of the nest, used only by those additions, so
/// that an offset shared (after CSE) with a loop bound can still become a
/// port.
void separateOffsets(Operation *nest) {
  llvm::DenseMap<Value, Value> copies;
  nest->walk([&](arith::AddIOp add) {
    for (OpOperand &operand : add->getOpOperands()) {
      auto c = operand.get().getDefiningOp<arith::ConstantOp>();
      if (!c || !c.getType().isIndex() || nest->isAncestor(c))
        continue;
      Value &copy = copies[c];
      if (!copy) {
        OpBuilder b(nest);
        copy = b.clone(*c)->getResult(0);
      }
      operand.set(copy);
    }
  });
}

std::string printed(Attribute a) {
  std::string s;
  llvm::raw_string_ostream os(s);
  a.print(os);
  return s;
}

std::string printed(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

Nest describe(Operation *top) {
  Nest nest{top, "", {}, {}};
  llvm::DenseMap<Value, unsigned> inner, outer;
  llvm::raw_string_ostream sig(nest.signature);
  auto name = [&](Value v) -> std::string {
    if (auto it = inner.find(v); it != inner.end())
      return "%" + std::to_string(it->second);
    auto [it, added] = outer.try_emplace(v, nest.params.size());
    if (!added)
      return "$" + std::to_string(it->second);
    ParamKind kind = ParamKind::Argument;
    std::string detail;
    if (isLocalBuffer(v, top)) {
      Operation *def = v.getDefiningOp();
      kind = ParamKind::Local;
      detail = def->getName().getStringRef().str() +
               printed(def->getAttrDictionary());
    } else if (isOffsetConstant(v, top)) {
      kind = ParamKind::Offset;
    } else if (auto c = v.getDefiningOp<arith::ConstantOp>()) {
      kind = ParamKind::Constant;
      detail = printed(c.getValue());
    }
    nest.params.push_back(v);
    nest.kinds.push_back(kind);
    return "$" + std::to_string(it->second) + "<" +
           std::to_string(static_cast<int>(kind)) + detail + ":" +
           printed(v.getType()) + ">";
  };
  top->walk<WalkOrder::PreOrder>([&](Operation *op) {
    sig << op->getName().getStringRef() << "(";
    for (Value v : op->getOperands())
      sig << name(v) << ",";
    sig << ")";
    for (NamedAttribute attr : op->getAttrs())
      sig << attr.getName().getValue() << "=" << printed(attr.getValue())
          << ";";
    for (Region &region : op->getRegions()) {
      sig << "{";
      for (Block &block : region) {
        sig << "^";
        for (BlockArgument arg : block.getArguments()) {
          inner.try_emplace(arg, inner.size());
          sig << printed(arg.getType()) << ",";
        }
      }
      sig << "}";
    }
    for (Value r : op->getResults()) {
      inner.try_emplace(r, inner.size());
      sig << printed(r.getType()) << ",";
    }
    sig << "\n";
  });
  return nest;
}

/// Which offset parameters take the same constant in every nest of a group
/// (those are cloned into the function rather than passed).
bool sameConstant(ArrayRef<Nest *> group, unsigned k) {
  auto first = group.front()->params[k].getDefiningOp<arith::ConstantOp>();
  return llvm::all_of(group, [&](Nest *n) {
    auto c = n->params[k].getDefiningOp<arith::ConstantOp>();
    return c && c.getValue() == first.getValue();
  });
}

struct OutlineRepeatedNestsPass
    : torch2calyx::impl::OutlineRepeatedNestsBase<OutlineRepeatedNestsPass> {
  using OutlineRepeatedNestsBase::OutlineRepeatedNestsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    unsigned counter = 0;
    for (func::FuncOp fn : funcs) {
      if (fn.isExternal())
        continue;
      std::vector<Nest> nests;
      for (Operation &op : fn.getBody().front())
        if (isNestOp(&op)) {
          separateOffsets(&op);
          nests.push_back(describe(&op));
        }
      // Groups in program order of their first nest.
      llvm::MapVector<StringRef, SmallVector<Nest *>> groups;
      for (Nest &n : nests)
        groups[n.signature].push_back(&n);
      for (auto &[sig, group] : groups) {
        if (group.size() < std::max<unsigned>(2, minUses))
          continue;
        outline(fn, group, symbols, counter++);
      }
      // Offset copies (and constants) nothing uses any more go.
      eraseDeadConstants(fn);
    }
  }

  static void eraseDeadConstants(func::FuncOp fn) {
    for (Operation &op : llvm::make_early_inc_range(fn.getBody().front()))
      if (isa<arith::ConstantOp>(op) && op.use_empty())
        op.erase();
  }

  void outline(func::FuncOp fn, ArrayRef<Nest *> group, SymbolTable &symbols,
               unsigned index) {
    Nest &first = *group.front();
    SmallVector<unsigned> passed;
    for (auto [k, kind] : llvm::enumerate(first.kinds))
      if (kind == ParamKind::Argument ||
          (kind == ParamKind::Offset && !sameConstant(group, k)))
        passed.push_back(k);
    SmallVector<Type> types;
    for (unsigned k : passed)
      types.push_back(first.params[k].getType());
    OpBuilder b(fn);
    std::string name = (prefix + std::to_string(index)).str();
    auto callee = func::FuncOp::create(b, first.op->getLoc(), name,
                                       b.getFunctionType(types, {}));
    callee.setPrivate();
    symbols.insert(callee);
    Block *body = callee.addEntryBlock();
    OpBuilder in = OpBuilder::atBlockEnd(body);
    IRMapping map;
    for (auto [k, value] : llvm::enumerate(first.params)) {
      auto pos = llvm::find(passed, k);
      if (pos != passed.end()) {
        map.map(value, body->getArgument(pos - passed.begin()));
        continue;
      }
      map.map(value, in.clone(*value.getDefiningOp())->getResult(0));
    }
    in.clone(*first.op, map);
    func::ReturnOp::create(in, first.op->getLoc());
    for (Nest *n : group) {
      SmallVector<Value> args;
      for (unsigned k : passed)
        args.push_back(n->params[k]);
      OpBuilder at(n->op);
      auto call = func::CallOp::create(at, n->op->getLoc(), callee, args);
      call->setAttr("t2c.shared", at.getUnitAttr());
      n->op->erase();
      for (auto [k, value] : llvm::enumerate(n->params))
        if (n->kinds[k] == ParamKind::Local && value.use_empty())
          value.getDefiningOp()->erase();
    }
  }
};

} // namespace
