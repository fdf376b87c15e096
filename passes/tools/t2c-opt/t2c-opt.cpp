//===- t2c-opt.cpp - the torch2calyx MLIR optimizer driver ----------------===//
//
// mlir-opt with the dialects of loop-level MLIR, the upstream passes used
// around torch2calyx and every torch2calyx pass.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  torch2calyx::registerAllPasses();
  mlir::DialectRegistry registry;
  torch2calyx::registerDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "torch2calyx MLIR optimizer driver\n", registry));
}
