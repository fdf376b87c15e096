//===- CalyxDialect.h - the calyx dialect of torch2calyx ----------*- C++
//-*-===//
//
// Ops of the name-based Calyx dialect (see CalyxOps.td).
//
//===----------------------------------------------------------------------===//

#ifndef TORCH2CALYX_CALYXDIALECT_H
#define TORCH2CALYX_CALYXDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"

#include "torch2calyx/CalyxDialect.h.inc"

#define GET_OP_CLASSES
#include "torch2calyx/CalyxOps.h.inc"

#endif // TORCH2CALYX_CALYXDIALECT_H
