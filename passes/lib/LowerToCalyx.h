//===- LowerToCalyx.h - shared state of lower-to-calyx ------------*- C++
//-*-===//
//
// The state of lowering one func.func to one calyx.component, shared by the
// files that lower each op family: LowerToCalyx.cpp (driver, cells, groups,
// scheduling), LowerToCalyxControl.cpp (scf.for/if), LowerToCalyxArith.cpp
// (integer ops), LowerToCalyxFloat.cpp (float ops), LowerToCalyxMemory.cpp
// (memories, loads, stores, accumulator hoisting).
//
//===----------------------------------------------------------------------===//

#ifndef TORCH2CALYX_LIB_LOWERTOCALYX_H
#define TORCH2CALYX_LIB_LOWERTOCALYX_H

#include "torch2calyx/CalyxDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <optional>
#include <string>

namespace torch2calyx::lowering {

/// Width of `index` values in hardware.
constexpr unsigned kIndexWidth = 32;

/// A leaf statement of the control program: one group, the cells it
/// occupies (memories, shared units) and the SSA values it defines.
struct Stmt {
  std::string group;
  llvm::SmallVector<std::string, 2> resources;
  /// Cells whose output holds the statement's result (a memory read in
  /// place): they stay busy until the result's last user has run.
  llvm::SmallVector<std::string, 1> holds;
};

/// The step group of a loop body, scheduled with the body's statements: it
/// writes the registers of `writes` (induction variable, iteration
/// arguments) and reads `reads`, so it runs after every statement reading a
/// value computed from those registers and after the producers of `reads`.
struct LoopStep {
  std::string group;
  llvm::SmallVector<mlir::Value> writes;
  llvm::SmallVector<mlir::Value> reads;
};

/// A seq_mem_d1 that holds a memref.
struct Memory {
  std::string cell;
  unsigned width;
  int64_t size;
  unsigned idxWidth;
};

/// Lowers one function into one component.
class ComponentLowering {
public:
  ComponentLowering(mlir::func::FuncOp fn, calyx::ComponentOp comp);

  /// Lowers the function body into the component; reports errors on ops.
  mlir::LogicalResult run();

  //===--- Names, cells, groups and assignments (LowerToCalyx.cpp) ------===//

  /// A name not used yet in this component, derived from `base`.
  std::string uniqueName(llvm::StringRef base);
  /// Adds a cell `base<k> = primitive(params)` and returns its name.
  std::string addCell(llvm::StringRef base, llvm::StringRef primitive,
                      llvm::ArrayRef<int64_t> params, bool external = false);
  /// The one cell of `primitive(params)` shared by every group that uses
  /// such a unit (groups using it never run in parallel).
  std::string sharedUnit(llvm::StringRef base, llvm::StringRef primitive,
                         llvm::ArrayRef<int64_t> params);
  /// The same with an explicit sharing key (the k-th unit of a kind that a
  /// pipelined loop needs: loops running at different times share them).
  std::string sharedUnit(llvm::StringRef base, llvm::StringRef primitive,
                         llvm::ArrayRef<int64_t> params, llvm::StringRef key);
  /// A one-input combinational cell `primitive(params)` whose `in` is
  /// `input`; one cell per distinct (primitive, params, input).
  std::string combCell(llvm::StringRef base, llvm::StringRef primitive,
                       llvm::ArrayRef<int64_t> params, llvm::StringRef input);
  /// A `std_reg` of `width` bits.
  std::string addRegister(llvm::StringRef base, unsigned width);
  /// A new (comb) group; assignments are added with `assign(group, ...)`.
  calyx::GroupOp addGroup(llvm::StringRef base, bool comb = false);
  /// `dst = guard ? src` inside `group`.
  void assign(calyx::GroupOp group, llvm::StringRef dst, llvm::StringRef src,
              llvm::StringRef guard = {});
  /// A continuous assignment.
  void assign(llvm::StringRef dst, llvm::StringRef src,
              llvm::StringRef guard = {});
  /// `group[done] = src`.
  void done(calyx::GroupOp group, llvm::StringRef src);

  /// The Calyx literal of `value` on `width` bits.
  static std::string literal(unsigned width, const llvm::APInt &value);
  static std::string literal(unsigned width, uint64_t value);
  /// Hardware width of a scalar type (index is kIndexWidth bits).
  static unsigned widthOf(mlir::Type type);

  /// The port or literal holding `value`; reports an error on `user` when it
  /// has none.
  mlir::FailureOr<std::string> portOf(mlir::Value value, mlir::Operation *user);
  /// Records that `value` is available on `port`.
  void setPort(mlir::Value value, std::string port) {
    ports[value] = std::move(port);
  }
  /// A port (not a literal) holding `value`: literals go through a std_wire.
  mlir::FailureOr<std::string> portNotLiteral(mlir::Value value,
                                              mlir::Operation *user);

  /// Starts a group that runs a go/done unit: `unit.go` until `unit.done`,
  /// then `reg.in` is written (the caller adds `reg.in` and the operands).
  /// Returns the group; `reg` receives the result register's name.
  calyx::GroupOp unitGroup(llvm::StringRef base, llvm::StringRef unit,
                           mlir::Value result, std::string &reg);
  /// The register that receives `value`: a new `std_reg` named after
  /// `base`, or the register `value` was assigned to beforehand (an
  /// accumulator written in place, see lowerFor).
  std::string resultRegister(mlir::Value value, llvm::StringRef base);

  //===--- Op families --------------------------------------------------===//

  /// Integer and index ops (LowerToCalyxArith.cpp). Returns std::nullopt
  /// when `op` is not an integer op; a Stmt with an empty group when the op
  /// is combinational.
  std::optional<mlir::FailureOr<Stmt>> lowerArith(mlir::Operation *op);
  /// Float ops (LowerToCalyxFloat.cpp), same contract.
  std::optional<mlir::FailureOr<Stmt>> lowerFloat(mlir::Operation *op);
  /// Memory ops (LowerToCalyxMemory.cpp), same contract.
  std::optional<mlir::FailureOr<Stmt>> lowerMemory(mlir::Operation *op);
  /// Registers the external memories of the function arguments (of a
  /// callee: ref memories and input ports).
  mlir::LogicalResult lowerArguments();
  /// func.call (LowerToCalyx.cpp): an instance of the callee's component
  /// and an `invoke`, same contract as lowerArith.
  std::optional<mlir::FailureOr<Stmt>> lowerCall(mlir::Operation *op);
  /// Replaces the placeholder groups of the calls by `calyx.invoke`s.
  void finishInvokes();

  /// Lowering a called function (ref memories, scalar ports, results on
  /// output ports) rather than the top-level design.
  bool callee = false;
  /// The component's data ports, "name:width".
  llvm::SmallVector<std::string> inputPorts, outputPorts;
  /// An invoke waiting for its placeholder group to be scheduled.
  struct PendingInvoke {
    std::string instance;
    llvm::SmallVector<std::string> refs, inputs, outputs;
    /// The group copying the instance's outputs into registers, if any.
    std::string latch;
  };
  llvm::StringMap<PendingInvoke> invokes;
  /// The instance cell of each callee, by function name.
  llvm::StringMap<std::string> instances;

  //===--- Control (LowerToCalyxControl.cpp) -----------------------------===//

  /// Lowers the ops of `block` (except its terminator) into statements
  /// inserted at `ctrl`: independent leaves are grouped into `par`.
  mlir::LogicalResult lowerBlock(mlir::Block &block, mlir::OpBuilder &ctrl,
                                 const struct LoopStep *step = nullptr);
  /// scf.for, scf.if and scf.while, inserted at `ctrl`.
  mlir::LogicalResult lowerFor(mlir::Operation *op, mlir::OpBuilder &ctrl);
  mlir::LogicalResult lowerIf(mlir::Operation *op, mlir::OpBuilder &ctrl);
  /// scf.while: the "before" region runs before the loop and at the end of
  /// every iteration; the loop continues while its condition port is high.
  mlir::LogicalResult lowerWhile(mlir::Operation *op, mlir::OpBuilder &ctrl);
  /// A dot-product reduction loop (acc += a[f(i)] * b[g(i)] over two
  /// different memories) lowered as one software-pipelined group: one
  /// iteration starts every 3 cycles. Returns false (and creates nothing)
  /// when `op` does not match.
  mlir::FailureOr<bool> lowerPipelinedReduction(mlir::Operation *op,
                                                mlir::OpBuilder &ctrl);
  /// A loop nest marked `t2c.pipeline` (LowerToCalyxPipeline.cpp): one
  /// static group starting one iteration of the flattened nest every II
  /// cycles. Returns false (and creates nothing) when the nest has a shape
  /// the translation does not handle; it is then lowered sequentially.
  mlir::FailureOr<bool> lowerPipelinedNest(mlir::Operation *op,
                                           mlir::OpBuilder &ctrl);
  /// Pipelined nests lowered so far (names their groups).
  unsigned pipelineCount = 0;
  /// Pipeline depth (= latency in cycles) of the float adders and
  /// multipliers (the pass option float-stages): 2 uses std_addFN /
  /// pipelined_addFN, ..., N > 2 their `_s<N>` variants.
  int floatStages = 2;
  /// The primitive of depth floatStages for a depth-2 float add/mul
  /// primitive name (`std_addFN` -> `std_addFN_s7`).
  std::string floatUnit(llvm::StringRef primitive) const {
    if (floatStages == 2)
      return primitive.str();
    return (primitive + "_s" + llvm::Twine(floatStages)).str();
  }

  llvm::DenseMap<mlir::Value, Memory> memories;
  /// The memory cells built for allocations (memref.alloc/alloca).
  llvm::SmallVector<std::string> allocCells;
  /// Erases the cells of `allocCells` that no assignment or invoke names:
  /// the rotating buffers of pipelined nests, whose values live in delay
  /// lines, and allocations nothing reads or writes. Call after run().
  void dropUnusedAllocCells();
  /// Replaces the assignments of a unit's mode inputs (control, rounding
  /// mode, subOp, sqrtOp, signedIn/Out) by one continuous assignment when
  /// every group sets the same constant: the unit computes the same way in
  /// every use. Not for units an invoke binds to a component (the
  /// component drives them during the invoke). Call after run().
  void hoistUnitModes();
  mlir::func::FuncOp fn;
  calyx::ComponentOp comp;
  mlir::Location loc;
  /// The location new groups get: that of the innermost op being lowered
  /// whose location names a layer (a NameLoc, which the front end gives
  /// every op of a PyTorch layer); export-calyx notes the layer per group.
  mlir::Location groupLoc;

private:
  mlir::OpBuilder cellBuilder, wireBuilder;
  mlir::Operation *lastCell = nullptr;
  llvm::DenseMap<mlir::Value, std::string> ports;
  llvm::StringMap<unsigned> nameCounts;
  llvm::StringSet<> usedNames;
  llvm::StringMap<std::string> combCells;
  llvm::DenseMap<mlir::Value, std::string> presetRegisters;

public:
  /// Makes `value` be written directly into the register `reg`.
  void presetRegister(mlir::Value value, std::string reg) {
    presetRegisters[value] = std::move(reg);
  }
  llvm::StringMap<std::string> units;

  /// A unit a component takes from its caller: a `ref` cell that every
  /// invoke binds to the caller's unit of the same sharing key, so that a
  /// component and the nests and components around it share one pool.
  struct RefUnit {
    std::string cell, base, primitive, key;
    llvm::SmallVector<int64_t, 4> params;
  };
  /// The units of this component when it is a callee (all `ref`).
  llvm::SmallVector<RefUnit> refUnits;
  /// The ref units of the components lowered before this one, by function.
  const llvm::StringMap<llvm::SmallVector<RefUnit>> *calleeUnits = nullptr;
};

/// Pre-lowering rewrites of LowerToCalyxMemory.cpp: a load and a store of
/// one memory at one loop-invariant address in an scf.for body become an
/// iteration argument (load before, store after the loop), and repeated
/// loads of one address with no store between are merged.
void hoistAccumulators(mlir::func::FuncOp fn);
/// The address port of `mem` for `indices` (none for a 0-d memref).
mlir::FailureOr<std::string> memoryAddress(ComponentLowering &cl,
                                           mlir::Operation *op,
                                           const Memory &mem,
                                           mlir::ValueRange indices);
void mergeRepeatedLoads(mlir::func::FuncOp fn);
/// Rewrites affine ops into scf/arith/memref and canonicalizes.
mlir::LogicalResult lowerAffine(mlir::ModuleOp module);

/// Ops a pipelined loop body may hold (LowerToCalyxPipeline.cpp): loads,
/// stores, constants, combinational integer/bit ops, and float add/sub/mul
/// and int<->float conversions (pipelined units).
bool isPipelinableOp(mlir::Operation *op);
/// Constants and ops lowered without a cycle.
bool isCombinationalOp(mlir::Operation *op);
/// Ops that run on a pipelined unit (a latency of one cycle or more).
bool hasPipelinedUnit(mlir::Operation *op);

} // namespace torch2calyx::lowering

#endif // TORCH2CALYX_LIB_LOWERTOCALYX_H
