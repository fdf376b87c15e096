//===- Passes.td - torch2calyx pass declarations -----------*- tablegen -*-===//
//
// Every pass of the torch2calyx native library. Each pass lives in its own
// .cpp under passes/lib/ and is registered by registerTorch2CalyxPasses().
//
//===----------------------------------------------------------------------===//

#ifndef TORCH2CALYX_PASSES
#define TORCH2CALYX_PASSES

include "mlir/Pass/PassBase.td"

#endif // TORCH2CALYX_PASSES
