//===- UnrollLanes.h - unroll-lanes: shared analyses ------------*- C++ -*-===//
//
// What the two halves of unroll-lanes share: UnrollLanesPlan.cpp chooses,
// per pipelined nest, the loop to split, the lane count and the banking (and
// whether to pad the loop to a multiple of the lane count); UnrollLanes.cpp
// rewrites the nest.
//
//===----------------------------------------------------------------------===//

#ifndef TORCH2CALYX_UNROLLLANES_H
#define TORCH2CALYX_UNROLLLANES_H

#include "LoopForms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <functional>

namespace torch2calyx::lanes {

using lowering::Banking;
using lowering::Bounds;
using lowering::isRotatingMem;

/// The loops of a perfect nest, outermost first.
llvm::SmallVector<mlir::scf::ForOp> nestLoops(mlir::scf::ForOp outer);
/// The iterations of the perfect nest at `outer` (a loop of unknown bounds
/// counts once).
int64_t iterationsOf(mlir::scf::ForOp outer);
/// The one index of a 1-index load or store (else null), and its memory.
mlir::Value indexOf(mlir::Operation *op);
mlir::Value memOf(mlir::Operation *op);
/// The float sums a reduction nest accumulates (empty when some recurrence
/// is not one).
llvm::SmallVector<mlir::arith::AddFOp> sums(mlir::Block *body);
/// `cmpi eq, iv, lb|last` of reduction loop `iv`.
bool isBoundTest(mlir::Operation *op, mlir::Value iv, const Bounds &b);
/// The one `scf.if` of a reduction body (its last step), or null.
mlir::scf::IfOp lastStep(mlir::Block *body);
/// The ops a joining nest recomputes to run `branch` once per output.
std::optional<llvm::SmallVector<mlir::Operation *>>
postSlice(mlir::Operation *nest, mlir::scf::IfOp branch,
          llvm::ArrayRef<mlir::arith::AddFOp> acc,
          llvm::ArrayRef<mlir::Value> reductionIvs);
/// The loops of `loops` that are not reductions.
llvm::SmallVector<mlir::scf::ForOp>
outputLoops(llvm::ArrayRef<mlir::scf::ForOp> loops);
/// Whether a split reduction's partial sums can be joined after the stream.
bool combinable(llvm::ArrayRef<mlir::scf::ForOp> loops);

/// The split of one nest.
struct Choice {
  mlir::scf::ForOp loop;
  int64_t n = 1;
  /// Lanes take granules of `granule` neighbouring iterations (a new
  /// innermost loop walks the granule).
  int64_t granule = 1;
  /// The trip count the loop is padded to (a multiple of n), 0 when n
  /// divides it: iterations past the real count run on disabled lanes.
  int64_t padTo = 0;
  int64_t argCopies = 0;
  /// Estimated cycles: iterations per lane, plus one per element of the
  /// inputs/outputs newly copied into banks.
  int64_t cost = 0;
  llvm::SmallVector<std::pair<mlir::Value, Banking>> banks;
};

/// Chooses the splits of the nests of one function, in order; memories
/// banked by an earlier nest keep their banking.
struct Planner {
  mlir::func::FuncOp fn;
  /// Memories of user-visible arguments (inputs/outputs) cost a copy.
  std::function<bool(mlir::Value)> isUserArg;
  llvm::DenseMap<mlir::Value, Banking> decided;

  /// Whether splitting `x` by `n` in granules of `gs` (padding `x` to a
  /// multiple of n when `pad`) gives every copy its own bank; fills
  /// `choice`.
  bool evaluate(llvm::ArrayRef<mlir::scf::ForOp> loops, mlir::scf::ForOp x,
                int64_t n, int64_t gs, bool pad, Choice &choice);
  /// The split of the nest `loops` for at most `most` lanes (n = 1: none).
  Choice choose(llvm::ArrayRef<mlir::scf::ForOp> loops, int64_t most);
};

} // namespace torch2calyx::lanes

#endif
