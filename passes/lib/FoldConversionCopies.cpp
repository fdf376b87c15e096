//===- FoldConversionCopies.cpp - read converted copies at their source ---===//
//
// Implements fold-conversion-copies: a buffer filled once by a loop nest
// that stores extf/truncf of the same element of another memory (torch-mlir
// writes such a copy for a half-precision Linear weight, computed in f32) is
// replaced by conversions at its readers, and the copy nest removed.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"

namespace torch2calyx {
#define GEN_PASS_DEF_FOLDCONVERSIONCOPIES
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;

namespace {

/// The copy: `store(conv(load src[ivs]), buf[ivs])` innermost in a perfect
/// nest of unit-step loops over the whole of `buf`, in loop order.
struct Copy {
  affine::AffineForOp outer;
  affine::AffineStoreOp store;
  affine::AffineLoadOp load;
  Operation *conversion;
};

std::optional<Copy> matchCopy(affine::AffineStoreOp store, MemRefType type) {
  auto *conv = store.getValue().getDefiningOp();
  if (!conv || !isa<arith::ExtFOp, arith::TruncFOp>(conv))
    return std::nullopt;
  auto load = conv->getOperand(0).getDefiningOp<affine::AffineLoadOp>();
  if (!load || load->getBlock() != store->getBlock() ||
      load.getAffineMap() != store.getAffineMap() ||
      load.getMapOperands() != store.getMapOperands() ||
      !store.getAffineMap().isIdentity() ||
      load.getMemRefType().getShape() != type.getShape())
    return std::nullopt;
  // the block holds exactly load, conversion, store (and the terminator)
  if (store->getBlock()->getOperations().size() != 4)
    return std::nullopt;
  SmallVector<affine::AffineForOp> loops;
  for (Operation *p = store->getParentOp(); p; p = p->getParentOp()) {
    auto f = dyn_cast<affine::AffineForOp>(p);
    if (!f)
      break;
    loops.insert(loops.begin(), f);
    if (loops.size() == static_cast<size_t>(type.getRank()))
      break;
  }
  if (loops.size() != static_cast<size_t>(type.getRank()) || loops.empty())
    return std::nullopt;
  for (auto [d, f] : llvm::enumerate(loops)) {
    if (!f.hasConstantBounds() || f.getConstantLowerBound() != 0 ||
        f.getConstantUpperBound() != type.getDimSize(d) || f.getStepAsInt() != 1 ||
        store.getMapOperands()[d] != f.getInductionVar())
      return std::nullopt;
    if (d > 0 && loops[d - 1].getBody()->getOperations().size() != 2)
      return std::nullopt; // not perfect
  }
  return Copy{loops.front(), store, load, conv};
}

struct FoldConversionCopiesPass
    : public torch2calyx::impl::FoldConversionCopiesBase<
          FoldConversionCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp a) { allocs.push_back(a); });
    for (memref::AllocOp alloc : allocs) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || type.getRank() == 0)
        continue;
      std::optional<Copy> copy;
      SmallVector<affine::AffineLoadOp> reads;
      bool ok = true;
      for (Operation *user : alloc->getUsers()) {
        if (auto s = dyn_cast<affine::AffineStoreOp>(user)) {
          if (copy || !(copy = matchCopy(s, type)) ||
              s.getMemRef() != alloc.getResult())
            ok = false;
        } else if (auto l = dyn_cast<affine::AffineLoadOp>(user)) {
          reads.push_back(l);
        } else if (!isa<memref::DeallocOp>(user)) {
          ok = false;
        }
      }
      if (!ok || !copy)
        continue;
      Value source = copy->load.getMemRef();
      // the source must not be written anywhere: a weight or an input
      bool written = llvm::any_of(source.getUsers(), [](Operation *u) {
        return isa<affine::AffineStoreOp, memref::StoreOp>(u);
      });
      // every read comes after the copy nest in the same block
      Block *block = copy->outer->getBlock();
      bool ordered = llvm::all_of(reads, [&](affine::AffineLoadOp l) {
        Operation *a = block->findAncestorOpInBlock(*l);
        return a && copy->outer->isBeforeInBlock(a);
      });
      if (written || !ordered)
        continue;
      for (affine::AffineLoadOp l : reads) {
        OpBuilder b(l);
        auto src = affine::AffineLoadOp::create(
            b, l.getLoc(), source, l.getAffineMap(), l.getMapOperands());
        IRMapping map;
        map.map(copy->load.getResult(), src.getResult());
        Operation *conv = b.clone(*copy->conversion, map);
        l.getResult().replaceAllUsesWith(conv->getResult(0));
        l->erase();
      }
      copy->outer->erase();
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        user->erase(); // deallocs
      alloc->erase();
    }
  }
};

} // namespace
