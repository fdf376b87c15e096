//===- Passes.h - torch2calyx passes and registration -------------*- C++
//-*-===//
//
// Declarations of every torch2calyx pass (generated from Passes.td) and the
// registration functions shared by t2c-opt and the torch2calyx._passes module.
//
//===----------------------------------------------------------------------===//

#ifndef TORCH2CALYX_PASSES_H
#define TORCH2CALYX_PASSES_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace torch2calyx {

#define GEN_PASS_DECL
#include "torch2calyx/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "torch2calyx/Passes.h.inc"

/// Adds every dialect torch2calyx reads or produces to `registry`.
void registerDialects(mlir::DialectRegistry &registry);

/// Registers the upstream passes t2c-opt and run_pipeline offer together with
/// every torch2calyx pass. Safe to call more than once.
void registerAllPasses();

} // namespace torch2calyx

#endif // TORCH2CALYX_PASSES_H
