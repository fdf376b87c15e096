//===- LoopForms.h - index expressions as linear forms of loop counters ---===//
//
// Shared by pipeline-loops, unroll-lanes and bank-memories: the constant
// bounds of an scf.for, and an index value written as
// c0 + sum(coef * iv) over the induction variables of enclosing loops.
//
//===----------------------------------------------------------------------===//

#ifndef TORCH2CALYX_LOOPFORMS_H
#define TORCH2CALYX_LOOPFORMS_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>
#include <optional>

namespace torch2calyx::lowering {

struct Bounds {
  int64_t lb, ub, step;
  int64_t trips() const { return (ub - lb + step - 1) / step; }
  int64_t last() const { return lb + (trips() - 1) * step; }
};

/// The constant bounds of `loop` (positive step, non-empty, lb >= 0).
std::optional<Bounds> boundsOf(mlir::scf::ForOp loop);

/// An index as constant + sum(coefficient * induction variable). The key
/// nullptr holds the constant; other keys are Value opaque pointers.
using LinearForm = std::map<void *, int64_t>;

/// `value` as a linear form over the induction variables in `range`
/// (iv -> its bounds), through addi/subi/muli by constants/shli by
/// constants/index casts; nullopt when it is not one.
std::optional<LinearForm>
linearForm(mlir::Value value,
           const llvm::DenseMap<mlir::Value, Bounds> &range);

/// The smallest and largest value `form` takes over `range`.
std::pair<int64_t, int64_t>
formSpan(const LinearForm &form,
         const llvm::DenseMap<mlir::Value, Bounds> &range);

/// The induction variables of the scf.for loops around `op` that have
/// constant bounds, with their bounds.
llvm::DenseMap<mlir::Value, Bounds> enclosingRanges(mlir::Operation *op);

/// Cyclic banking of a 1-D memory: element i lives in bank (i / g) mod n at
/// offset (i / (g * n)) * g + i mod g, so granules of g consecutive elements
/// are dealt to the n banks in turn. `minBank` (0: none; the optional third
/// field of `t2c.banks`) is the least size of a bank: unroll-lanes asks for
/// it when it pads a loop, so that the padded lanes' offsets stay in bounds.
struct Banking {
  int64_t n, g;
  int64_t minBank = 0;
  /// Same layout (the minimum size is not part of it).
  bool operator==(const Banking &o) const { return n == o.n && g == o.g; }
  int64_t bankSize(int64_t size) const {
    return std::max((size + g * n - 1) / (g * n) * g, minBank);
  }
};

/// The banking requested for `memref` (attribute `t2c.banks` on its
/// defining op, or on the function argument), if any.
std::optional<Banking> bankingOf(mlir::Value memref);
void setBanking(mlir::Value memref, Banking banking);

/// The `t2c.name` of a memory (function argument or alloc), or null.
mlir::StringAttr memoryName(mlir::Value memref);

/// Whether `memref` is a weight: its name has an entry in the module's data
/// JSON (`t2c.data`, written by externalize-globals).
bool isWeight(mlir::Value memref);
/// Whether `memref` is a reduction's rotating buffer (an alloca marked
/// `t2c.rotating` by pipeline-loops).
bool isRotatingMem(mlir::Value memref);

/// Lanes requested per PyTorch layer: entries `NAME:N`. A nest of layer L
/// (the first NameLoc of its location, or of an op inside it) takes N of
/// the longest NAME that is L or a prefix of L at a '.'; `*:N`, or `dflt`,
/// for nests of no named layer.
struct LaneRequests {
  int64_t dflt = 1;
  std::vector<std::pair<std::string, int64_t>> byLayer;
  /// The lanes for the nest at `outer`.
  int64_t lanesFor(mlir::Operation *outer) const;
  /// The largest count requested anywhere.
  int64_t most() const;
  /// Whether a `NAME:N` entry (not `*`) covers the nest at `outer`.
  bool named(mlir::Operation *outer) const;
};

/// Parses `entries` (errors, naming the bad entry, are reported on `at`).
mlir::FailureOr<LaneRequests> parseLaneRequests(int64_t dflt,
                                                llvm::ArrayRef<std::string> entries,
                                                mlir::Operation *at,
                                                llvm::StringRef pass);

/// The layer name carried by the location of `op` or of the first op
/// inside it that has one ("" if none).
std::string layerOf(mlir::Operation *op);

/// An access whose bank is the same in every iteration: the bank and the
/// offset in it as a linear form.
struct StaticBank {
  int64_t bank;
  LinearForm offset;
};

/// The static bank of an access at index `form` (over `range`) into a
/// memory banked `banking`; nullopt when different iterations reach
/// different banks.
std::optional<StaticBank>
staticBank(const LinearForm &form, Banking banking,
           const llvm::DenseMap<mlir::Value, Bounds> &range);

/// An access whose bank follows the loop counters: with
/// t = `lane` (a linear form), the bank is t mod n and the offset
/// `offset` + (t div n) * g.
struct DynamicBank {
  LinearForm lane;
  LinearForm offset;
};

/// The bank and offset of an access at index `form` as functions of the
/// counters: the terms whose coefficients are multiples of g (but not of
/// g * n) choose the bank, the others must stay within one granule; nullopt
/// otherwise.
std::optional<DynamicBank>
dynamicBank(const LinearForm &form, Banking banking,
            const llvm::DenseMap<mlir::Value, Bounds> &range);

} // namespace torch2calyx::lowering

#endif
