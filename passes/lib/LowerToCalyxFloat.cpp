//===- LowerToCalyxFloat.cpp - IEEE-754 float ops
//--------------------------===//
//
// Part of lower-to-calyx: float arith ops on Calyx's float units, each
// parameterized by (expWidth, sigWidth, width) so that binary16, binary32
// and binary64 share one lowering. One unit of each kind and format per
// component is shared by every group that needs it.
//
//   addf/subf -> std_addFN     mulf -> std_mulFN
//   divf/sqrt -> std_divSqrtFN cmpf -> std_compareFN
//   sitofp/uitofp -> std_intToFp  fptosi/fptoui -> std_fpToInt
//
//===----------------------------------------------------------------------===//

#include "LowerToCalyx.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;
namespace cx = torch2calyx::calyx;

namespace {

using Result = std::optional<FailureOr<Stmt>>;

/// (expWidth, sigWidth, width) of a float type.
std::optional<std::array<int64_t, 3>> formatOf(Type t) {
  auto ft = dyn_cast<FloatType>(t);
  if (!ft)
    return std::nullopt;
  if (ft.isF16())
    return std::array<int64_t, 3>{5, 11, 16};
  if (ft.isBF16())
    return std::array<int64_t, 3>{8, 8, 16};
  if (ft.isF32())
    return std::array<int64_t, 3>{8, 24, 32};
  if (ft.isF64())
    return std::array<int64_t, 3>{11, 53, 64};
  return std::nullopt;
}

Result unsupportedType(Operation *op, Type t) {
  op->emitOpError("operates on ")
      << t << ", which has no Calyx float unit; use f16, bf16, f32 or f64";
  return FailureOr<Stmt>(failure());
}

/// A group running a binary float unit: add/sub, mul, div/sqrt.
Result binaryUnit(ComponentLowering &cl, Operation *op, StringRef base,
                  StringRef prim, Value lhs, Value rhs,
                  ArrayRef<std::pair<StringRef, StringRef>> fixed) {
  auto fmt = formatOf(op->getResult(0).getType());
  if (!fmt)
    return unsupportedType(op, op->getResult(0).getType());
  FailureOr<std::string> l = cl.portOf(lhs, op);
  FailureOr<std::string> r = cl.portOf(rhs, op);
  if (failed(l) || failed(r))
    return FailureOr<Stmt>(failure());
  std::string unitBase = (prim.drop_front(4) + "_f" + Twine((*fmt)[2])).str();
  std::string unit = cl.sharedUnit(unitBase, prim, *fmt);
  std::string reg;
  cx::GroupOp g = cl.unitGroup(base, unit, op->getResult(0), reg);
  cl.assign(g, unit + ".left", *l);
  cl.assign(g, unit + ".right", *r);
  cl.assign(g, unit + ".control", "1'd0");
  cl.assign(g, unit + ".roundingMode", "3'd0");
  for (auto &[port, value] : fixed)
    cl.assign(g, (unit + "." + port).str(), value);
  cl.assign(g, reg + ".in", unit + ".out");
  cl.setPort(op->getResult(0), reg + ".out");
  return FailureOr<Stmt>(Stmt{g.getSymName().str(), {unit}});
}

/// The guard over std_compareFN flags that is true for `p`.
std::string predicateGuard(arith::CmpFPredicate p, StringRef u) {
  std::string lt = (u + ".lt").str(), eq = (u + ".eq").str(),
              gt = (u + ".gt").str(), un = (u + ".unordered").str();
  using P = arith::CmpFPredicate;
  switch (p) {
  case P::OEQ:
    return eq;
  case P::OGT:
    return gt;
  case P::OGE:
    return gt + " | " + eq;
  case P::OLT:
    return lt;
  case P::OLE:
    return lt + " | " + eq;
  case P::ONE:
    return lt + " | " + gt;
  case P::ORD:
    return "!" + un;
  case P::UEQ:
    return eq + " | " + un;
  case P::UGT:
    return gt + " | " + un;
  case P::UGE:
    return gt + " | " + eq + " | " + un;
  case P::ULT:
    return lt + " | " + un;
  case P::ULE:
    return lt + " | " + eq + " | " + un;
  case P::UNE:
    return "!" + eq;
  case P::UNO:
    return un;
  case P::AlwaysFalse:
  case P::AlwaysTrue:
    return "";
  }
  return "";
}

Result compare(ComponentLowering &cl, arith::CmpFOp cmp) {
  Operation *op = cmp;
  using P = arith::CmpFPredicate;
  if (cmp.getPredicate() == P::AlwaysFalse ||
      cmp.getPredicate() == P::AlwaysTrue) {
    cl.setPort(cmp.getResult(),
               cmp.getPredicate() == P::AlwaysTrue ? "1'd1" : "1'd0");
    return FailureOr<Stmt>(Stmt{});
  }
  auto fmt = formatOf(cmp.getLhs().getType());
  if (!fmt)
    return unsupportedType(op, cmp.getLhs().getType());
  FailureOr<std::string> l = cl.portOf(cmp.getLhs(), op);
  FailureOr<std::string> r = cl.portOf(cmp.getRhs(), op);
  if (failed(l) || failed(r))
    return FailureOr<Stmt>(failure());
  std::string unit = cl.sharedUnit(("compareFN_f" + Twine((*fmt)[2])).str(),
                                   "std_compareFN", *fmt);
  std::string reg;
  cx::GroupOp g = cl.unitGroup("cmpf", unit, cmp.getResult(), reg);
  cl.assign(g, unit + ".left", *l);
  cl.assign(g, unit + ".right", *r);
  cl.assign(g, unit + ".signaling", "1'd0");
  std::string guard = predicateGuard(cmp.getPredicate(), unit);
  cl.assign(g, reg + ".in", "1'd1", guard);
  cl.assign(g, reg + ".in", "1'd0", "!(" + guard + ")");
  cl.setPort(cmp.getResult(), reg + ".out");
  return FailureOr<Stmt>(Stmt{g.getSymName().str(), {unit}});
}

/// int -> float (std_intToFp) and float -> int (std_fpToInt).
Result convert(ComponentLowering &cl, Operation *op, bool toFloat,
               bool isSigned) {
  Value in = op->getOperand(0);
  Type floatType = toFloat ? op->getResult(0).getType() : in.getType();
  auto fmt = formatOf(floatType);
  if (!fmt)
    return unsupportedType(op, floatType);
  unsigned intWidth = ComponentLowering::widthOf(
      toFloat ? in.getType() : op->getResult(0).getType());
  FailureOr<std::string> src = cl.portOf(in, op);
  if (failed(src))
    return FailureOr<Stmt>(failure());
  std::string unit =
      toFloat
          ? cl.sharedUnit(("intToFp_f" + Twine((*fmt)[2])).str(), "std_intToFp",
                          {intWidth, (*fmt)[0], (*fmt)[1], (*fmt)[2]})
          : cl.sharedUnit(("fpToInt_f" + Twine((*fmt)[2])).str(), "std_fpToInt",
                          {(*fmt)[0], (*fmt)[1], (*fmt)[2], intWidth});
  std::string reg;
  cx::GroupOp g =
      cl.unitGroup(toFloat ? "itofp" : "fptoi", unit, op->getResult(0), reg);
  cl.assign(g, unit + ".in", *src);
  cl.assign(g, unit + (toFloat ? ".signedIn" : ".signedOut"),
            isSigned ? "1'd1" : "1'd0");
  cl.assign(g, reg + ".in", unit + ".out");
  cl.setPort(op->getResult(0), reg + ".out");
  return FailureOr<Stmt>(Stmt{g.getSymName().str(), {unit}});
}

} // namespace

std::optional<FailureOr<Stmt>> ComponentLowering::lowerFloat(Operation *op) {
  auto &cl = *this;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](arith::AddFOp a) {
        return binaryUnit(cl, op, "addf", cl.floatUnit("std_addFN"), a.getLhs(),
                          a.getRhs(), {{"subOp", "1'd0"}});
      })
      .Case([&](arith::SubFOp a) {
        return binaryUnit(cl, op, "subf", cl.floatUnit("std_addFN"), a.getLhs(),
                          a.getRhs(), {{"subOp", "1'd1"}});
      })
      .Case([&](arith::MulFOp a) {
        return binaryUnit(cl, op, "mulf", cl.floatUnit("std_mulFN"), a.getLhs(),
                          a.getRhs(), {});
      })
      .Case([&](arith::DivFOp a) {
        return binaryUnit(cl, op, "divf", "std_divSqrtFN", a.getLhs(),
                          a.getRhs(), {{"sqrtOp", "1'd0"}});
      })
      .Case([&](math::SqrtOp a) {
        return binaryUnit(cl, op, "sqrt", "std_divSqrtFN", a.getOperand(),
                          a.getOperand(), {{"sqrtOp", "1'd1"}});
      })
      .Case([&](arith::CmpFOp c) { return compare(cl, c); })
      .Case([&](arith::SIToFPOp) { return convert(cl, op, true, true); })
      .Case([&](arith::UIToFPOp) { return convert(cl, op, true, false); })
      .Case([&](arith::FPToSIOp) { return convert(cl, op, false, true); })
      .Case([&](arith::FPToUIOp) { return convert(cl, op, false, false); })
      .Case([&](arith::ExtFOp e) -> Result {
        e.emitOpError("converts ")
            << e.getIn().getType() << " to " << e.getType()
            << ", which has no Calyx primitive; run "
               "--legalize-float-ops (narrow-f64 computes f64 in f32)";
        return FailureOr<Stmt>(failure());
      })
      .Case([&](arith::TruncFOp e) -> Result {
        e.emitOpError("converts ")
            << e.getIn().getType() << " to " << e.getType()
            << ", which has no Calyx primitive; run "
               "--legalize-float-ops (narrow-f64 computes f64 in f32)";
        return FailureOr<Stmt>(failure());
      })
      .Default([&](Operation *) -> Result { return std::nullopt; });
}
