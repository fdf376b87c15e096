//===- LoopForms.cpp - index expressions as linear forms -----------------===//

#include "LoopForms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace torch2calyx::lowering {

std::optional<Bounds> boundsOf(scf::ForOp l) {
  auto lb = getConstantIntValue(l.getLowerBound());
  auto ub = getConstantIntValue(l.getUpperBound());
  auto st = getConstantIntValue(l.getStep());
  if (!lb || !ub || !st || *st <= 0 || *ub <= *lb || *lb < 0)
    return std::nullopt;
  return Bounds{*lb, *ub, *st};
}

static std::optional<LinearForm>
linearAt(Value value, const DenseMap<Value, Bounds> &range, int depth) {
  LinearForm out;
  if (depth > 32)
    return std::nullopt;
  if (range.count(value)) {
    out[value.getAsOpaquePointer()] = 1;
    return out;
  }
  APInt c;
  if (matchPattern(value, m_ConstantInt(&c))) {
    out[nullptr] = c.getSExtValue();
    return out;
  }
  Operation *def = value.getDefiningOp();
  if (!def)
    return std::nullopt;
  auto combine = [&](int64_t sign) -> std::optional<LinearForm> {
    auto l = linearAt(def->getOperand(0), range, depth + 1);
    auto r = linearAt(def->getOperand(1), range, depth + 1);
    if (!l || !r)
      return std::nullopt;
    for (auto [k, v] : *r)
      (*l)[k] += sign * v;
    return l;
  };
  if (isa<arith::AddIOp>(def))
    return combine(1);
  if (isa<arith::SubIOp>(def))
    return combine(-1);
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp>(def))
    return linearAt(def->getOperand(0), range, depth + 1);
  if (isa<arith::MulIOp, arith::ShLIOp>(def)) {
    APInt k;
    Value other;
    if (matchPattern(def->getOperand(1), m_ConstantInt(&k)))
      other = def->getOperand(0);
    else if (isa<arith::MulIOp>(def) &&
             matchPattern(def->getOperand(0), m_ConstantInt(&k)))
      other = def->getOperand(1);
    else
      return std::nullopt;
    int64_t f = isa<arith::ShLIOp>(def) ? (int64_t(1) << k.getZExtValue())
                                        : k.getSExtValue();
    auto l = linearAt(other, range, depth + 1);
    if (!l)
      return std::nullopt;
    for (auto &[key, v] : *l)
      v *= f;
    return l;
  }
  return std::nullopt;
}

std::optional<LinearForm> linearForm(Value value,
                                     const DenseMap<Value, Bounds> &range) {
  return linearAt(value, range, 0);
}

std::pair<int64_t, int64_t> formSpan(const LinearForm &form,
                                     const DenseMap<Value, Bounds> &range) {
  int64_t lo = 0, hi = 0;
  for (auto [key, coef] : form) {
    if (!key) {
      lo += coef;
      hi += coef;
      continue;
    }
    const Bounds &b = range.find(Value::getFromOpaquePointer(key))->second;
    int64_t a = coef * b.lb, z = coef * b.last();
    lo += std::min(a, z);
    hi += std::max(a, z);
  }
  return {lo, hi};
}

DenseMap<Value, Bounds> enclosingRanges(Operation *op) {
  DenseMap<Value, Bounds> range;
  for (auto loop = op->getParentOfType<scf::ForOp>(); loop;
       loop = loop->getParentOfType<scf::ForOp>())
    if (auto b = boundsOf(loop))
      range[loop.getInductionVar()] = *b;
  return range;
}

std::optional<Banking> bankingOf(Value memref) {
  DenseI64ArrayAttr attr;
  if (auto arg = dyn_cast<BlockArgument>(memref)) {
    if (auto fn = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      attr = fn.getArgAttrOfType<DenseI64ArrayAttr>(arg.getArgNumber(),
                                                    "t2c.banks");
  } else if (Operation *def = memref.getDefiningOp()) {
    attr = def->getAttrOfType<DenseI64ArrayAttr>("t2c.banks");
  }
  if (!attr || attr.size() < 2 || attr.size() > 3)
    return std::nullopt;
  return Banking{attr[0], attr[1], attr.size() == 3 ? attr[2] : 0};
}

void setBanking(Value memref, Banking banking) {
  SmallVector<int64_t, 3> fields{banking.n, banking.g};
  if (banking.minBank > 0)
    fields.push_back(banking.minBank);
  auto attr = DenseI64ArrayAttr::get(memref.getContext(), fields);
  if (auto arg = dyn_cast<BlockArgument>(memref)) {
    auto fn = cast<func::FuncOp>(arg.getOwner()->getParentOp());
    fn.setArgAttr(arg.getArgNumber(), "t2c.banks", attr);
  } else {
    memref.getDefiningOp()->setAttr("t2c.banks", attr);
  }
}

StringAttr memoryName(Value memref) {
  if (auto arg = dyn_cast<BlockArgument>(memref)) {
    if (auto fn = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      return fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "t2c.name");
    return {};
  }
  Operation *def = memref.getDefiningOp();
  return def ? def->getAttrOfType<StringAttr>("t2c.name") : StringAttr();
}

bool isRotatingMem(Value memref) {
  auto alloca = memref.getDefiningOp<memref::AllocaOp>();
  return alloca && alloca->hasAttr("t2c.rotating");
}

bool isWeight(Value memref) {
  StringAttr name = memoryName(memref);
  Operation *scope = isa<BlockArgument>(memref)
                         ? cast<BlockArgument>(memref).getOwner()->getParentOp()
                         : memref.getDefiningOp();
  auto module = scope ? scope->getParentOfType<ModuleOp>() : ModuleOp();
  auto data = module ? module->getAttrOfType<StringAttr>("t2c.data") : StringAttr();
  return name && data &&
         data.getValue().contains(("\"" + name.getValue() + "\":").str());
}

static int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

std::optional<StaticBank> staticBank(const LinearForm &form, Banking bk,
                                     const DenseMap<Value, Bounds> &range) {
  // i = gn * (cq + Q) + v: Q from the terms that are multiples of g*n, v the
  // constant's remainder plus the other terms, all in one granule.
  int64_t gn = bk.g * bk.n;
  LinearForm inner, offset;
  int64_t c = 0;
  for (auto [key, coef] : form) {
    if (!key)
      c = coef;
    else if (coef % gn == 0)
      offset[key] = coef / bk.n;
    else
      inner[key] = coef;
  }
  int64_t cr = ((c % gn) + gn) % gn, cq = (c - cr) / gn;
  inner[nullptr] = cr;
  auto [lo, hi] = formSpan(inner, range);
  int64_t granule = floorDiv(lo, bk.g);
  if (lo < 0 || floorDiv(hi, bk.g) != granule)
    return std::nullopt;
  int64_t carry = granule / bk.n;
  for (auto [key, coef] : inner)
    if (key)
      offset[key] = coef;
  offset[nullptr] = (cq + carry) * bk.g + cr - granule * bk.g;
  return StaticBank{granule % bk.n, offset};
}

std::optional<DynamicBank> dynamicBank(const LinearForm &form, Banking bk,
                                       const DenseMap<Value, Bounds> &range) {
  int64_t gn = bk.g * bk.n;
  LinearForm inner, lane, offset;
  int64_t c = 0;
  for (auto [key, coef] : form) {
    if (!key)
      c = coef;
    else if (coef % gn == 0)
      offset[key] = coef / bk.n;
    else if (coef % bk.g == 0 && coef > 0)
      lane[key] = coef / bk.g;
    else
      inner[key] = coef;
  }
  int64_t cr = ((c % gn) + gn) % gn, cq = (c - cr) / gn;
  inner[nullptr] = cr % bk.g;
  auto [lo, hi] = formSpan(inner, range);
  if (lo < 0 || hi >= bk.g)
    return std::nullopt;
  for (auto [key, coef] : inner)
    if (key)
      offset[key] = coef;
  offset[nullptr] = cq * bk.g + cr % bk.g;
  lane[nullptr] = cr / bk.g;
  return DynamicBank{lane, offset};
}


std::string layerOf(Operation *op) {
  std::string name;
  op->walk<WalkOrder::PreOrder>([&](Operation *inner) {
    if (auto loc = inner->getLoc()->findInstanceOf<NameLoc>()) {
      name = loc.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

/// Whether the module path `name` is `layer` or contains it.
static bool covers(StringRef name, StringRef layer) {
  return layer == name || (layer.starts_with(name) &&
                           layer.size() > name.size() &&
                           layer[name.size()] == '.');
}

int64_t LaneRequests::lanesFor(Operation *outer) const {
  std::string layer = layerOf(outer);
  int64_t lanes = dflt;
  size_t best = 0;
  for (auto &[name, n] : byLayer) {
    if (covers(name, layer) && name.size() > best) {
      best = name.size();
      lanes = n;
    }
  }
  return lanes;
}

bool LaneRequests::named(Operation *outer) const {
  std::string layer = layerOf(outer);
  return llvm::any_of(byLayer,
                      [&](auto &entry) { return covers(entry.first, layer); });
}

int64_t LaneRequests::most() const {
  int64_t m = dflt;
  for (auto &entry : byLayer)
    m = std::max(m, entry.second);
  return m;
}

FailureOr<LaneRequests> parseLaneRequests(int64_t dflt,
                                          ArrayRef<std::string> entries,
                                          Operation *at, StringRef pass) {
  LaneRequests req;
  req.dflt = dflt;
  auto valid = [&](int64_t n, StringRef what) -> bool {
    if (n >= 1 && llvm::isPowerOf2_64(uint64_t(n)))
      return true;
    at->emitError() << pass << ": lanes must be a power of 2, got " << n
                    << what;
    return false;
  };
  if (!valid(dflt, ""))
    return failure();
  for (const std::string &entry : entries) {
    StringRef name, count;
    std::tie(name, count) = StringRef(entry).rsplit(':');
    int64_t n = 0;
    if (name.empty() || count.empty() || count.getAsInteger(10, n)) {
      at->emitError() << pass << ": layer-lanes entry '" << entry
                      << "' is not NAME:N (a module path and a lane count)";
      return failure();
    }
    if (!valid(n, (" for layer '" + name + "'").str()))
      return failure();
    if (name == "*")
      req.dflt = n;
    else
      req.byLayer.push_back({name.str(), n});
  }
  return req;
}

} // namespace torch2calyx::lowering
