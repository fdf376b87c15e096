//===- CalyxDialect.cpp - the calyx dialect of torch2calyx ----------------===//
//
// Registration and verifiers of the name-based Calyx dialect.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/CalyxDialect.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace torch2calyx::calyx;

#include "torch2calyx/CalyxDialect.cpp.inc"

void CalyxDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "torch2calyx/CalyxOps.cpp.inc"
      >();
}

LogicalResult ComponentOp::verify() {
  llvm::StringSet<> names;
  unsigned controls = 0;
  if (getBody().empty())
    return emitOpError("must hold exactly one calyx.control, found none");
  for (Operation &op : getBody().front()) {
    StringRef name;
    if (auto cell = dyn_cast<CellOp>(op))
      name = cell.getSymName();
    else if (auto group = dyn_cast<GroupOp>(op))
      name = group.getSymName();
    else if (isa<ControlOp>(op))
      ++controls;
    if (!name.empty() && !names.insert(name).second)
      return op.emitOpError("redefines '")
             << name << "' in component '" << getSymName()
             << "'; cell and group names must be unique";
  }
  if (controls != 1)
    return emitOpError("must hold exactly one calyx.control, found ")
           << controls;
  return success();
}

#define GET_OP_CLASSES
#include "torch2calyx/CalyxOps.cpp.inc"
