//===- OutlineRepeatedNests.cpp - one function per repeated loop nest -----===//
//
// Implements outline-repeated-nests: runs of consecutive top-level loop nests
// of a function that compute the same thing on different memories (an LSTM's
// time steps, the heads of an attention layer, repeated blocks) become calls
// of one private function each, which lower-to-calyx turns into one component
// instance invoked once per use.
//
// The stages, in order:
//   1. normalize: every memory index gets an offset slot (`addi %x, %c`, with
//      a zero offset added where there was none) and every index constant a
//      nest adds or indexes with gets a copy of its own, so that address
//      offsets can become ports;
//   2. describe each run of adjacent nests by a signature (ops, attributes,
//      types and operand wiring in a pre-order walk) and its parameters (the
//      values it uses but does not define);
//   3. repeatedly outline the family of equal runs that saves the most ops;
//   4. undo stage 1 in the nests that stay.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/DenseSet.h"
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

/// A run of adjacent top-level nests, its signature and the outside values it
/// uses, numbered by first use.
struct Run {
  SmallVector<Operation *> ops;
  std::string signature;
  SmallVector<Value> params;
  SmallVector<ParamKind> kinds;
  unsigned size = 0; // ops in the run
};

bool isNestOp(Operation *op) { return isa<scf::ForOp>(op); }

bool inRun(Operation *op, ArrayRef<Operation *> run) {
  return llvm::any_of(run, [&](Operation *n) { return n->isAncestor(op); });
}

/// A memref.alloc/alloca whose every use is inside `run`, and not a named
/// memory (weights that externalize-globals{internal} initializes from data
/// stay in the caller, passed by reference).
bool isLocalBuffer(Value v, ArrayRef<Operation *> run) {
  Operation *def = v.getDefiningOp();
  if (!def || !isa<memref::AllocOp, memref::AllocaOp>(def) ||
      def->hasAttr("t2c.name"))
    return false;
  return llvm::all_of(v.getUses(),
                      [&](OpOperand &use) { return inRun(use.getOwner(), run); });
}

/// The index operands of a memory access.
MutableOperandRange indicesOf(Operation *op) {
  if (auto l = dyn_cast<memref::LoadOp>(op))
    return l.getIndicesMutable();
  return cast<memref::StoreOp>(op).getIndicesMutable();
}

/// An index constant defined outside `run` and used only (inside the run) as
/// an operand of arith.addi or as a memory index: an address offset. After
/// normalize() every such constant has one use.
bool isOffsetConstant(Value v, ArrayRef<Operation *> run) {
  if (!v.getType().isIndex() || !v.getDefiningOp<arith::ConstantOp>())
    return false;
  return llvm::all_of(v.getUses(), [&](OpOperand &use) {
    Operation *user = use.getOwner();
    if (!inRun(user, run))
      return true;
    if (isa<arith::AddIOp>(user))
      return true;
    if (isa<memref::LoadOp, memref::StoreOp>(user))
      return use.getOperandNumber() >= (isa<memref::StoreOp>(user) ? 2u : 1u);
    return false;
  });
}

/// What normalize() added, so that the nests that stay can be restored.
struct Added {
  SmallVector<std::pair<Operation *, Value>> copies; // copy, original
  llvm::DenseSet<Operation *> zeros; // the %c0 of each added `addi %x, %c0`
  llvm::DenseSet<Operation *> fresh; // copies and zeros
};

/// An index constant defined outside `nest`, else null.
arith::ConstantOp outsideIndexConstant(Value v, Operation *nest) {
  auto c = v.getDefiningOp<arith::ConstantOp>();
  if (!c || !c.getType().isIndex() || nest->isAncestor(c))
    return nullptr;
  return c;
}

/// Marks the additions normalize() inserted or cloned.
constexpr StringLiteral kOffsetMark = "t2c.outline_offset";

/// Stage 1 on one nest (see the file comment): every memory access gets an
/// addition of its own, `addi %x, %c` with `%c` a copy of an outside index
/// constant used by nothing else.
void normalize(Operation *nest, Added &added) {
  OpBuilder front(nest);
  UnitAttr mark = front.getUnitAttr();
  auto copyOf = [&](arith::ConstantOp c) {
    Operation *copy = front.clone(*c);
    added.copies.push_back({copy, c.getResult()});
    added.fresh.insert(copy);
    return copy->getResult(0);
  };
  auto hasOffset = [&](Value index) {
    auto add = index.getDefiningOp<arith::AddIOp>();
    return add && nest->isAncestor(add) &&
           (outsideIndexConstant(add.getLhs(), nest) ||
            outsideIndexConstant(add.getRhs(), nest));
  };
  nest->walk([&](Operation *op) {
    if (!isa<memref::LoadOp, memref::StoreOp>(op))
      return;
    for (OpOperand &operand : indicesOf(op)) {
      Value index = operand.get();
      if (auto c = outsideIndexConstant(index, nest)) {
        operand.set(copyOf(c));
        continue;
      }
      if (!nest->isAncestor(index.getParentBlock()->getParentOp()))
        continue; // an outside value that is no constant: an argument
      OpBuilder b(op);
      if (hasOffset(index)) {
        if (index.hasOneUse())
          continue;
        Operation *clone = b.clone(*index.getDefiningOp());
        clone->setAttr(kOffsetMark, mark);
        operand.set(clone->getResult(0));
        continue;
      }
      Value zero = arith::ConstantIndexOp::create(front, nest->getLoc(), 0);
      added.zeros.insert(zero.getDefiningOp());
      added.fresh.insert(zero.getDefiningOp());
      auto add = arith::AddIOp::create(b, op->getLoc(), index, zero);
      add->setAttr(kOffsetMark, mark);
      operand.set(add.getResult());
    }
  });
  // Every outside index constant an addition uses gets its own copy.
  nest->walk([&](arith::AddIOp add) {
    for (OpOperand &operand : add->getOpOperands())
      if (auto c = outsideIndexConstant(operand.get(), nest);
          c && !added.fresh.contains(c))
        operand.set(copyOf(c));
  });
}

/// Stage 4: the nests that stay (in `body`) get their original indices back.
/// The copies are in `body` itself, so none was erased with an outlined nest.
void restore(Block &body, Added &added) {
  for (auto [copy, original] : added.copies)
    copy->getResult(0).replaceAllUsesWith(original);
  SmallVector<arith::AddIOp> marked;
  for (Operation &nest : body)
    if (isNestOp(&nest))
      nest.walk([&](arith::AddIOp add) {
        if (add->hasAttr(kOffsetMark))
          marked.push_back(add);
      });
  for (arith::AddIOp add : marked) {
    Value same = add.getLhs(); // `+ 0`
    if (Operation *def = add.getRhs().getDefiningOp();
        !def || !added.zeros.contains(def)) {
      // a clone: the addition it copies comes before it
      same = nullptr;
      for (Operation *user : add.getLhs().getUsers())
        if (auto orig = dyn_cast<arith::AddIOp>(user);
            orig && orig != add && !orig->hasAttr(kOffsetMark) &&
            orig.getLhs() == add.getLhs() && orig.getRhs() == add.getRhs() &&
            orig->getParentRegion()->isAncestor(add->getParentRegion()) &&
            (orig->getBlock() != add->getBlock() ||
             orig->isBeforeInBlock(add)))
          same = orig.getResult();
    }
    if (!same) {
      add->removeAttr(kOffsetMark);
      continue;
    }
    add.getResult().replaceAllUsesWith(same);
    add.erase();
  }
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

/// Stage 2: the signature and parameters of a run.
Run describe(ArrayRef<Operation *> ops) {
  Run run;
  run.ops.assign(ops.begin(), ops.end());
  llvm::DenseMap<Value, unsigned> inner, outer;
  llvm::raw_string_ostream sig(run.signature);
  auto name = [&](Value v) -> std::string {
    if (auto it = inner.find(v); it != inner.end())
      return "%" + std::to_string(it->second);
    auto [it, added] = outer.try_emplace(v, run.params.size());
    if (!added)
      return "$" + std::to_string(it->second);
    ParamKind kind = ParamKind::Argument;
    std::string detail;
    if (isLocalBuffer(v, ops)) {
      Operation *def = v.getDefiningOp();
      kind = ParamKind::Local;
      detail = def->getName().getStringRef().str() +
               printed(def->getAttrDictionary());
    } else if (isOffsetConstant(v, ops)) {
      kind = ParamKind::Offset;
    } else if (auto c = v.getDefiningOp<arith::ConstantOp>()) {
      kind = ParamKind::Constant;
      detail = printed(c.getValue());
    }
    run.params.push_back(v);
    run.kinds.push_back(kind);
    return "$" + std::to_string(it->second) + "<" +
           std::to_string(static_cast<int>(kind)) + detail + ":" +
           printed(v.getType()) + ">";
  };
  for (Operation *top : ops)
    top->walk<WalkOrder::PreOrder>([&](Operation *op) {
      ++run.size;
      sig << op->getName().getStringRef() << "(";
      for (Value v : op->getOperands())
        sig << name(v) << ",";
      sig << ")";
      for (NamedAttribute attr : op->getAttrs())
        if (attr.getName() != kOffsetMark)
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
  return run;
}

/// The constant value of parameter `k` in every run of `group`, or an empty
/// list when it is not a constant in all of them.
SmallVector<Attribute> valuesOf(ArrayRef<Run> group, unsigned k) {
  SmallVector<Attribute> values;
  for (const Run &r : group) {
    auto c = r.params[k].getDefiningOp<arith::ConstantOp>();
    if (!c)
      return {};
    values.push_back(c.getValue());
  }
  return values;
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
      if (fn.isExternal() || !fn.getBody().hasOneBlock())
        continue;
      Block &body = fn.getBody().front();
      /// 1. Offsets as separate constants.
      Added added;
      SmallVector<Operation *> nests;
      for (Operation &op : body)
        if (isNestOp(&op))
          nests.push_back(&op);
      if (nests.size() < 2)
        continue;
      for (Operation *nest : nests)
        normalize(nest, added);
      /// 2-3. Outline the best family of equal runs until none is left.
      SmallVector<func::FuncOp> outlined;
      while (std::optional<SmallVector<Run>> group = bestFamily(body)) {
        outlined.push_back(outline(fn, *group, symbols, counter++));
      }
      /// 4. The nests that stay get back their indices; unused copies go.
      restore(body, added);
      // (Constants of the input that were already unused stay, unless
      // something was outlined.)
      for (Operation &op : llvm::make_early_inc_range(body))
        if (isa<arith::ConstantOp>(op) && op.use_empty() &&
            (!outlined.empty() || added.fresh.contains(&op)))
          op.erase();
      // The outlined functions drop the zero offsets they do not need.
      for (func::FuncOp f : outlined) {
        f.walk([](arith::AddIOp add) { add->removeAttr(kOffsetMark); });
        RewritePatternSet patterns(&getContext());
        arith::AddIOp::getCanonicalizationPatterns(patterns, &getContext());
        (void)applyPatternsGreedily(f, std::move(patterns));
      }
    }
  }

  /// The runs of `maxRun` or fewer adjacent top-level nests of `body`, grouped
  /// by signature; returns the non-overlapping runs of the family that saves
  /// the most ops ((uses - 1) x ops per run), if any occurs `minUses` times.
  std::optional<SmallVector<Run>> bestFamily(Block &body) {
    // Nests and whether each is adjacent to the next (only constants and
    // allocations between them).
    SmallVector<Operation *> nests;
    SmallVector<bool> adjacent;
    bool gapClean = false;
    for (Operation &op : body) {
      if (isNestOp(&op)) {
        if (!nests.empty())
          adjacent.push_back(gapClean);
        nests.push_back(&op);
        gapClean = true;
        continue;
      }
      if (!isa<arith::ConstantOp, memref::AllocOp, memref::AllocaOp>(op))
        gapClean = false;
    }
    unsigned uses = std::max<unsigned>(2, minUses);
    std::optional<SmallVector<Run>> best;
    unsigned bestSaving = 0;
    for (unsigned len = 1; len <= std::max<unsigned>(1, maxRun); ++len) {
      std::map<std::string, SmallVector<Run>> families;
      for (unsigned s = 0; s + len <= nests.size(); ++s) {
        bool ok = true;
        for (unsigned k = s; k + 1 < s + len && ok; ++k)
          ok = adjacent[k];
        if (!ok)
          continue;
        ArrayRef<Operation *> ops = ArrayRef(nests).slice(s, len);
        if (!resultsStayInside(ops))
          continue;
        Run run = describe(ops);
        SmallVector<Run> &family = families[run.signature];
        // Runs of one family must not overlap: keep the leftmost.
        if (!family.empty() &&
            !family.back().ops.back()->isBeforeInBlock(ops.front()))
          continue;
        family.push_back(std::move(run));
      }
      for (auto &[sig, family] : families) {
        if (family.size() < uses)
          continue;
        unsigned saving = (family.size() - 1) * family.front().size;
        if (saving > bestSaving) {
          bestSaving = saving;
          best = std::move(family);
        }
      }
    }
    return best;
  }

  /// No value a run defines is used after it.
  static bool resultsStayInside(ArrayRef<Operation *> ops) {
    for (Operation *op : ops)
      for (Value r : op->getResults())
        for (Operation *user : r.getUsers())
          if (!inRun(user, ops))
            return false;
    return true;
  }

  func::FuncOp outline(func::FuncOp fn, SmallVector<Run> &group,
                       SymbolTable &symbols, unsigned index) {
    Run &first = group.front();
    // Arguments: other values, and offsets the runs disagree on (one port
    // per distinct list of values).
    SmallVector<unsigned> passed;   // parameter -> argument position
    SmallVector<unsigned> argParam; // argument -> first parameter
    std::map<SmallVector<Attribute>, unsigned,
             bool (*)(const SmallVector<Attribute> &,
                      const SmallVector<Attribute> &)>
        offsetPorts([](const SmallVector<Attribute> &a,
                       const SmallVector<Attribute> &b) {
          return std::lexicographical_compare(
              a.begin(), a.end(), b.begin(), b.end(),
              [](Attribute x, Attribute y) {
                return x.getAsOpaquePointer() < y.getAsOpaquePointer();
              });
        });
    constexpr unsigned kCloned = ~0u;
    for (auto [k, kind] : llvm::enumerate(first.kinds)) {
      passed.push_back(kCloned);
      if (kind == ParamKind::Argument) {
        passed.back() = argParam.size();
        argParam.push_back(k);
      } else if (kind == ParamKind::Offset) {
        SmallVector<Attribute> values = valuesOf(group, k);
        if (llvm::all_equal(values))
          continue;
        auto [it, fresh] = offsetPorts.try_emplace(values, argParam.size());
        if (fresh)
          argParam.push_back(k);
        passed.back() = it->second;
      }
    }
    SmallVector<Type> types;
    for (unsigned k : argParam)
      types.push_back(first.params[k].getType());
    OpBuilder b(fn);
    std::string name = prefix + std::to_string(index);
    auto callee = func::FuncOp::create(b, first.ops.front()->getLoc(), name,
                                       b.getFunctionType(types, {}));
    callee.setPrivate();
    symbols.insert(callee);
    Block *body = callee.addEntryBlock();
    OpBuilder in = OpBuilder::atBlockEnd(body);
    IRMapping map;
    for (auto [k, value] : llvm::enumerate(first.params)) {
      if (passed[k] != kCloned)
        map.map(value, body->getArgument(passed[k]));
      else
        map.map(value, in.clone(*value.getDefiningOp())->getResult(0));
    }
    for (Operation *op : first.ops)
      in.clone(*op, map);
    func::ReturnOp::create(in, first.ops.front()->getLoc());
    for (Run &r : group) {
      SmallVector<Value> args;
      for (unsigned k : argParam)
        args.push_back(r.params[k]);
      OpBuilder at(r.ops.back());
      auto call =
          func::CallOp::create(at, r.ops.front()->getLoc(), callee, args);
      call->setAttr("t2c.shared", at.getUnitAttr());
      for (Operation *op : llvm::reverse(r.ops))
        op->erase();
      for (auto [k, value] : llvm::enumerate(r.params))
        if (r.kinds[k] == ParamKind::Local && value.use_empty())
          value.getDefiningOp()->erase();
    }
    return callee;
  }
};

} // namespace
