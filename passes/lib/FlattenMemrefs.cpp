//===- FlattenMemrefs.cpp - N-d memrefs to 1-D memrefs --------------------===//
//
// Rewrites every statically shaped, identity-layout memref of rank >= 2 (and
// rank 0) into a row-major 1-D memref. The pass first checks the whole module
// and reports every op it cannot rewrite; only when nothing is wrong does it
// change types in place and linearize the accesses.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace torch2calyx {
#define GEN_PASS_DEF_FLATTENMEMREFS
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;

namespace {

/// True for memref types this pass rewrites: every rank except 1.
bool needsFlattening(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getRank() != 1;
}

/// Why `type` (which needs flattening) cannot be flattened, or "" if it can.
std::string whyNotFlattenable(MemRefType type) {
  if (!type.hasStaticShape())
    return "has a dynamic shape; only static shapes can be flattened "
           "(specialize the shapes in the front end)";
  if (!type.getLayout().isIdentity())
    return "has a non-identity layout; only row-major identity layouts can "
           "be flattened (fold the view ops that produced it first)";
  return "";
}

/// The 1-D form of `type` (rank 0 becomes memref<1xT>).
MemRefType flatType(MemRefType type) {
  return MemRefType::get({type.getNumElements()}, type.getElementType(),
                         MemRefLayoutAttrInterface(), type.getMemorySpace());
}

/// Row-major strides of a static shape.
SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Ops whose memref operands and results may simply change type once every
/// memref in the module is flat (accesses are fixed up separately).
bool isSupportedUser(Operation *op) {
  return isa<memref::GetGlobalOp, memref::AllocOp, memref::AllocaOp,
             memref::DeallocOp, memref::CopyOp, memref::LoadOp, memref::StoreOp,
             affine::AffineLoadOp, affine::AffineStoreOp, func::CallOp,
             func::ReturnOp>(op);
}

struct FlattenMemrefsPass
    : public torch2calyx::impl::FlattenMemrefsBase<FlattenMemrefsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    /// 1. Check every op; report everything that cannot be rewritten.
    if (failed(check(module)))
      return signalPassFailure();
    /// 2. Reshape global initializers and retype globals.
    module.walk([](memref::GlobalOp global) { flattenGlobal(global); });
    /// 3. Linearize the indices of every access to a memref that will change.
    module.walk([](Operation *op) { linearizeAccess(op); });
    /// 4. Retype function signatures, block arguments and op results.
    module.walk([](Operation *op) { retype(op); });
  }

  /// Reports at most one error per op: the first reason it cannot be
  /// rewritten.
  LogicalResult check(ModuleOp module) {
    bool ok = true;
    module.walk([&](Operation *op) {
      if (failed(checkOp(op)))
        ok = false;
    });
    return success(ok);
  }

  /// Fails with an error on `op` if `type` needs flattening but cannot be.
  static LogicalResult checkType(Operation *op, Type type, StringRef what) {
    if (!needsFlattening(type))
      return success();
    std::string why = whyNotFlattenable(cast<MemRefType>(type));
    if (why.empty())
      return success();
    return op->emitOpError("cannot be flattened: ")
           << what << " of type " << type << " " << why;
  }

  static LogicalResult checkTypes(Operation *op, TypeRange types,
                                  StringRef what) {
    for (auto [i, type] : llvm::enumerate(types))
      if (failed(checkType(op, type, (what + " #" + Twine(i)).str())))
        return failure();
    return success();
  }

  static LogicalResult checkOp(Operation *op) {
    if (auto global = dyn_cast<memref::GlobalOp>(op)) {
      if (failed(checkType(op, global.getType(), "global")))
        return failure();
      std::optional<Attribute> init = global.getInitialValue();
      if (needsFlattening(global.getType()) && init &&
          !isa<DenseElementsAttr, DenseResourceElementsAttr>(*init))
        return op->emitOpError("cannot be flattened: initializer ")
               << *init << " is neither dense<...> nor dense_resource<...>";
      return success();
    }
    if (auto func = dyn_cast<func::FuncOp>(op)) {
      if (failed(checkTypes(op, func.getArgumentTypes(), "argument")) ||
          failed(checkTypes(op, func.getResultTypes(), "result")))
        return failure();
    } else {
      // Ops that touch a memref this pass would change must be known.
      SmallVector<Type> types(op->getOperandTypes());
      llvm::append_range(types, op->getResultTypes());
      auto it = llvm::find_if(types, needsFlattening);
      if (it != types.end() && !isSupportedUser(op))
        return op->emitOpError("cannot be flattened: flatten-memrefs does "
                               "not know how to rewrite this op on ")
               << *it
               << "; fold or lower it first (e.g. --canonicalize, "
                  "--fold-memref-alias-ops)";
      if (failed(checkTypes(op, op->getOperandTypes(), "operand")) ||
          failed(checkTypes(op, op->getResultTypes(), "result")))
        return failure();
    }
    // Block arguments other than function entry arguments.
    for (Region &region : op->getRegions())
      for (Block &block : region) {
        if (isa<func::FuncOp>(op) && block.isEntryBlock())
          continue;
        for (BlockArgument arg : block.getArguments())
          if (needsFlattening(arg.getType()))
            return op->emitOpError("cannot be flattened: block argument #")
                   << arg.getArgNumber() << " has type " << arg.getType()
                   << "; memrefs carried through loops or branches are not "
                      "supported";
      }
    return success();
  }

  static void flattenGlobal(memref::GlobalOp global) {
    MemRefType type = global.getType();
    if (!needsFlattening(type))
      return;
    MemRefType flat = flatType(type);
    auto tensorType =
        RankedTensorType::get(flat.getShape(), flat.getElementType());
    if (std::optional<Attribute> init = global.getInitialValue()) {
      if (auto dense = dyn_cast<DenseElementsAttr>(*init))
        global.setInitialValueAttr(dense.reshape(tensorType));
      else if (auto resource = dyn_cast<DenseResourceElementsAttr>(*init))
        global.setInitialValueAttr(DenseResourceElementsAttr::get(
            tensorType, resource.getRawHandle()));
    }
    global.setType(flat);
  }

  /// The row-major linear index `sum_i indices[i] * stride[i]` as an affine
  /// map over the dims and symbols of `map`.
  static AffineMap linearizeMap(AffineMap map, MemRefType type) {
    SmallVector<int64_t> strides = rowMajorStrides(type.getShape());
    AffineExpr linear = getAffineConstantExpr(0, map.getContext());
    for (auto [expr, stride] : llvm::zip(map.getResults(), strides))
      linear = linear + expr * stride;
    return simplifyAffineMap(AffineMap::get(
        map.getNumDims(), map.getNumSymbols(), linear, map.getContext()));
  }

  /// Emits arith ops computing the row-major linear index of `indices`.
  static Value linearizeIndices(OpBuilder &b, Location loc, ValueRange indices,
                                MemRefType type) {
    SmallVector<int64_t> strides = rowMajorStrides(type.getShape());
    Value linear;
    for (auto [index, stride] : llvm::zip(indices, strides)) {
      Value term = index;
      if (stride != 1) {
        Value c = arith::ConstantIndexOp::create(b, loc, stride);
        term = arith::MulIOp::create(b, loc, index, c);
      }
      linear =
          linear ? Value(arith::AddIOp::create(b, loc, linear, term)) : term;
    }
    if (!linear)
      linear = arith::ConstantIndexOp::create(b, loc, 0);
    return linear;
  }

  static void linearizeAccess(Operation *op) {
    OpBuilder b(op);
    if (auto load = dyn_cast<affine::AffineLoadOp>(op)) {
      if (needsFlattening(load.getMemRefType()))
        load->setAttr(affine::AffineLoadOp::getMapAttrStrName(),
                      AffineMapAttr::get(linearizeMap(load.getAffineMap(),
                                                      load.getMemRefType())));
    } else if (auto store = dyn_cast<affine::AffineStoreOp>(op)) {
      if (needsFlattening(store.getMemRefType()))
        store->setAttr(affine::AffineStoreOp::getMapAttrStrName(),
                       AffineMapAttr::get(linearizeMap(store.getAffineMap(),
                                                       store.getMemRefType())));
    } else if (auto load = dyn_cast<memref::LoadOp>(op)) {
      if (needsFlattening(load.getMemRefType())) {
        Value index = linearizeIndices(b, op->getLoc(), load.getIndices(),
                                       load.getMemRefType());
        load.getIndicesMutable().assign(index);
      }
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      if (needsFlattening(store.getMemRefType())) {
        Value index = linearizeIndices(b, op->getLoc(), store.getIndices(),
                                       store.getMemRefType());
        store.getIndicesMutable().assign(index);
      }
    }
  }

  static Type convert(Type type) {
    return needsFlattening(type) ? flatType(cast<MemRefType>(type)) : type;
  }

  static void retype(Operation *op) {
    if (auto func = dyn_cast<func::FuncOp>(op)) {
      SmallVector<Type> inputs, results;
      for (Type t : func.getArgumentTypes())
        inputs.push_back(convert(t));
      for (Type t : func.getResultTypes())
        results.push_back(convert(t));
      func.setFunctionType(
          FunctionType::get(func.getContext(), inputs, results));
      if (!func.isExternal())
        for (BlockArgument arg : func.getArguments())
          arg.setType(convert(arg.getType()));
      return;
    }
    for (OpResult result : op->getResults())
      result.setType(convert(result.getType()));
  }
};

} // namespace
