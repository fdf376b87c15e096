//===- Registration.cpp - dialects and passes offered by torch2calyx ------===//
//
// The one place that lists what t2c-opt and torch2calyx._passes understand:
// the dialects of loop-level MLIR and the upstream passes used around ours.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"
#include "torch2calyx/CalyxDialect.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

#include <mutex>

void torch2calyx::registerDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::affine::AffineDialect, mlir::arith::ArithDialect,
                  mlir::cf::ControlFlowDialect, mlir::func::FuncDialect,
                  mlir::math::MathDialect, mlir::memref::MemRefDialect,
                  mlir::scf::SCFDialect, torch2calyx::calyx::CalyxDialect>();
  // Lets --inline inline func.call (used to move weight reads into the top).
  mlir::func::registerInlinerExtension(registry);
}

void torch2calyx::registerAllPasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    mlir::registerTransformsPasses();
    mlir::affine::registerAffinePasses();
    mlir::arith::registerArithPasses();
    mlir::memref::registerMemRefPasses();
    mlir::registerSCFPasses();
    mlir::registerLowerAffinePass();
    mlir::registerSCFToControlFlowPass();
    registerTorch2CalyxPasses();
  });
}
