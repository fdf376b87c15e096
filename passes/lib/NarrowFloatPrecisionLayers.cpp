//===- NarrowFloatPrecisionLayers.cpp - f32/f16/bf16 per PyTorch layer ----===//
//
// narrow-float-precision with `layer-precision=NAME:T,...`: each arith/math
// op computes in the type of its layer (the first NameLoc of its location or
// of an enclosing op's; the longest NAME that is the layer or a prefix of it
// at a '.'; `precision` for ops of no named layer). A memory is narrowed to
// T only when every store into it stores a value computed in T (the values
// it holds are then exact in T), or, when nothing stores into it (a
// weight), every op using what is loaded from it computes in T; otherwise it
// keeps f32. Values crossing between
// types are converted where they are used (extf, truncf, or both between
// f16 and bf16), constants are rounded per use, and every other op (stores
// to f32 memories, yields, returns, calls) gets the f32 it had.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"

using namespace mlir;

namespace torch2calyx {
LogicalResult narrowFloatPrecisionByLayer(ModuleOp module, StringRef dflt,
                                          ArrayRef<std::string> entries);
} // namespace torch2calyx

namespace {

FloatType floatTypeNamed(MLIRContext *ctx, StringRef name) {
  if (name == "f32")
    return Float32Type::get(ctx);
  if (name == "f16")
    return Float16Type::get(ctx);
  if (name == "bf16")
    return BFloat16Type::get(ctx);
  return nullptr;
}

bool isNarrowable(Type t) { return t.isF32() || t.isF16() || t.isBF16(); }

struct LayerTypes {
  FloatType dflt;
  std::vector<std::pair<std::string, FloatType>> byLayer;

  /// The type of the layer of `op`.
  FloatType of(Operation *op) const {
    std::string layer;
    for (Operation *o = op; o; o = o->getParentOp())
      if (auto loc = o->getLoc()->findInstanceOf<NameLoc>()) {
        layer = loc.getName().str();
        break;
      }
    FloatType type = dflt;
    size_t best = 0;
    for (auto &[name, t] : byLayer) {
      bool matches = layer == name || (StringRef(layer).starts_with(name) &&
                                       layer.size() > name.size() &&
                                       layer[name.size()] == '.');
      if (matches && name.size() > best) {
        best = name.size();
        type = t;
      }
    }
    return type;
  }
};

/// Ops that compute with floats: arith and math ops with an f32 operand or
/// result, except constants (rounded per use) and bitcasts (which fix the
/// width).
bool isCompute(Operation *op) {
  if (isa<arith::ConstantOp, arith::BitcastOp>(op))
    return false;
  if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()))
    return false;
  for (Type t : op->getOperandTypes())
    if (t.isF32())
      return true;
  for (Type t : op->getResultTypes())
    if (t.isF32())
      return true;
  return false;
}

Value memrefOfAccess(Operation *op) {
  if (auto l = dyn_cast<affine::AffineLoadOp>(op))
    return l.getMemRef();
  if (auto l = dyn_cast<memref::LoadOp>(op))
    return l.getMemRef();
  if (auto s = dyn_cast<affine::AffineStoreOp>(op))
    return s.getMemRef();
  if (auto s = dyn_cast<memref::StoreOp>(op))
    return s.getMemRef();
  return nullptr;
}

bool isStore(Operation *op) {
  return isa<affine::AffineStoreOp, memref::StoreOp>(op);
}

/// One memory: an alloc's result, or every get_global of one global.
struct Memory {
  SmallVector<Value> values;
  memref::GlobalOp global;
  bool fixed = false; // used other than by loads and stores: keeps f32
  SmallVector<Operation *> loads, stores;
};

} // namespace

LogicalResult torch2calyx::narrowFloatPrecisionByLayer(
    ModuleOp module, StringRef dflt, ArrayRef<std::string> entries) {
  MLIRContext *ctx = module.getContext();
  Type f32 = Float32Type::get(ctx);
  LayerTypes types;
  types.dflt = floatTypeNamed(ctx, dflt);
  if (!types.dflt)
    return module.emitError("narrow-float-precision: precision '")
           << dflt << "' is not f32, f16 or bf16";
  for (const std::string &entry : entries) {
    auto [name, kind] = StringRef(entry).rsplit(':');
    FloatType t = floatTypeNamed(ctx, kind);
    if (name.empty() || !t)
      return module.emitError("narrow-float-precision: layer-precision entry '")
             << entry << "' is not NAME:TYPE (a module path and f32, f16 or "
             << "bf16)";
    if (name == "*")
      types.dflt = t;
    else
      types.byLayer.push_back({name.str(), t});
  }

  /// 1. Memories and their accesses.
  llvm::MapVector<Operation *, Memory> memories; // keyed by alloc or global
  SymbolTable symbols(module);
  module.walk([&](Operation *op) {
    Value v;
    Operation *key = op;
    if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
      v = op->getResult(0);
    } else if (auto g = dyn_cast<memref::GetGlobalOp>(op)) {
      v = g.getResult();
      key = symbols.lookup<memref::GlobalOp>(g.getName());
      if (!key)
        return;
      memories[key].global = cast<memref::GlobalOp>(key);
    } else {
      return;
    }
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type || !type.getElementType().isF32())
      return;
    Memory &m = memories[key];
    m.values.push_back(v);
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (memrefOfAccess(user) != v || (isStore(user) && use.getOperandNumber() != 1))
        m.fixed = true;
      else
        (isStore(user) ? m.stores : m.loads).push_back(user);
    }
  });

  /// 2. Each memory's type: T when all its stores (or, with none, all its
  ///    loads) are of type T. A store is of the type of the op computing
  ///    the value it stores (else of its own layer), a load of the type of
  ///    the ops using its value when they all are compute ops (a bias loaded
  ///    in the ReLU's nest but added by the Linear is the Linear's), else of
  ///    its own layer.
  auto accessType = [&](Operation *access) -> FloatType {
    if (isStore(access)) {
      Operation *def = access->getOperand(0).getDefiningOp();
      return types.of(def && isCompute(def) ? def : access);
    }
    Value v = access->getResult(0);
    if (v.use_empty() || !llvm::all_of(v.getUsers(), isCompute))
      return types.of(access);
    FloatType t = types.of(*v.getUsers().begin());
    for (Operation *user : v.getUsers())
      if (types.of(user) != t)
        return Float32Type::get(ctx);
    return t;
  };
  DenseMap<Value, Type> original;
  for (auto &[key, m] : memories) {
    ArrayRef<Operation *> deciding = m.stores.empty() ? m.loads : m.stores;
    if (m.fixed || deciding.empty())
      continue;
    FloatType t = accessType(deciding.front());
    if (t.isF32() || llvm::any_of(deciding, [&](Operation *op) {
          return accessType(op) != t;
        }))
      continue;
    if (m.global) {
      auto init = m.global.getInitialValue();
      if (init && !isa<DenseElementsAttr>(*init))
        continue; // cannot round: keep f32
      MemRefType gt = m.global.getType();
      m.global.setType(MemRefType::get(gt.getShape(), t, gt.getLayout(),
                                       gt.getMemorySpace()));
      if (init)
        m.global.setInitialValueAttr(
            cast<DenseElementsAttr>(*init).mapValues(t, [&](const APFloat &x) {
              APFloat r = x;
              bool lost = false;
              r.convert(t.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                        &lost);
              return r.bitcastToAPInt();
            }));
    }
    for (Value v : m.values) {
      auto mt = cast<MemRefType>(v.getType());
      v.setType(MemRefType::get(mt.getShape(), t, mt.getLayout(),
                                mt.getMemorySpace()));
    }
    for (Operation *load : m.loads) {
      original[load->getResult(0)] = f32;
      load->getResult(0).setType(t);
    }
  }

  /// 3. Compute ops take their layer's type.
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) { ops.push_back(op); });
  DenseMap<Operation *, FloatType> computeType;
  for (Operation *op : ops) {
    if (!isCompute(op))
      continue;
    FloatType t = types.of(op);
    computeType[op] = t;
    for (OpResult r : op->getResults())
      if (r.getType().isF32() && !t.isF32()) {
        original[r] = f32;
        r.setType(t);
      }
  }

  /// 4. Operands: converted (or constants rounded) to the type their user
  ///    computes in, stores to their memory's type, the rest to what they had.
  OpBuilder b(ctx);
  DenseMap<std::pair<Value, Type>, Value> converted;
  auto convert = [&](Value v, Type to) -> Value {
    if (v.getType() == to)
      return v;
    auto key = std::make_pair(v, to);
    if (Value done = converted.lookup(key))
      return done;
    if (Operation *def = v.getDefiningOp())
      b.setInsertionPointAfter(def);
    else
      b.setInsertionPointToStart(cast<BlockArgument>(v).getOwner());
    Location loc = v.getLoc();
    Value out;
    auto c = v.getDefiningOp<arith::ConstantOp>();
    auto from = cast<FloatType>(v.getType()), target = cast<FloatType>(to);
    if (c && isa<FloatAttr>(c.getValue())) {
      APFloat x = cast<FloatAttr>(c.getValue()).getValue();
      bool lost = false;
      x.convert(target.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      out = arith::ConstantOp::create(b, loc, FloatAttr::get(target, x));
    } else if (from.getWidth() < target.getWidth()) {
      out = arith::ExtFOp::create(b, loc, target, v);
    } else if (from.getWidth() > target.getWidth()) {
      out = arith::TruncFOp::create(b, loc, target, v);
    } else {
      Value wide = arith::ExtFOp::create(b, loc, f32, v);
      out = arith::TruncFOp::create(b, loc, target, wide);
    }
    converted[key] = out;
    return out;
  };
  for (Operation *op : ops) {
    auto ct = computeType.find(op);
    for (OpOperand &operand : op->getOpOperands()) {
      Value v = operand.get();
      if (!isNarrowable(v.getType()))
        continue;
      Type want;
      if (ct != computeType.end())
        want = ct->second;
      else if (isStore(op) && operand.getOperandNumber() == 0)
        want = cast<MemRefType>(memrefOfAccess(op).getType()).getElementType();
      else if (auto it = original.find(v); it != original.end())
        want = it->second;
      else
        continue;
      operand.set(convert(v, want));
    }
  }
  return success();
}
