//===- LegalizeFloatOps.cpp - float ops without a Calyx primitive ---------===//
//
// Implements legalize-float-ops: rewrites float ops that have no Calyx
// primitive (ReLU patterns, maximumf/minimumf, negf, absf, copysign, fma,
// rsqrt, fpowi/powf with constant exponents, exp/tanh/erf/log/... through
// MLIR's polynomial approximations) into ops that have one or into integer
// logic on the bits, and optionally narrows f64 computations to f32.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/StringSet.h"

namespace torch2calyx {
#define GEN_PASS_DEF_LEGALIZEFLOATOPS
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;
using namespace torch2calyx;

namespace {

/// Integer type of the same width as the float type `t`.
IntegerType bitsType(Type t) {
  return IntegerType::get(t.getContext(), t.getIntOrFloatBitWidth());
}

/// Small builder of integer logic on the bits of a float value.
struct BitBuilder {
  PatternRewriter &rw;
  Location loc;
  IntegerType it;

  Value cst(const APInt &v) {
    return arith::ConstantOp::create(rw, loc, it, rw.getIntegerAttr(it, v));
  }
  Value signMask() { return cst(APInt::getSignMask(it.getWidth())); }
  Value magMask() { return cst(APInt::getSignedMaxValue(it.getWidth())); }
  Value bits(Value f) { return arith::BitcastOp::create(rw, loc, it, f); }
  Value toFloat(Value i, Type ft) {
    return arith::BitcastOp::create(rw, loc, ft, i);
  }
  Value cmp(arith::CmpIPredicate p, Value a, Value b) {
    return arith::CmpIOp::create(rw, loc, p, a, b);
  }
  /// The bits of +infinity.
  Value infBits(FloatType ft) {
    return cst(APFloat::getInf(ft.getFloatSemantics()).bitcastToAPInt());
  }
  /// 1 when the float with bits `b` is a NaN.
  Value isNaN(Value b, FloatType ft) {
    Value mag = arith::AndIOp::create(rw, loc, b, magMask());
    return cmp(arith::CmpIPredicate::ugt, mag, infBits(ft));
  }
  /// A signed integer ordered like the floats (for non-NaN inputs), with
  /// -0.0 below +0.0 as IEEE-754 maximum/minimum want.
  Value orderKey(Value b) {
    Value zero = cst(APInt(it.getWidth(), 0));
    Value neg = cmp(arith::CmpIPredicate::slt, b, zero);
    Value flipped = arith::XOrIOp::create(rw, loc, b, magMask());
    return arith::SelectOp::create(rw, loc, neg, flipped, b);
  }
};

/// torch.relu on `x`: +0.0 when x is negative, non-zero and not NaN, else x
/// (so -0.0 and NaN pass through unchanged, as in PyTorch).
Value buildRelu(PatternRewriter &rw, Location loc, Value x) {
  auto ft = cast<FloatType>(x.getType());
  BitBuilder bb{rw, loc, bitsType(ft)};
  unsigned w = ft.getWidth();
  Value b = bb.bits(x);
  Value neg = bb.cmp(arith::CmpIPredicate::slt, b, bb.cst(APInt(w, 0)));
  Value mag = arith::AndIOp::create(rw, loc, b, bb.magMask());
  Value magMinus1 = arith::SubIOp::create(rw, loc, mag, bb.cst(APInt(w, 1)));
  // mag in [1, inf] <=> mag - 1 < inf (unsigned, wrapping 0 to the top).
  Value nonZeroNotNaN =
      bb.cmp(arith::CmpIPredicate::ult, magMinus1, bb.infBits(ft));
  Value kill = arith::AndIOp::create(rw, loc, neg, nonZeroNotNaN);
  Value zero = arith::ConstantOp::create(rw, loc, ft, rw.getFloatAttr(ft, 0.0));
  return arith::SelectOp::create(rw, loc, kill, zero, x);
}

bool isPosZero(Value v) {
  APFloat f(0.0);
  return matchPattern(v, m_ConstantFloat(&f)) && f.isPosZero();
}

/// select(cmpf(ogt|ugt|oge|uge, x, 0), x, 0) and
/// select(cmpf(olt|ult|ole|ule, x, 0), 0, x) -> ReLU.
struct ReluSelectPattern : OpRewritePattern<arith::SelectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::SelectOp op,
                                PatternRewriter &rw) const override {
    auto cmp = op.getCondition().getDefiningOp<arith::CmpFOp>();
    if (!cmp || !isa<FloatType>(op.getType()) || !isPosZero(cmp.getRhs()))
      return failure();
    Value x = cmp.getLhs();
    using P = arith::CmpFPredicate;
    P p = cmp.getPredicate();
    bool greater = p == P::OGT || p == P::UGT || p == P::OGE || p == P::UGE;
    bool less = p == P::OLT || p == P::ULT || p == P::OLE || p == P::ULE;
    if (!((greater && op.getTrueValue() == x &&
           isPosZero(op.getFalseValue())) ||
          (less && op.getFalseValue() == x && isPosZero(op.getTrueValue()))))
      return failure();
    rw.replaceOp(op, buildRelu(rw, op.getLoc(), x));
    return success();
  }
};

/// maximumf/maxnumf(x, 0) or (0, x) -> ReLU.
template <typename MaxOp> struct ReluMaxPattern : OpRewritePattern<MaxOp> {
  using OpRewritePattern<MaxOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxOp op, PatternRewriter &rw) const override {
    Value x;
    if (isPosZero(op.getRhs()))
      x = op.getLhs();
    else if (isPosZero(op.getLhs()))
      x = op.getRhs();
    else
      return failure();
    rw.replaceOp(op, buildRelu(rw, op.getLoc(), x));
    return success();
  }
};

/// maximumf/minimumf (NaN wins) and maxnumf/minnumf (number wins) as
/// integer comparisons of order keys.
template <typename OpTy, bool isMax, bool nanWins>
struct MinMaxPattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rw) const override {
    auto ft = dyn_cast<FloatType>(op.getType());
    if (!ft)
      return failure();
    Location loc = op.getLoc();
    BitBuilder bb{rw, loc, bitsType(ft)};
    Value x = op.getLhs(), y = op.getRhs();
    Value bx = bb.bits(x), by = bb.bits(y);
    Value pickX =
        bb.cmp(isMax ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt,
               bb.orderKey(bx), bb.orderKey(by));
    Value ordered = arith::SelectOp::create(rw, loc, pickX, x, y);
    Value xNaN = bb.isNaN(bx, ft), yNaN = bb.isNaN(by, ft);
    Value result;
    if (nanWins) {
      Value ifY = arith::SelectOp::create(rw, loc, yNaN, y, ordered);
      result = arith::SelectOp::create(rw, loc, xNaN, x, ifY);
    } else {
      Value ifY = arith::SelectOp::create(rw, loc, yNaN, x, ordered);
      result = arith::SelectOp::create(rw, loc, xNaN, y, ifY);
    }
    rw.replaceOp(op, result);
    return success();
  }
};

/// cmpf as integer logic on the bits (no std_compareFN, no cycle): for
/// non-NaN operands, sign-magnitude keys (with -0.0 == +0.0) compare like the
/// floats; NaN operands make the comparison unordered.
struct CmpFPattern : OpRewritePattern<arith::CmpFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::CmpFOp op,
                                PatternRewriter &rw) const override {
    auto ft = dyn_cast<FloatType>(op.getLhs().getType());
    if (!ft)
      return failure();
    Location loc = op.getLoc();
    BitBuilder bb{rw, loc, bitsType(ft)};
    using P = arith::CmpFPredicate;
    using I = arith::CmpIPredicate;
    P p = op.getPredicate();
    Type i1 = rw.getI1Type();
    auto bit = [&](bool v) {
      return arith::ConstantOp::create(rw, loc, i1, rw.getBoolAttr(v));
    };
    if (p == P::AlwaysFalse || p == P::AlwaysTrue) {
      rw.replaceOp(op, bit(p == P::AlwaysTrue));
      return success();
    }
    Value bx = bb.bits(op.getLhs()), by = bb.bits(op.getRhs());
    auto key = [&](Value b) {
      Value zero = bb.cst(APInt(ft.getWidth(), 0));
      Value mag = arith::AndIOp::create(rw, loc, b, bb.magMask());
      Value negMag = arith::SubIOp::create(rw, loc, zero, mag);
      Value neg = bb.cmp(I::slt, b, zero);
      return arith::SelectOp::create(rw, loc, neg, negMag, mag);
    };
    Value kx = key(bx), ky = key(by);
    Value uno =
        arith::OrIOp::create(rw, loc, bb.isNaN(bx, ft), bb.isNaN(by, ft));
    Value ord = arith::XOrIOp::create(rw, loc, uno, bit(true));
    auto icmp = [&](I pred) { return bb.cmp(pred, kx, ky); };
    Value ordered, result;
    bool unordered = false;
    switch (p) {
    case P::OEQ:
      ordered = icmp(I::eq);
      break;
    case P::OGT:
      ordered = icmp(I::sgt);
      break;
    case P::OGE:
      ordered = icmp(I::sge);
      break;
    case P::OLT:
      ordered = icmp(I::slt);
      break;
    case P::OLE:
      ordered = icmp(I::sle);
      break;
    case P::ONE:
      ordered = icmp(I::ne);
      break;
    case P::ORD:
      ordered = bit(true);
      break;
    case P::UEQ:
      ordered = icmp(I::eq);
      unordered = true;
      break;
    case P::UGT:
      ordered = icmp(I::sgt);
      unordered = true;
      break;
    case P::UGE:
      ordered = icmp(I::sge);
      unordered = true;
      break;
    case P::ULT:
      ordered = icmp(I::slt);
      unordered = true;
      break;
    case P::ULE:
      ordered = icmp(I::sle);
      unordered = true;
      break;
    case P::UNE:
      ordered = icmp(I::ne);
      unordered = true;
      break;
    case P::UNO:
      ordered = bit(false);
      unordered = true;
      break;
    default:
      return failure();
    }
    result = unordered
                 ? arith::OrIOp::create(rw, loc, ordered, uno).getResult()
                 : arith::AndIOp::create(rw, loc, ordered, ord).getResult();
    rw.replaceOp(op, result);
    return success();
  }
};

struct NegFPattern : OpRewritePattern<arith::NegFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::NegFOp op,
                                PatternRewriter &rw) const override {
    auto ft = dyn_cast<FloatType>(op.getType());
    if (!ft)
      return failure();
    BitBuilder bb{rw, op.getLoc(), bitsType(ft)};
    Value flipped = arith::XOrIOp::create(
        rw, op.getLoc(), bb.bits(op.getOperand()), bb.signMask());
    rw.replaceOp(op, bb.toFloat(flipped, ft));
    return success();
  }
};

struct AbsFPattern : OpRewritePattern<math::AbsFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AbsFOp op,
                                PatternRewriter &rw) const override {
    auto ft = dyn_cast<FloatType>(op.getType());
    if (!ft)
      return failure();
    BitBuilder bb{rw, op.getLoc(), bitsType(ft)};
    Value cleared = arith::AndIOp::create(
        rw, op.getLoc(), bb.bits(op.getOperand()), bb.magMask());
    rw.replaceOp(op, bb.toFloat(cleared, ft));
    return success();
  }
};

struct CopySignPattern : OpRewritePattern<math::CopySignOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::CopySignOp op,
                                PatternRewriter &rw) const override {
    auto ft = dyn_cast<FloatType>(op.getType());
    if (!ft)
      return failure();
    Location loc = op.getLoc();
    BitBuilder bb{rw, loc, bitsType(ft)};
    Value mag =
        arith::AndIOp::create(rw, loc, bb.bits(op.getLhs()), bb.magMask());
    Value sign =
        arith::AndIOp::create(rw, loc, bb.bits(op.getRhs()), bb.signMask());
    Value joined = arith::OrIOp::create(rw, loc, mag, sign);
    rw.replaceOp(op, bb.toFloat(joined, ft));
    return success();
  }
};

struct FmaPattern : OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &rw) const override {
    if (!isa<FloatType>(op.getType()))
      return failure();
    Value prod = arith::MulFOp::create(rw, op.getLoc(), op.getA(), op.getB());
    rw.replaceOpWithNewOp<arith::AddFOp>(op, prod, op.getC());
    return success();
  }
};

struct RsqrtPattern : OpRewritePattern<math::RsqrtOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::RsqrtOp op,
                                PatternRewriter &rw) const override {
    auto ft = dyn_cast<FloatType>(op.getType());
    if (!ft)
      return failure();
    Value one = arith::ConstantOp::create(rw, op.getLoc(), ft,
                                          rw.getFloatAttr(ft, 1.0));
    Value root = math::SqrtOp::create(rw, op.getLoc(), op.getOperand());
    rw.replaceOpWithNewOp<arith::DivFOp>(op, one, root);
    return success();
  }
};

/// floor(x) on the bits: clear the fraction bits below the binary point,
/// rounding the magnitude up first when x is negative and not an integer.
Value buildFloor(PatternRewriter &rw, Location loc, Value x) {
  auto ft = cast<FloatType>(x.getType());
  BitBuilder bb{rw, loc, bitsType(ft)};
  unsigned w = ft.getWidth();
  unsigned m = APFloat::semanticsPrecision(ft.getFloatSemantics()) - 1;
  unsigned e = w - 1 - m;
  uint64_t bias = (uint64_t(1) << (e - 1)) - 1;
  using P = arith::CmpIPredicate;
  auto c = [&](uint64_t v) {
    return bb.cst(APInt(w, v, /*isSigned=*/false, /*implicitTrunc=*/true));
  };
  Value b = bb.bits(x);
  Value expField =
      arith::AndIOp::create(rw, loc, arith::ShRUIOp::create(rw, loc, b, c(m)),
                            c((uint64_t(1) << e) - 1));
  Value neg = bb.cmp(P::slt, b, c(0));
  Value mag = arith::AndIOp::create(rw, loc, b, bb.magMask());
  // |x| < 1: -1.0 for negative non-zero x, else a zero of x's sign.
  bool lost;
  APFloat one(-1.0);
  one.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
  APInt minusOne = one.bitcastToAPInt();
  Value signOnly = arith::AndIOp::create(rw, loc, b, bb.signMask());
  Value negNonZero =
      arith::AndIOp::create(rw, loc, neg, bb.cmp(P::ne, mag, c(0)));
  Value small =
      arith::SelectOp::create(rw, loc, negNonZero, bb.cst(minusOne), signOnly);
  // 1 <= |x| < 2^m: mask the fraction bits below the point.
  Value shift = arith::SubIOp::create(rw, loc, expField, c(bias));
  Value mask =
      arith::ShRUIOp::create(rw, loc, c((uint64_t(1) << m) - 1), shift);
  Value notMask = arith::XOrIOp::create(rw, loc, mask, c(~uint64_t(0)));
  Value fracZero = bb.cmp(P::eq, arith::AndIOp::create(rw, loc, b, mask), c(0));
  Value up = arith::AndIOp::create(
      rw, loc, arith::AddIOp::create(rw, loc, b, mask), notMask);
  Value down = arith::AndIOp::create(rw, loc, b, notMask);
  Value rounded = arith::SelectOp::create(rw, loc, neg, up, down);
  Value mid = arith::SelectOp::create(rw, loc, fracZero, b, rounded);
  // |x| >= 2^m, inf and NaN are their own floor.
  Value isSmall = bb.cmp(P::ult, expField, c(bias));
  Value isBig = bb.cmp(P::uge, expField, c(bias + m));
  Value result = arith::SelectOp::create(
      rw, loc, isSmall, small, arith::SelectOp::create(rw, loc, isBig, b, mid));
  return bb.toFloat(result, ft);
}

struct FloorPattern : OpRewritePattern<math::FloorOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FloorOp op,
                                PatternRewriter &rw) const override {
    if (!isa<FloatType>(op.getType()) ||
        op.getType().getIntOrFloatBitWidth() > 64)
      return failure();
    rw.replaceOp(op, buildFloor(rw, op.getLoc(), op.getOperand()));
    return success();
  }
};

/// ceil(x) = -floor(-x).
struct CeilPattern : OpRewritePattern<math::CeilOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::CeilOp op,
                                PatternRewriter &rw) const override {
    if (!isa<FloatType>(op.getType()))
      return failure();
    Value negX = arith::NegFOp::create(rw, op.getLoc(), op.getOperand());
    Value fl = math::FloorOp::create(rw, op.getLoc(), negX);
    rw.replaceOpWithNewOp<arith::NegFOp>(op, fl);
    return success();
  }
};

/// x^n for a constant integer n by repeated squaring (1/x^-n when n < 0).
Value buildPower(PatternRewriter &rw, Location loc, Value x, int64_t n) {
  auto ft = cast<FloatType>(x.getType());
  Value one = arith::ConstantOp::create(rw, loc, ft, rw.getFloatAttr(ft, 1.0));
  uint64_t m = n < 0 ? -static_cast<uint64_t>(n) : n;
  Value result, square = x;
  while (m) {
    if (m & 1)
      result = result
                   ? arith::MulFOp::create(rw, loc, result, square).getResult()
                   : square;
    m >>= 1;
    if (m)
      square = arith::MulFOp::create(rw, loc, square, square);
  }
  if (!result)
    return one;
  if (n < 0)
    result = arith::DivFOp::create(rw, loc, one, result);
  return result;
}

struct FPowIPattern : OpRewritePattern<math::FPowIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FPowIOp op,
                                PatternRewriter &rw) const override {
    APInt n;
    if (!isa<FloatType>(op.getType()) ||
        !matchPattern(op.getRhs(), m_ConstantInt(&n)) ||
        n.getSignificantBits() > 16)
      return failure();
    rw.replaceOp(op,
                 buildPower(rw, op.getLoc(), op.getLhs(), n.getSExtValue()));
    return success();
  }
};

struct PowFPattern : OpRewritePattern<math::PowFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::PowFOp op,
                                PatternRewriter &rw) const override {
    APFloat e(0.0);
    if (!isa<FloatType>(op.getType()) ||
        !matchPattern(op.getRhs(), m_ConstantFloat(&e)))
      return failure();
    double d = e.convertToDouble();
    if (d == 0.5) {
      rw.replaceOpWithNewOp<math::SqrtOp>(op, op.getLhs());
      return success();
    }
    if (d != static_cast<double>(static_cast<int64_t>(d)) || d > 65536 ||
        d < -65536)
      return failure();
    rw.replaceOp(
        op, buildPower(rw, op.getLoc(), op.getLhs(), static_cast<int64_t>(d)));
    return success();
  }
};

/// Computes every f64 scalar in f32: f64 constants, op results, block
/// arguments and internal f64 memories become f32, and the extf/truncf
/// between f32 and f64 vanish.
LogicalResult narrowF64(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  Type f32 = Float32Type::get(ctx);
  auto narrow = [&](Type t) -> Type {
    if (t.isF64())
      return f32;
    if (auto m = dyn_cast<MemRefType>(t); m && m.getElementType().isF64())
      return MemRefType::get(m.getShape(), f32, m.getLayout(),
                             m.getMemorySpace());
    return t;
  };
  bool failed = false;
  module.walk([&](func::FuncOp fn) {
    for (auto [i, t] : llvm::enumerate(fn.getArgumentTypes()))
      if (narrow(t) != t) {
        fn.emitOpError("argument ")
            << i
            << " has f64 elements, which narrow-f64 cannot change at "
               "the interface; pass f32 tensors or run "
               "--legalize-float-ops=narrow-f64=false";
        failed = true;
      }
  });
  if (failed)
    return failure();
  OpBuilder b(ctx);
  SmallVector<Operation *> dead;
  module.walk([&](Operation *op) {
    if (auto c = dyn_cast<arith::ConstantOp>(op); c && c.getType().isF64()) {
      b.setInsertionPoint(c);
      APFloat v = cast<FloatAttr>(c.getValue()).getValue();
      bool lost;
      v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      Value n =
          arith::ConstantOp::create(b, c.getLoc(), f32, FloatAttr::get(f32, v));
      c.getResult().replaceAllUsesWith(n);
      dead.push_back(c);
      return;
    }
    for (Region &r : op->getRegions())
      for (Block &blk : r)
        for (BlockArgument a : blk.getArguments())
          a.setType(narrow(a.getType()));
    if (isa<func::FuncOp>(op))
      return;
    for (OpResult r : op->getResults())
      r.setType(narrow(r.getType()));
  });
  for (Operation *op : dead)
    op->erase();
  module.walk([&](Operation *op) {
    if (!isa<arith::ExtFOp, arith::TruncFOp>(op))
      return;
    if (op->getOperand(0).getType() == op->getResult(0).getType()) {
      op->getResult(0).replaceAllUsesWith(op->getOperand(0));
      op->erase();
    }
  });
  return success();
}

struct LegalizeFloatOpsPass
    : torch2calyx::impl::LegalizeFloatOpsBase<LegalizeFloatOpsPass> {
  using LegalizeFloatOpsBase::LegalizeFloatOpsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    /// 1. Narrow f64 to f32 when asked (before patterns, which keep types).
    if (narrowF64 && failed(::narrowF64(module)))
      return signalPassFailure();

    RewritePatternSet patterns(ctx);
    /// 2. ReLU first (higher benefit) so that its select/maximumf is not
    ///    taken apart by the generic min/max rewrite.
    patterns.add<ReluSelectPattern, ReluMaxPattern<arith::MaximumFOp>,
                 ReluMaxPattern<arith::MaxNumFOp>>(ctx, /*benefit=*/10);
    /// 3. Sign-bit logic and min/max as integer comparisons.
    patterns.add<MinMaxPattern<arith::MaximumFOp, true, true>,
                 MinMaxPattern<arith::MinimumFOp, false, true>,
                 MinMaxPattern<arith::MaxNumFOp, true, false>,
                 MinMaxPattern<arith::MinNumFOp, false, false>, NegFPattern,
                 AbsFPattern, CopySignPattern>(ctx);
    /// 4. Math functions: polynomial approximations, then the ops they
    ///    produce (fma, clamps with maximumf/minimumf, ...) through 3.
    patterns.add<FmaPattern, RsqrtPattern, FPowIPattern, PowFPattern,
                 FloorPattern, CeilPattern>(ctx);
    static const llvm::StringSet<> approximated = {
        "exp", "expm1", "tanh", "erf",   "erfc", "log",  "log1p", "log2",
        "sin", "cos",   "atan", "atan2", "asin", "acos", "cbrt"};
    auto isApproximated = [](StringRef name) {
      name.consume_front("math.");
      return approximated.contains(name);
    };
    // f16/bf16 math functions are computed in f32 between an extf and a
    // truncf (expand-float-conversions lowers those), like PyTorch's kernels
    populateMathF32ExpansionPatterns(patterns, isApproximated);
    populateMathPolynomialApproximationPatterns(patterns, isApproximated);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
    /// 5. Comparisons as integer logic, after ReLU has claimed its cmpf.
    if (integerCompare) {
      RewritePatternSet compares(ctx);
      compares.add<CmpFPattern>(ctx);
      if (failed(applyPatternsGreedily(module, std::move(compares))))
        return signalPassFailure();
    }
    /// 6. The rewrites repeat bit tests of one operand; share them.
    IRRewriter rewriter(ctx);
    DominanceInfo dominance(module);
    eliminateCommonSubExpressions(rewriter, dominance, module);
  }
};

} // namespace
