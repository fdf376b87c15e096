//===- NarrowFloatPrecision.cpp - compute an f32 program in f16 or bf16 ---===//
//
// Implements narrow-float-precision: every f32 value, memory and constant
// of the module becomes f16 or bf16 (constants and weight data rounded to
// nearest-even), except the memref arguments of public functions, the
// memories the caller fills and reads: loads from them are followed by an
// arith.truncf, stores to them preceded by an arith.extf, so the program
// keeps its f32 interface and converts at the memory boundary.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace torch2calyx {
#define GEN_PASS_DEF_NARROWFLOATPRECISION
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;

namespace torch2calyx {
/// The pass with a `layer-precision` map (NarrowFloatPrecisionLayers.cpp).
LogicalResult narrowFloatPrecisionByLayer(ModuleOp module, StringRef dflt,
                                          ArrayRef<std::string> entries);
} // namespace torch2calyx

namespace {

struct NarrowFloatPrecisionPass
    : public torch2calyx::impl::NarrowFloatPrecisionBase<
          NarrowFloatPrecisionPass> {
  using NarrowFloatPrecisionBase::NarrowFloatPrecisionBase;

  FloatType target;

  /// `t` with f32 (scalar or memref element) replaced by the target type.
  Type narrow(Type t) const {
    if (t.isF32())
      return target;
    if (auto m = dyn_cast<MemRefType>(t); m && m.getElementType().isF32())
      return MemRefType::get(m.getShape(), target, m.getLayout(),
                             m.getMemorySpace());
    return t;
  }

  APFloat round(APFloat v) const {
    bool lost = false;
    v.convert(target.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return v;
  }

  /// A dense f32 attribute rounded to the target type.
  Attribute narrowDense(DenseElementsAttr dense) const {
    return dense.mapValues(target, [&](const APFloat &v) {
      return round(v).bitcastToAPInt();
    });
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    if (precision == "f16")
      target = Float16Type::get(ctx);
    else if (precision == "bf16")
      target = BFloat16Type::get(ctx);
    else if (precision != "f32" || !layerPrecision.empty()) {
      if (precision != "f32") {
        module.emitError("narrow-float-precision: precision '")
            << precision << "' is not f32, f16 or bf16";
        return signalPassFailure();
      }
    } else {
      return; // f32 everywhere: nothing to do
    }

    /// 1. Refuse programs that already mix in f16/bf16 (a precision
    ///    choice is for float32 programs).
    bool mixed = false;
    module.walk([&](Operation *op) {
      auto half = [](Type t) {
        Type e = t;
        if (auto s = dyn_cast<ShapedType>(t))
          e = s.getElementType();
        return e.isF16() || e.isBF16();
      };
      for (Type t : op->getResultTypes())
        if (!mixed && half(t)) {
          op->emitOpError("produces ")
              << t << "; narrow-float-precision compiles float32 programs "
              << "only (the model already computes in half precision)";
          mixed = true;
        }
    });
    if (mixed)
      return signalPassFailure();
    if (!layerPrecision.empty()) {
      if (failed(torch2calyx::narrowFloatPrecisionByLayer(module, precision,
                                                          layerPrecision)))
        signalPassFailure();
      return;
    }

    /// 2. The boundary: f32 memref arguments of public functions, and the
    ///    loads and stores of them. Any other use cannot keep f32.
    llvm::SmallPtrSet<Operation *, 16> boundaryLoads;
    SmallVector<std::pair<Operation *, unsigned>> boundaryStores;
    bool bad = false;
    module.walk([&](func::FuncOp fn) {
      if (fn.isPrivate() || fn.isExternal())
        return;
      for (BlockArgument arg : fn.getArguments()) {
        if (narrow(arg.getType()) == arg.getType())
          continue;
        for (OpOperand &use : arg.getUses()) {
          Operation *user = use.getOwner();
          if (isa<memref::LoadOp, affine::AffineLoadOp>(user)) {
            boundaryLoads.insert(user);
          } else if (isa<memref::StoreOp, affine::AffineStoreOp>(user) &&
                     use.getOperandNumber() == 1) {
            boundaryStores.push_back({user, 0});
          } else {
            user->emitOpError("uses the f32 argument ")
                << arg.getArgNumber() << " of @" << fn.getSymName()
                << " other than by a load or store; narrow-float-precision "
                   "converts only at loads and stores of the interface";
            bad = true;
          }
        }
      }
    });
    if (bad)
      return signalPassFailure();

    /// 3. Globals: type and data.
    for (auto global : module.getOps<memref::GlobalOp>()) {
      MemRefType type = global.getType();
      if (!type.getElementType().isF32())
        continue;
      std::optional<Attribute> init = global.getInitialValue();
      if (init && !isa<DenseElementsAttr>(*init)) {
        global.emitOpError("has initializer ")
            << *init << ", which narrow-float-precision cannot round; give "
            << "the data inline as dense<...>";
        return signalPassFailure();
      }
      global.setType(cast<MemRefType>(narrow(type)));
      if (init)
        global.setInitialValueAttr(narrowDense(cast<DenseElementsAttr>(*init)));
    }

    /// 4. Constants, results and block arguments (not the interface).
    SmallVector<Operation *> dead;
    OpBuilder b(ctx);
    module.walk([&](Operation *op) {
      if (auto c = dyn_cast<arith::ConstantOp>(op)) {
        Attribute v = c.getValue();
        if (auto f = dyn_cast<FloatAttr>(v); f && f.getType().isF32()) {
          b.setInsertionPoint(c);
          auto n = arith::ConstantOp::create(
              b, c.getLoc(), FloatAttr::get(target, round(f.getValue())));
          c.getResult().replaceAllUsesWith(n);
          dead.push_back(c);
        } else if (auto d = dyn_cast<DenseElementsAttr>(v);
                   d && d.getElementType().isF32()) {
          b.setInsertionPoint(c);
          auto n = arith::ConstantOp::create(
              b, c.getLoc(), cast<TypedAttr>(narrowDense(d)));
          c.getResult().replaceAllUsesWith(n);
          dead.push_back(c);
        }
        return;
      }
      if (auto fn = dyn_cast<func::FuncOp>(op)) {
        bool keep = !fn.isPrivate() && !fn.isExternal();
        SmallVector<Type> ins, outs;
        for (Type t : fn.getArgumentTypes())
          ins.push_back(keep ? t : narrow(t));
        for (Type t : fn.getResultTypes())
          outs.push_back(keep ? t : narrow(t));
        fn.setFunctionType(FunctionType::get(ctx, ins, outs));
        if (!keep && !fn.isExternal())
          for (BlockArgument a : fn.getArguments())
            a.setType(narrow(a.getType()));
        return;
      }
      for (Region &r : op->getRegions())
        for (Block &blk : r)
          for (BlockArgument a : blk.getArguments())
            a.setType(narrow(a.getType()));
      if (boundaryLoads.contains(op))
        return;
      for (OpResult r : op->getResults())
        r.setType(narrow(r.getType()));
    });
    for (Operation *op : dead)
      op->erase();

    /// 5. Convert at the interface.
    for (Operation *load : boundaryLoads) {
      b.setInsertionPointAfter(load);
      Value wide = load->getResult(0);
      auto t = arith::TruncFOp::create(b, load->getLoc(), target, wide);
      wide.replaceAllUsesExcept(t, t);
    }
    for (auto &[store, operand] : boundaryStores) {
      b.setInsertionPoint(store);
      Value v = store->getOperand(operand);
      auto e = arith::ExtFOp::create(b, store->getLoc(), b.getF32Type(), v);
      store->setOperand(operand, e);
    }

    /// 6. Conversions that became identities (f32 -> f32 after narrowing).
    module.walk([&](Operation *op) {
      if (isa<arith::ExtFOp, arith::TruncFOp>(op) &&
          op->getOperand(0).getType() == op->getResult(0).getType()) {
        op->getResult(0).replaceAllUsesWith(op->getOperand(0));
        op->erase();
      }
    });
  }
};

} // namespace
