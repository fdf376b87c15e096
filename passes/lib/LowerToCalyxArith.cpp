//===- LowerToCalyxArith.cpp - integer and index ops ----------------------===//
//
// Part of lower-to-calyx: integer/index arith ops. Combinational ones become
// std_* cells with continuous assignments (no cycle); multiplication by a
// constant becomes shifts and adds; other mul/div/rem use the pipelined
// units std_mult_pipe, std_div_pipe and std_sdiv_pipe in a group.
//
//===----------------------------------------------------------------------===//

#include "LowerToCalyx.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;
namespace cx = torch2calyx::calyx;

namespace {

using Result = std::optional<FailureOr<Stmt>>;

/// A combinational op done: its result is on `port`.
Result comb(ComponentLowering &cl, Operation *op, std::string port) {
  cl.setPort(op->getResult(0), std::move(port));
  return FailureOr<Stmt>(Stmt{});
}

/// out = prim(left, right) with a fresh cell of width `w`.
Result binary(ComponentLowering &cl, Operation *op, StringRef base,
              StringRef prim, unsigned w) {
  FailureOr<std::string> l = cl.portOf(op->getOperand(0), op);
  FailureOr<std::string> r = cl.portOf(op->getOperand(1), op);
  if (failed(l) || failed(r))
    return FailureOr<Stmt>(failure());
  std::string cell = cl.addCell(base, prim, {w});
  cl.assign(cell + ".left", *l);
  cl.assign(cell + ".right", *r);
  return comb(cl, op, cell + ".out");
}

/// Width conversion of `op`'s operand to its result width.
Result resize(ComponentLowering &cl, Operation *op, bool isSigned) {
  unsigned from = ComponentLowering::widthOf(op->getOperand(0).getType());
  unsigned to = ComponentLowering::widthOf(op->getResult(0).getType());
  FailureOr<std::string> in = cl.portOf(op->getOperand(0), op);
  if (failed(in))
    return FailureOr<Stmt>(failure());
  if (from == to)
    return comb(cl, op, *in);
  StringRef prim = from > to  ? "std_slice"
                   : isSigned ? "std_signext"
                              : "std_pad";
  std::string cell = cl.addCell(from > to ? "slice" : "ext", prim, {from, to});
  cl.assign(cell + ".in", *in);
  return comb(cl, op, cell + ".out");
}

/// cond ? a : b through a std_wire with two guarded assignments.
FailureOr<std::string> mux(ComponentLowering &cl, Operation *op, StringRef cond,
                           StringRef a, StringRef b, unsigned w) {
  std::string wire = cl.addCell("sel", "std_wire", {w});
  cl.assign(wire + ".in", a, cond);
  cl.assign(wire + ".in", b, ("!" + cond).str());
  return wire + ".out";
}

/// left * c for a constant c: shifts and adds, no multiplier.
Result mulByConstant(ComponentLowering &cl, Operation *op, Value x,
                     const APInt &c, unsigned w) {
  FailureOr<std::string> in = cl.portOf(x, op);
  if (failed(in))
    return FailureOr<Stmt>(failure());
  APInt k = c.zextOrTrunc(w);
  if (k.isZero())
    return comb(cl, op, ComponentLowering::literal(w, 0));
  std::string sum;
  for (unsigned bit = 0; bit < w; ++bit) {
    if (!k[bit])
      continue;
    std::string term = *in;
    if (bit) {
      std::string sh = cl.addCell("shl", "std_lsh", {w});
      cl.assign(sh + ".left", *in);
      cl.assign(sh + ".right", ComponentLowering::literal(w, bit));
      term = sh + ".out";
    }
    if (sum.empty()) {
      sum = term;
      continue;
    }
    std::string add = cl.addCell("add", "std_add", {w});
    cl.assign(add + ".left", sum);
    cl.assign(add + ".right", term);
    sum = add + ".out";
  }
  return comb(cl, op, sum);
}

/// A pipelined integer unit (mult or div) in a group writing a register.
Result pipelined(ComponentLowering &cl, Operation *op, StringRef base,
                 StringRef prim, StringRef outPort, unsigned w) {
  FailureOr<std::string> l = cl.portOf(op->getOperand(0), op);
  FailureOr<std::string> r = cl.portOf(op->getOperand(1), op);
  if (failed(l) || failed(r))
    return FailureOr<Stmt>(failure());
  std::string unit = cl.sharedUnit(prim.drop_front(4).drop_back(5), prim, {w});
  std::string reg;
  cx::GroupOp g = cl.unitGroup(base, unit, op->getResult(0), reg);
  cl.assign(g, unit + ".left", *l);
  cl.assign(g, unit + ".right", *r);
  cl.assign(g, reg + ".in", unit + "." + outPort.str());
  cl.setPort(op->getResult(0), reg + ".out");
  return FailureOr<Stmt>(Stmt{g.getSymName().str(), {unit}});
}

/// arith.remsi: std_sdiv_pipe's remainder takes the divisor's sign (Calyx's
/// definition, a floored remainder); arith.remsi's takes the dividend's. A
/// nonzero remainder whose sign differs from the dividend's is corrected by
/// subtracting the divisor, inside the group (the operands are held there).
Result signedRemainder(ComponentLowering &cl, Operation *op, unsigned w) {
  FailureOr<std::string> l = cl.portOf(op->getOperand(0), op);
  FailureOr<std::string> r = cl.portOf(op->getOperand(1), op);
  if (failed(l) || failed(r))
    return FailureOr<Stmt>(failure());
  std::string unit = cl.sharedUnit("sdiv", "std_sdiv_pipe", {w});
  std::string reg;
  cx::GroupOp g = cl.unitGroup("rem", unit, op->getResult(0), reg);
  cl.assign(g, unit + ".left", *l);
  cl.assign(g, unit + ".right", *r);
  std::string rem = unit + ".out_remainder";
  auto cell = [&](StringRef base, StringRef prim, unsigned width, StringRef a,
                  StringRef b) {
    std::string c = cl.addCell(base, prim, {width});
    cl.assign(c + ".left", a);
    cl.assign(c + ".right", b);
    return c + ".out";
  };
  std::string zero = ComponentLowering::literal(w, 0);
  std::string remNeg = cell("rem_neg", "std_slt", w, rem, zero);
  std::string lhsNeg = cell("lhs_neg", "std_slt", w, *l, zero);
  std::string differ = cell("sign_differs", "std_neq", 1, remNeg, lhsNeg);
  std::string nonzero = cell("rem_nonzero", "std_neq", w, rem, zero);
  std::string fix = cell("rem_fix", "std_and", 1, differ, nonzero);
  std::string fixed = cell("rem_trunc", "std_sub", w, rem, *r);
  cl.assign(g, reg + ".in", fixed, fix);
  cl.assign(g, reg + ".in", rem, "!" + fix);
  cl.setPort(op->getResult(0), reg + ".out");
  return FailureOr<Stmt>(Stmt{g.getSymName().str(), {unit}});
}

StringRef cmpPrimitive(arith::CmpIPredicate p) {
  using P = arith::CmpIPredicate;
  switch (p) {
  case P::eq:
    return "std_eq";
  case P::ne:
    return "std_neq";
  case P::ult:
    return "std_lt";
  case P::ule:
    return "std_le";
  case P::ugt:
    return "std_gt";
  case P::uge:
    return "std_ge";
  case P::slt:
    return "std_slt";
  case P::sle:
    return "std_sle";
  case P::sgt:
    return "std_sgt";
  case P::sge:
    return "std_sge";
  }
  return "";
}

/// min/max as a comparator and a mux.
Result minMax(ComponentLowering &cl, Operation *op, StringRef cmpPrim,
              unsigned w) {
  FailureOr<std::string> l = cl.portOf(op->getOperand(0), op);
  FailureOr<std::string> r = cl.portOf(op->getOperand(1), op);
  if (failed(l) || failed(r))
    return FailureOr<Stmt>(failure());
  std::string cmp = cl.addCell("cmp", cmpPrim, {w});
  cl.assign(cmp + ".left", *l);
  cl.assign(cmp + ".right", *r);
  FailureOr<std::string> out = mux(cl, op, cmp + ".out", *l, *r, w);
  return comb(cl, op, *out);
}

} // namespace

std::optional<FailureOr<Stmt>> ComponentLowering::lowerArith(Operation *op) {
  if (op->getNumResults() != 1)
    return std::nullopt;
  Type type = op->getResult(0).getType();
  bool intLike = type.isIntOrIndex();
  unsigned w = widthOf(type);
  auto &cl = *this;
  APInt c;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](arith::AddIOp) { return binary(cl, op, "add", "std_add", w); })
      .Case([&](arith::SubIOp) { return binary(cl, op, "sub", "std_sub", w); })
      .Case([&](arith::AndIOp) { return binary(cl, op, "and", "std_and", w); })
      .Case([&](arith::OrIOp) { return binary(cl, op, "or", "std_or", w); })
      .Case([&](arith::XOrIOp) { return binary(cl, op, "xor", "std_xor", w); })
      .Case([&](arith::ShLIOp) { return binary(cl, op, "shl", "std_lsh", w); })
      .Case([&](arith::ShRUIOp) { return binary(cl, op, "shr", "std_rsh", w); })
      .Case(
          [&](arith::ShRSIOp) { return binary(cl, op, "sshr", "std_srsh", w); })
      .Case([&](arith::MulIOp m) -> Result {
        if (matchPattern(m.getRhs(), m_ConstantInt(&c)))
          return mulByConstant(cl, op, m.getLhs(), c, w);
        if (matchPattern(m.getLhs(), m_ConstantInt(&c)))
          return mulByConstant(cl, op, m.getRhs(), c, w);
        return pipelined(cl, op, "mul", "std_mult_pipe", "out", w);
      })
      .Case([&](arith::DivUIOp d) -> Result {
        if (matchPattern(d.getRhs(), m_ConstantInt(&c)) && c.isPowerOf2()) {
          std::string sh = cl.addCell("shr", "std_rsh", {w});
          FailureOr<std::string> l = cl.portOf(d.getLhs(), op);
          if (failed(l))
            return FailureOr<Stmt>(failure());
          cl.assign(sh + ".left", *l);
          cl.assign(sh + ".right", literal(w, c.logBase2()));
          return comb(cl, op, sh + ".out");
        }
        return pipelined(cl, op, "div", "std_div_pipe", "out_quotient", w);
      })
      .Case([&](arith::RemUIOp d) -> Result {
        if (matchPattern(d.getRhs(), m_ConstantInt(&c)) && c.isPowerOf2()) {
          std::string mask = cl.addCell("and", "std_and", {w});
          FailureOr<std::string> l = cl.portOf(d.getLhs(), op);
          if (failed(l))
            return FailureOr<Stmt>(failure());
          cl.assign(mask + ".left", *l);
          cl.assign(mask + ".right", literal(w, c.zextOrTrunc(w) - 1));
          return comb(cl, op, mask + ".out");
        }
        return pipelined(cl, op, "rem", "std_div_pipe", "out_remainder", w);
      })
      .Case([&](arith::DivSIOp) {
        return pipelined(cl, op, "div", "std_sdiv_pipe", "out_quotient", w);
      })
      .Case([&](arith::RemSIOp) { return signedRemainder(cl, op, w); })
      .Case([&](arith::CmpIOp cmp) -> Result {
        unsigned ow = widthOf(cmp.getLhs().getType());
        StringRef prim = cmpPrimitive(cmp.getPredicate());
        return binary(cl, op, "cmp", prim, ow);
      })
      .Case([&](arith::SelectOp s) -> Result {
        if (!intLike && !isa<FloatType>(type))
          return std::nullopt;
        FailureOr<std::string> cond = cl.portNotLiteral(s.getCondition(), op);
        FailureOr<std::string> a = cl.portOf(s.getTrueValue(), op);
        FailureOr<std::string> b = cl.portOf(s.getFalseValue(), op);
        if (failed(cond) || failed(a) || failed(b))
          return FailureOr<Stmt>(failure());
        return comb(cl, op, *mux(cl, op, *cond, *a, *b, w));
      })
      .Case([&](arith::MinSIOp) { return minMax(cl, op, "std_slt", w); })
      .Case([&](arith::MaxSIOp) { return minMax(cl, op, "std_sgt", w); })
      .Case([&](arith::MinUIOp) { return minMax(cl, op, "std_lt", w); })
      .Case([&](arith::MaxUIOp) { return minMax(cl, op, "std_gt", w); })
      .Case([&](arith::ExtUIOp) { return resize(cl, op, false); })
      .Case([&](arith::ExtSIOp) { return resize(cl, op, true); })
      .Case([&](arith::TruncIOp) { return resize(cl, op, false); })
      .Case([&](arith::IndexCastUIOp) { return resize(cl, op, false); })
      .Case([&](arith::IndexCastOp) { return resize(cl, op, true); })
      .Case([&](arith::BitcastOp b) -> Result {
        FailureOr<std::string> in = cl.portOf(b.getIn(), op);
        if (failed(in))
          return FailureOr<Stmt>(failure());
        return comb(cl, op, *in);
      })
      .Default([&](Operation *) -> Result { return std::nullopt; });
}
