//===- BankMemories.cpp - split memories into cyclic banks ----------------===//
//
// Implements bank-memories: every 1-D memory marked `t2c.banks = [n, g]`
// becomes n memories; each access goes to the bank its index selects,
// statically when the bank is the same in every iteration, else through a
// run-time choice (n reads and a select, or n guarded writes). Weights are
// split in the data JSON too; inputs and outputs of the function keep their
// shape and are copied into (out of) their banks (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "LoopForms.h"

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"

namespace torch2calyx {
#define GEN_PASS_DEF_BANKMEMORIES
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;

namespace {

constexpr StringLiteral kDataAttr = "t2c.data";

Value cidx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// How many ops enclose the definition of `v` (outer loop counters first).
unsigned depthOf(Value v) {
  unsigned d = 0;
  for (Operation *op = v.getParentBlock()->getParentOp(); op; op = op->getParentOp())
    ++d;
  return d;
}

/// `form` as index arithmetic at the builder's position. The terms go
/// outermost counter first (the form's own order is that of pointers, which
/// changes from run to run).
Value emitForm(OpBuilder &b, Location loc, const LinearForm &form) {
  Value sum;
  int64_t c = 0;
  SmallVector<std::pair<Value, int64_t>> terms;
  for (auto [key, coef] : form) {
    if (!key)
      c = coef;
    else if (coef != 0)
      terms.push_back({Value::getFromOpaquePointer(key), coef});
  }
  llvm::stable_sort(terms, [](const auto &l, const auto &r) {
    unsigned dl = depthOf(l.first), dr = depthOf(r.first);
    if (dl != dr)
      return dl < dr;
    auto al = dyn_cast<BlockArgument>(l.first), ar = dyn_cast<BlockArgument>(r.first);
    return al && ar && al.getArgNumber() < ar.getArgNumber();
  });
  for (auto [term, coef] : terms) {
    if (coef != 1)
      term = arith::MulIOp::create(b, loc, term, cidx(b, loc, coef));
    sum = sum ? arith::AddIOp::create(b, loc, sum, term).getResult() : term;
  }
  if (!sum)
    return cidx(b, loc, c);
  return c ? arith::AddIOp::create(b, loc, sum, cidx(b, loc, c)).getResult() : sum;
}

/// Rewrites every access of `mem` (banked `bk`) onto `banks`.
LogicalResult rewriteAccesses(Value mem, Banking bk, ArrayRef<Value> banks) {
  SmallVector<Operation *> users(mem.getUsers());
  for (Operation *op : users) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    auto load = dyn_cast<memref::LoadOp>(op);
    auto store = dyn_cast<memref::StoreOp>(op);
    if ((!load && !store) || op->getOperands().size() != (load ? 2u : 3u))
      return op->emitError("bank-memories: a banked memory may only be read "
                           "and written at one index");
    Value index = load ? load.getIndices()[0] : store.getIndices()[0];
    auto range = enclosingRanges(op);
    std::optional<StaticBank> sb;
    if (auto form = linearForm(index, range))
      sb = staticBank(*form, bk, range);
    if (sb) {
      Value off = emitForm(b, loc, sb->offset);
      if (load)
        load->replaceAllUsesWith(memref::LoadOp::create(b, loc, banks[sb->bank],
                                                        ValueRange{off}));
      else
        memref::StoreOp::create(b, loc, store.getValue(), banks[sb->bank],
                                ValueRange{off});
      op->erase();
      continue;
    }
    // The bank follows the counters: t = sum(m * iv) + B, bank t mod n.
    std::optional<DynamicBank> db;
    if (auto form = linearForm(index, range))
      db = dynamicBank(*form, bk, range);
    Value bank, off;
    if (db && llvm::isPowerOf2_64(bk.n)) {
      Value t = emitForm(b, loc, db->lane);
      bank = arith::AndIOp::create(b, loc, t, cidx(b, loc, bk.n - 1));
      Value q = arith::ShRUIOp::create(b, loc, t, cidx(b, loc, llvm::Log2_64(bk.n)));
      off = arith::AddIOp::create(
          b, loc, emitForm(b, loc, db->offset),
          arith::MulIOp::create(b, loc, q, cidx(b, loc, bk.g)));
    } else if (!llvm::isPowerOf2_64(bk.g) || !llvm::isPowerOf2_64(bk.n))
      return op->emitError("bank-memories: this access reaches a different "
                           "bank in different iterations and the banking (")
             << bk.n << " banks of granule " << bk.g
             << ") is not a power of 2, so the bank is not a bit field";
    else {
      // bank = (i >> log g) & (n - 1); offset = ((i >> log gn) << log g) | (i & (g - 1))
      int64_t lg = llvm::Log2_64(bk.g), lgn = llvm::Log2_64(bk.g * bk.n);
      bank = arith::AndIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, index, cidx(b, loc, lg)),
          cidx(b, loc, bk.n - 1));
      off = arith::OrIOp::create(
          b, loc,
          arith::ShLIOp::create(
              b, loc, arith::ShRUIOp::create(b, loc, index, cidx(b, loc, lgn)),
              cidx(b, loc, lg)),
          arith::AndIOp::create(b, loc, index, cidx(b, loc, bk.g - 1)));
    }
    if (load) {
      Value result = memref::LoadOp::create(b, loc, banks[0], ValueRange{off});
      for (int64_t k = 1; k < bk.n; ++k) {
        Value v = memref::LoadOp::create(b, loc, banks[k], ValueRange{off});
        Value is = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, bank,
                                         cidx(b, loc, k));
        result = arith::SelectOp::create(b, loc, is, v, result);
      }
      load->replaceAllUsesWith(ValueRange{result});
    } else {
      for (int64_t k = 0; k < bk.n; ++k) {
        Value is = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, bank,
                                         cidx(b, loc, k));
        auto branch = scf::IfOp::create(b, loc, is, /*withElse=*/false);
        OpBuilder in = OpBuilder::atBlockBegin(&branch.getThenRegion().front());
        memref::StoreOp::create(in, loc, store.getValue(), banks[k],
                                ValueRange{off});
      }
    }
    op->erase();
  }
  return success();
}

/// Copies between an argument and its banks, one element per iteration:
/// for q, k (bank), w (in granule): i = q*g*n + k*g + w <-> bank k at q*g + w.
/// When g*n does not divide the size (a loop unroll-lanes padded), the last
/// group is partial: q runs once more and the elements past the end are
/// skipped (the read index is clamped, the writes are guarded).
void emitCopy(OpBuilder &b, Location loc, Value arg, ArrayRef<Value> banks,
              Banking bk, bool in) {
  int64_t size = cast<MemRefType>(arg.getType()).getNumElements();
  SmallVector<std::pair<int64_t, Value>> ivs; // trips, counter
  scf::ForOp outer;
  OpBuilder::InsertionGuard guard(b);
  int64_t groups = (size + bk.g * bk.n - 1) / (bk.g * bk.n);
  bool partial = size % (bk.g * bk.n) != 0;
  for (int64_t trips : {groups, bk.n, bk.g}) {
    if (trips == 1) {
      ivs.push_back({trips, cidx(b, loc, 0)});
      continue;
    }
    auto loop = scf::ForOp::create(b, loc, cidx(b, loc, 0), cidx(b, loc, trips),
                                   cidx(b, loc, 1));
    if (!outer)
      outer = loop;
    b.setInsertionPointToStart(loop.getBody());
    ivs.push_back({trips, loop.getInductionVar()});
  }
  Value q = ivs[0].second, k = ivs[1].second, w = ivs[2].second;
  auto mul = [&](Value v, int64_t c) {
    return arith::MulIOp::create(b, loc, v, cidx(b, loc, c)).getResult();
  };
  auto add = [&](Value l, Value r) {
    return arith::AddIOp::create(b, loc, l, r).getResult();
  };
  Value i = add(add(mul(q, bk.g * bk.n), mul(k, bk.g)), w);
  Value off = add(mul(q, bk.g), w);
  Value inside;
  if (partial)
    inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i,
                                   cidx(b, loc, size));
  if (in) {
    Value at = i;
    if (partial)
      at = arith::SelectOp::create(b, loc, inside, i, cidx(b, loc, size - 1));
    Value v = memref::LoadOp::create(b, loc, arg, ValueRange{at});
    for (int64_t n = 0; n < bk.n; ++n) {
      Value is = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, k,
                                       cidx(b, loc, n));
      if (partial)
        is = arith::AndIOp::create(b, loc, is, inside);
      auto branch = scf::IfOp::create(b, loc, is, /*withElse=*/false);
      OpBuilder t = OpBuilder::atBlockBegin(&branch.getThenRegion().front());
      memref::StoreOp::create(t, loc, v, banks[n], ValueRange{off});
    }
  } else {
    Value v = memref::LoadOp::create(b, loc, banks[0], ValueRange{off});
    for (int64_t n = 1; n < bk.n; ++n) {
      Value is = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, k,
                                       cidx(b, loc, n));
      v = arith::SelectOp::create(
          b, loc, is, memref::LoadOp::create(b, loc, banks[n], ValueRange{off}), v);
    }
    if (partial) {
      auto branch = scf::IfOp::create(b, loc, inside, /*withElse=*/false);
      OpBuilder t = OpBuilder::atBlockBegin(&branch.getThenRegion().front());
      memref::StoreOp::create(t, loc, v, arg, ValueRange{i});
    } else {
      memref::StoreOp::create(b, loc, v, arg, ValueRange{i});
    }
  }
  if (outer)
    outer->setAttr("t2c.pipeline", b.getUnitAttr());
}

/// The data JSON with `name` split into banks `name_b<k>` (0 pads).
/// Values are kept as the tokens they were written as (Infinity, NaN).
FailureOr<std::string> splitData(StringRef text, StringRef name, Banking bk,
                                 int64_t bankSize) {
  // llvm::json does not read the bare Infinity/NaN tokens: quote them.
  std::string quoted;
  bool inString = false;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (inString || c == '"') {
      quoted += c;
      if (inString && c == '\\' && i + 1 < text.size())
        quoted += text[++i];
      else if (c == '"')
        inString = !inString;
      ++i;
      continue;
    }
    bool token = false;
    for (StringRef tok : {"-Infinity", "Infinity", "NaN"})
      if (text.substr(i).starts_with(tok)) {
        quoted += ("\"\\u0001" + tok + "\"").str();
        i += tok.size();
        token = true;
        break;
      }
    if (!token)
      quoted += text[i++];
  }
  auto parsed = llvm::json::parse(quoted);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return failure();
  }
  auto *root = parsed->getAsObject();
  auto *entry = root ? root->getObject(name) : nullptr;
  auto *found = entry ? entry->getArray("data") : nullptr;
  if (!found)
    return failure();
  // Copies: inserting the banks into `root` moves its entries.
  llvm::json::Array data = *found;
  const llvm::json::Array *values = &data;
  std::optional<llvm::json::Value> format;
  if (auto *f = entry->get("format"))
    format = *f;
  for (int64_t k = 0; k < bk.n; ++k) {
    llvm::json::Array bank;
    for (int64_t off = 0; off < bankSize; ++off) {
      int64_t i = (off / bk.g) * bk.g * bk.n + k * bk.g + off % bk.g;
      bank.push_back(i < (int64_t)values->size() ? (*values)[i]
                                                 : llvm::json::Value(0));
    }
    llvm::json::Object banked{{"data", std::move(bank)}};
    if (format)
      banked["format"] = *format;
    (*root)[(name + "_b" + std::to_string(k)).str()] = std::move(banked);
  }
  root->erase(name);
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::json::Value(std::move(*root)) << "\n";
  // Unquote the tokens again.
  for (StringRef tok : {"-Infinity", "Infinity", "NaN"}) {
    std::string from = ("\"\\u0001" + tok + "\"").str();
    for (size_t at = out.find(from); at != std::string::npos;
         at = out.find(from, at))
      out.replace(at, from.size(), tok.str());
  }
  return out;
}

struct BankMemoriesPass
    : torch2calyx::impl::BankMemoriesBase<BankMemoriesPass> {
  using BankMemoriesBase::BankMemoriesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn.isExternal() && failed(bankFunction(module, fn)))
        return signalPassFailure();
  }

  LogicalResult bankFunction(ModuleOp module, func::FuncOp fn) {
    SmallVector<Value> mems;
    for (BlockArgument arg : fn.getArguments())
      if (bankingOf(arg))
        mems.push_back(arg);
    fn.walk([&](memref::AllocOp a) {
      if (bankingOf(a))
        mems.push_back(a);
    });
    llvm::BitVector erase(fn.getNumArguments());
    Block &entry = fn.getBody().front();
    for (Value mem : mems) {
      Banking bk = *bankingOf(mem);
      auto type = cast<MemRefType>(mem.getType());
      int64_t bankSize = bk.bankSize(type.getNumElements());
      auto bankType = MemRefType::get({bankSize}, type.getElementType());
      Location loc = mem.getLoc();
      SmallVector<Value> banks;
      OpBuilder argBuilder = OpBuilder::atBlockBegin(&entry);
      auto arg = dyn_cast<BlockArgument>(mem);
      StringAttr name = memoryName(mem);
      auto data = module->getAttrOfType<StringAttr>(kDataAttr);
      bool weight = isWeight(mem);
      if (weight) {
        FailureOr<std::string> split =
            splitData(data.getValue(), name.getValue(), bk, bankSize);
        if (failed(split))
          return fn.emitError("bank-memories: cannot split the data of '")
                 << name.getValue() << "'";
        module->setAttr(kDataAttr, StringAttr::get(module.getContext(), *split));
      }
      for (int64_t k = 0; k < bk.n; ++k) {
        std::string bankName =
            name ? (name.getValue() + "_b" + std::to_string(k)).str() : "";
        if (arg && weight) {
          unsigned at = fn.getNumArguments();
          if (failed(fn.insertArgument(at, bankType, {}, loc)))
            return failure();
          fn.setArgAttr(at, "t2c.name", StringAttr::get(fn.getContext(), bankName));
          banks.push_back(fn.getArgument(at));
          erase.resize(fn.getNumArguments());
          continue;
        }
        OpBuilder here(mem.getContext());
        if (!arg)
          here.setInsertionPoint(mem.getDefiningOp());
        OpBuilder &b = arg ? argBuilder : here;
        auto alloc = memref::AllocOp::create(b, loc, bankType);
        if (!arg)
          for (NamedAttribute attr : mem.getDefiningOp()->getAttrs())
            if (attr.getName() != "t2c.banks")
              alloc->setAttr(attr.getName(), attr.getValue());
        if (weight)
          alloc->setAttr("t2c.name", StringAttr::get(fn.getContext(), bankName));
        banks.push_back(alloc);
      }
      if (arg && !weight) {
        // An input or output keeps its shape: copy in at the start, out at
        // each return.
        bool read = false, written = false;
        for (Operation *user : mem.getUsers()) {
          read |= isa<memref::LoadOp>(user);
          written |= isa<memref::StoreOp>(user);
        }
        if (failed(rewriteAccesses(mem, bk, banks)))
          return failure();
        if (read) {
          OpBuilder b(&entry, std::next(banks.back().getDefiningOp()->getIterator()));
          emitCopy(b, loc, mem, banks, bk, /*in=*/true);
        }
        if (written)
          fn.walk([&](func::ReturnOp ret) {
            OpBuilder b(ret);
            emitCopy(b, loc, mem, banks, bk, /*in=*/false);
          });
        fn.removeArgAttr(arg.getArgNumber(), "t2c.banks");
        continue;
      }
      if (failed(rewriteAccesses(mem, bk, banks)))
        return failure();
      if (arg)
        erase.set(arg.getArgNumber());
      else
        mem.getDefiningOp()->erase();
    }
    if (erase.any() && failed(fn.eraseArguments(erase)))
      return failure();
    return success();
  }
};

} // namespace
