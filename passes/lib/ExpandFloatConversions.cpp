//===- ExpandFloatConversions.cpp - f16/bf16 <-> f32 as integer logic -----===//
//
// Implements expand-float-conversions: arith.extf and arith.truncf between
// f32 and f16 or bf16, which have no Calyx primitive, become integer bit
// manipulation (bitcasts, shifts, masks, compares, selects): ops
// lower-to-calyx lowers without a cycle, sequentially and in pipelined loops. Results are the IEEE-754 conversions
// with round-to-nearest-even: exactly what PyTorch's CPU casts give.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"

namespace torch2calyx {
#define GEN_PASS_DEF_EXPANDFLOATCONVERSIONS
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;

namespace {

/// Builds the integer logic of one conversion at one place.
struct Bits {
  OpBuilder &b;
  Location loc;
  Type i16, i32;

  Bits(OpBuilder &b, Location loc)
      : b(b), loc(loc), i16(b.getI16Type()), i32(b.getI32Type()) {}

  llvm::DenseMap<uint32_t, Value> constants; // one op per constant

  Value c32(uint32_t v) {
    Value &c = constants[v];
    if (!c)
      c = arith::ConstantOp::create(b, loc, i32,
                                    b.getIntegerAttr(i32, (int64_t)v));
    return c;
  }
  Value f32(float v) {
    return arith::ConstantOp::create(b, loc, b.getF32Type(),
                                     b.getF32FloatAttr(v));
  }
  Value band(Value x, uint32_t m) {
    return arith::AndIOp::create(b, loc, x, c32(m));
  }
  Value shl(Value x, uint32_t n) {
    return arith::ShLIOp::create(b, loc, x, c32(n));
  }
  Value shr(Value x, uint32_t n) {
    return arith::ShRUIOp::create(b, loc, x, c32(n));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value bor(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, uint32_t v) {
    return arith::CmpIOp::create(b, loc, p, x, c32(v));
  }
  Value sel(Value c, Value t, Value f) {
    return arith::SelectOp::create(b, loc, c, t, f);
  }
  /// The 16-bit pattern of a half-precision value, zero-extended to i32.
  Value bits16(Value x) {
    Value h = arith::BitcastOp::create(b, loc, i16, x);
    return arith::ExtUIOp::create(b, loc, i32, h);
  }
  /// The low 16 bits of `w` as a value of the half-precision type `t`.
  Value half(Value w, Type t) {
    Value h = arith::TruncIOp::create(b, loc, i16, w);
    return arith::BitcastOp::create(b, loc, t, h);
  }
  Value asF32(Value w) {
    return arith::BitcastOp::create(b, loc, b.getF32Type(), w);
  }
  Value asI32(Value f) { return arith::BitcastOp::create(b, loc, i32, f); }

  /// bf16 -> f32: the bits shifted up (exact for every value).
  Value extendBF16(Value x) { return asF32(shl(bits16(x), 16)); }

  /// f16 -> f32 (exact): normals rebias the exponent; a subnormal
  /// mantissa m is normalized by the shift k that brings its leading one to
  /// bit 10 (a priority chain of compares), giving exponent 113 - k;
  /// infinities and NaNs keep the payload with the quiet bit set.
  Value extendF16(Value x) {
    using P = arith::CmpIPredicate;
    Value h = bits16(x);
    Value sign = shl(band(h, 0x8000), 16);
    Value mag = band(h, 0x7FFF);
    Value mant = band(h, 0x3FF);
    Value normal = add(mag, c32(0x1C000)); // exponent + 112, then << 13
    normal = shl(normal, 13);
    Value special = bor(shl(mant, 13), c32(0x7F800000));
    Value quiet = sel(cmp(P::ne, mant, 0), c32(0x00400000), c32(0));
    special = bor(special, quiet);
    Value k = c32(10);
    for (uint32_t bit = 1; bit <= 9; ++bit) // bit 9 first wins
      k = sel(cmp(P::uge, mant, 1u << bit), c32(10 - bit), k);
    Value frac = shl(band(arith::ShLIOp::create(b, loc, mant, k), 0x3FF), 13);
    Value exp = shl(arith::SubIOp::create(b, loc, c32(113), k), 23);
    Value sub = sel(cmp(P::eq, mant, 0), c32(0), bor(exp, frac));
    Value r = sel(cmp(P::ult, mag, 0x0400), sub,
                  sel(cmp(P::uge, mag, 0x7C00), special, normal));
    return asF32(bor(sign, r));
  }

  /// f32 -> bf16, nearest-even on the low 16 bits; NaN -> 0x7FC0.
  Value truncateBF16(Value x, Type t) {
    using P = arith::CmpIPredicate;
    Value w = asI32(x);
    Value lsb = band(shr(w, 16), 1);
    Value rounded = shr(add(add(w, c32(0x7FFF)), lsb), 16);
    Value nan = cmp(P::ugt, band(w, 0x7FFFFFFF), 0x7F800000);
    return half(sel(nan, c32(0x7FC0), rounded), t);
  }

  /// f32 -> f16, nearest-even: NaN -> 0x7E00 (sign kept), |x| >= 65520 ->
  /// infinity, normals rebias and round the low 13 bits; below 2^-14 the
  /// significand (hidden bit set) is shifted right by min(126 - exp, 25)
  /// and rounded on the bits shifted out (a carry reaching 0x400 is the
  /// smallest normal, correctly).
  Value truncateF16(Value x, Type t) {
    using P = arith::CmpIPredicate;
    Value w = asI32(x);
    Value sign = band(shr(w, 16), 0x8000);
    Value a = band(w, 0x7FFFFFFF);
    Value rebased = add(a, c32(0xC8000000)); // a - 0x38000000 (mod 2^32)
    Value normal = roundShift(rebased, 13);
    Value e = shr(a, 23);
    Value sig = bor(band(a, 0x7FFFFF), c32(0x800000));
    Value sh = arith::SubIOp::create(b, loc, c32(126), e);
    sh = sel(cmp(P::ugt, e, 101), sh, c32(25));
    Value sub = roundShift(sig, sh, std::nullopt);
    Value r = sel(cmp(P::ugt, a, 0x7F800000), c32(0x7E00),
                  sel(cmp(P::uge, a, 0x477FF000), c32(0x7C00),
                      sel(cmp(P::uge, a, 0x38800000), normal, sub)));
    return half(bor(sign, r), t);
  }

  /// v >> n rounded to nearest-even on the n >= 1 bits shifted out
  /// (`known`: n as a constant).
  Value roundShift(Value v, Value n, std::optional<uint32_t> known) {
    using P = arith::CmpIPredicate;
    Value q = arith::ShRUIOp::create(b, loc, v, n);
    Value rest =
        arith::SubIOp::create(b, loc, v, arith::ShLIOp::create(b, loc, q, n));
    Value halfway = known ? c32(1u << (*known - 1))
                          : arith::ShLIOp::create(
                                b, loc, c32(1),
                                arith::SubIOp::create(b, loc, n, c32(1)))
                                .getResult();
    Value above = arith::CmpIOp::create(b, loc, P::ugt, rest, halfway);
    Value tie = arith::CmpIOp::create(b, loc, P::eq, rest, halfway);
    Value odd = cmp(P::ne, band(q, 1), 0);
    Value up = arith::OrIOp::create(b, loc, above,
                                    arith::AndIOp::create(b, loc, tie, odd));
    return add(q, arith::ExtUIOp::create(b, loc, i32, up));
  }
  Value roundShift(Value v, uint32_t n) { return roundShift(v, c32(n), n); }
};

bool isHalf(Type t) { return t.isF16() || t.isBF16(); }

struct ExpandFloatConversionsPass
    : public torch2calyx::impl::ExpandFloatConversionsBase<
          ExpandFloatConversionsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> casts;
    getOperation().walk([&](Operation *op) {
      if (isa<arith::ExtFOp, arith::TruncFOp>(op))
        casts.push_back(op);
    });
    for (Operation *op : casts) {
      Type from = op->getOperand(0).getType();
      Type to = op->getResult(0).getType();
      OpBuilder b(op);
      Bits bits(b, op->getLoc());
      Value r;
      if (isa<arith::ExtFOp>(op) && to.isF32() && from.isBF16())
        r = bits.extendBF16(op->getOperand(0));
      else if (isa<arith::ExtFOp>(op) && to.isF32() && from.isF16())
        r = bits.extendF16(op->getOperand(0));
      else if (isa<arith::TruncFOp>(op) && from.isF32() && to.isBF16())
        r = bits.truncateBF16(op->getOperand(0), to);
      else if (isa<arith::TruncFOp>(op) && from.isF32() && to.isF16())
        r = bits.truncateF16(op->getOperand(0), to);
      else if (isHalf(from) || isHalf(to)) {
        op->emitOpError("converts ")
            << from << " to " << to
            << ", which expand-float-conversions cannot expand; only "
               "f16/bf16 <-> f32 are (convert through f32)";
        return signalPassFailure();
      } else {
        continue; // f32 <-> f64: legalize-float-ops{narrow-f64} removes them
      }
      op->getResult(0).replaceAllUsesWith(r);
      op->erase();
    }
  }
};

} // namespace
