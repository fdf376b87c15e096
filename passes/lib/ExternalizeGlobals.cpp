//===- ExternalizeGlobals.cpp - weights to external memories + data JSON --===//
//
// Turns the memref.globals read by the top-level function into new memref
// arguments of that function (or, with internal=true, into memref.allocs
// initialized from data) and renders their initializers as a Calyx data JSON.
// Everything is checked and rendered before the IR is touched, so a failing
// run leaves the module unchanged.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <charconv>

namespace torch2calyx {
#define GEN_PASS_DEF_EXTERNALIZEGLOBALS
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kNameAttr = "t2c.name";
constexpr llvm::StringLiteral kFromDataAttr = "t2c.from_data";
constexpr llvm::StringLiteral kDataAttr = "t2c.data";

/// One global the top-level function reads, with its rendered JSON values.
struct Weight {
  memref::GlobalOp global;
  SmallVector<memref::GetGlobalOp> reads;
  SmallVector<std::string> values; // one JSON number per element, row-major
  std::string numericType;         // "ieee754_float" or "bitnum"
  bool isSigned = true;
  unsigned width = 0;
  bool bfloat16 = false; // written with exp_width 8 and sig_width 8
};

/// The shortest decimal that reads back as `value`, with ".0" added to
/// integral values so that the JSON number still reads as a float.
template <typename T> std::string shortestDecimal(T value) {
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), value);
  std::string text(buf, result.ptr);
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text;
}

/// JSON text of a float given by its bits: the shortest decimal that reads
/// back as the same value of its own type (f16/bf16 go through f32, which
/// holds them exactly).
std::string floatToJson(FloatType type, const APInt &bits) {
  APFloat value(type.getFloatSemantics(), bits);
  if (value.isInfinity())
    return value.isNegative() ? "-Infinity" : "Infinity";
  if (value.isNaN())
    return "NaN";
  if (type.isF64())
    return shortestDecimal(value.convertToDouble());
  bool losesInfo = false;
  value.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                &losesInfo);
  return shortestDecimal(value.convertToFloat());
}

struct ExternalizeGlobalsPass
    : public torch2calyx::impl::ExternalizeGlobalsBase<ExternalizeGlobalsPass> {
  using ExternalizeGlobalsBase::ExternalizeGlobalsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool anyRead = false;
    module.walk([&](memref::GetGlobalOp) { anyRead = true; });

    llvm::MapVector<Operation *, Weight> weights;
    FailureOr<func::FuncOp> top = failure();
    if (anyRead || !topFunc.empty()) {
      /// 1. Pick the top-level function.
      top = pickTopFunction(module);
      if (failed(top))
        return signalPassFailure();
      /// 2. Collect the globals it reads; check every use and initializer.
      if (failed(collectWeights(module, *top, weights)))
        return signalPassFailure();
    }
    // Without weights the module stays as it is; a data-file still gets `{}`.
    if (weights.empty() && dataFile.empty())
      return;
    /// 3. Render the data JSON and hand it out (file or module attribute).
    if (failed(emitData(module, weights)))
      return signalPassFailure();
    /// 4. Replace the reads by new arguments (or internal memories) and
    ///    erase the globals.
    if (!weights.empty() && failed(rewrite(module, *top, weights)))
      return signalPassFailure();
  }

  FailureOr<func::FuncOp> pickTopFunction(ModuleOp module) {
    if (!topFunc.empty()) {
      auto func = module.lookupSymbol<func::FuncOp>(topFunc);
      if (!func)
        return module.emitError("externalize-globals: no func.func named '")
               << topFunc << "' in this module; check the top-func option";
      if (func.isExternal())
        return func.emitOpError("is only a declaration; externalize-globals "
                                "needs a top-level function with a body");
      return func;
    }
    SmallVector<func::FuncOp> candidates;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        candidates.push_back(func);
    if (candidates.size() == 1)
      return candidates.front();
    for (StringRef name : {"forward", "main"})
      if (auto func = module.lookupSymbol<func::FuncOp>(name))
        if (!func.isExternal())
          return func;
    InFlightDiagnostic diag = module.emitError(
        "externalize-globals cannot pick the top-level function: ");
    diag << candidates.size()
         << " public functions with a body and none named 'forward' or "
            "'main'; pass top-func=<name>";
    for (auto func : candidates)
      diag.attachNote(func.getLoc()) << "candidate @" << func.getSymName();
    return failure();
  }

  LogicalResult collectWeights(ModuleOp module, func::FuncOp top,
                               llvm::MapVector<Operation *, Weight> &weights) {
    SymbolTable symbols(module);
    bool ok = true;

    // Reads inside the top-level function, in module order of the globals.
    DenseMap<Operation *, SmallVector<memref::GetGlobalOp>> readsByGlobal;
    top.walk([&](memref::GetGlobalOp read) {
      Operation *global = symbols.lookup(read.getNameAttr().getAttr());
      readsByGlobal[global].push_back(read);
    });
    for (auto global : module.getOps<memref::GlobalOp>()) {
      auto it = readsByGlobal.find(global);
      if (it == readsByGlobal.end())
        continue;
      Weight &weight = weights[global];
      weight.global = global;
      weight.reads = it->second;
      ok &= succeeded(render(weight));
    }

    // Uses of those globals outside the top-level function.
    module.walk([&](memref::GetGlobalOp read) {
      if (top->isAncestor(read))
        return;
      Operation *global = symbols.lookup(read.getNameAttr().getAttr());
      if (!weights.count(global))
        return;
      auto owner = read->getParentOfType<func::FuncOp>();
      read.emitOpError("reads global @")
          << read.getName() << ", which externalize-globals moves into the "
          << "top-level function @" << top.getSymName() << "; inline @"
          << (owner ? owner.getSymName() : "?") << " into it first (--inline)";
      ok = false;
    });

    if (!internal) {
      // The signature changes: nobody may call the top-level function.
      module.walk([&](func::CallOp call) {
        if (call.getCallee() != top.getSymName())
          return;
        call.emitOpError("calls the top-level function @")
            << top.getSymName()
            << ", whose signature externalize-globals extends with the "
               "weights; pick the outermost function with top-func=<name>";
        ok = false;
      });
      // New argument names must not clash with existing ones.
      for (unsigned i = 0; i < top.getNumArguments(); ++i)
        if (auto name = top.getArgAttrOfType<StringAttr>(i, kNameAttr))
          for (auto &entry : weights)
            if (name.getValue() == entry.second.global.getSymName()) {
              top.emitOpError("argument #")
                  << i << " is already named '" << name.getValue()
                  << "', the name externalize-globals gives global @"
                  << name.getValue() << "; rename one of them";
              ok = false;
            }
    }

    if (!dataFile.empty() || !module->hasAttr(kDataAttr))
      return success(ok);
    module.emitError("externalize-globals: the module already carries ")
        << kDataAttr << " from an earlier run; remove it or pass "
        << "data-file=<path>";
    return failure();
  }

  /// Checks the element type and initializer of `weight.global` and renders
  /// its values.
  LogicalResult render(Weight &weight) {
    memref::GlobalOp global = weight.global;
    MemRefType type = global.getType();
    Type element = type.getElementType();
    if (auto floatType = dyn_cast<FloatType>(element)) {
      if (!(floatType.isF16() || floatType.isBF16() || floatType.isF32() ||
            floatType.isF64()))
        return global.emitOpError("has element type ")
               << element << ", which externalize-globals cannot write as "
               << "Calyx data; use f16, bf16, f32 or f64";
      weight.numericType = "ieee754_float";
      weight.isSigned = true;
      weight.width = floatType.getWidth();
      weight.bfloat16 = floatType.isBF16();
    } else if (auto intType = dyn_cast<IntegerType>(element)) {
      weight.numericType = "bitnum";
      weight.isSigned = !intType.isUnsigned() && intType.getWidth() != 1;
      weight.width = intType.getWidth();
    } else {
      return global.emitOpError("has element type ")
             << element << ", which externalize-globals cannot write as "
             << "Calyx data; use an integer or float element type";
    }
    if (!type.hasStaticShape())
      return global.emitOpError("has a dynamic shape; externalize-globals "
                                "needs static shapes");

    int64_t count = type.getNumElements();
    SmallVector<APInt> bits;
    bits.reserve(count);
    std::optional<Attribute> init = global.getInitialValue();
    if (!init) {
      if (global.getConstant())
        return global.emitOpError("is constant but has no initializer; "
                                  "externalize-globals needs the values");
      bits.assign(count, APInt(weight.width, 0));
    } else if (auto dense = dyn_cast<DenseElementsAttr>(*init)) {
      if (isa<FloatType>(element)) {
        for (APFloat value : dense.getValues<APFloat>())
          bits.push_back(value.bitcastToAPInt());
      } else {
        for (APInt value : dense.getValues<APInt>())
          bits.push_back(value);
      }
    } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(*init)) {
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      if (!blob)
        return global.emitOpError("initializer dense_resource<")
               << resource.getRawHandle().getKey()
               << "> has no data (was the resource elided?); provide the "
                  "blob in the file's dialect_resources section";
      if (weight.width % 8 != 0)
        return global.emitOpError("has a dense_resource initializer of ")
               << element << ", whose elements are not whole bytes";
      ArrayRef<char> data = blob->getData();
      size_t bytes = weight.width / 8;
      if (data.size() != bytes * count)
        return global.emitOpError("initializer dense_resource<")
               << resource.getRawHandle().getKey() << "> holds " << data.size()
               << " bytes, but " << type << " needs " << bytes * count;
      for (int64_t i = 0; i < count; ++i) {
        APInt value(weight.width, 0);
        llvm::LoadIntFromMemory(
            value, reinterpret_cast<const uint8_t *>(data.data()) + i * bytes,
            bytes);
        bits.push_back(value);
      }
    } else {
      return global.emitOpError("has initializer ")
             << *init << ", which externalize-globals cannot read; use "
             << "dense<...> or dense_resource<...>";
    }

    weight.values.reserve(count);
    for (const APInt &value : bits) {
      if (auto floatType = dyn_cast<FloatType>(element)) {
        weight.values.push_back(floatToJson(floatType, value));
      } else {
        SmallString<24> text;
        value.toString(text, 10, weight.isSigned);
        weight.values.push_back(text.str().str());
      }
    }
    return success();
  }

  /// Writes `values` nested like `shape` (a flat list for rank 0 and 1).
  static void writeData(llvm::json::OStream &json, ArrayRef<int64_t> shape,
                        ArrayRef<std::string> values, size_t &next) {
    json.arrayBegin();
    if (shape.size() <= 1) {
      int64_t n = shape.empty() ? 1 : shape.front();
      for (int64_t i = 0; i < n; ++i)
        json.rawValue(values[next++]);
    } else {
      for (int64_t i = 0; i < shape.front(); ++i)
        writeData(json, shape.drop_front(), values, next);
    }
    json.arrayEnd();
  }

  LogicalResult emitData(ModuleOp module,
                         llvm::MapVector<Operation *, Weight> &weights) {
    std::string text;
    llvm::raw_string_ostream os(text);
    {
      llvm::json::OStream json(os);
      json.object([&] {
        for (auto &entry : weights) {
          Weight &weight = entry.second;
          json.attributeObject(weight.global.getSymName(), [&] {
            json.attributeBegin("data");
            size_t next = 0;
            writeData(json, weight.global.getType().getShape(), weight.values,
                      next);
            json.attributeEnd();
            json.attributeObject("format", [&] {
              json.attribute("numeric_type", weight.numericType);
              json.attribute("is_signed", weight.isSigned);
              json.attribute("width", static_cast<int64_t>(weight.width));
              // bfloat16 is no IEEE interchange format: name its fields
              // (the float units' expWidth and sigWidth parameters)
              if (weight.bfloat16) {
                json.attribute("exp_width", static_cast<int64_t>(8));
                json.attribute("sig_width", static_cast<int64_t>(8));
              }
            });
          });
        }
      });
    }
    os << "\n";

    if (dataFile.empty()) {
      module->setAttr(kDataAttr, StringAttr::get(module.getContext(), text));
      return success();
    }
    std::error_code error;
    llvm::raw_fd_ostream file(dataFile, error, llvm::sys::fs::OF_Text);
    if (!error) {
      file << text;
      file.close();
      error = file.error();
    }
    if (error)
      return module.emitError("externalize-globals: cannot write data-file '")
             << dataFile << "': " << error.message();
    return success();
  }

  LogicalResult rewrite(ModuleOp module, func::FuncOp top,
                        llvm::MapVector<Operation *, Weight> &weights) {
    MLIRContext *ctx = module.getContext();
    OpBuilder builder(ctx);
    Operation *lastAlloc = nullptr;
    for (auto &entry : weights) {
      Weight &weight = entry.second;
      memref::GlobalOp global = weight.global;
      auto name = StringAttr::get(ctx, global.getSymName());
      Value memory;
      if (internal) {
        // Internal memories come first, in module order of the globals.
        // Re-anchor every time: the previous first op may have been erased.
        if (lastAlloc)
          builder.setInsertionPointAfter(lastAlloc);
        else
          builder.setInsertionPointToStart(&top.front());
        auto alloc =
            memref::AllocOp::create(builder, global.getLoc(), global.getType());
        alloc->setAttr(kNameAttr, name);
        alloc->setAttr(kFromDataAttr, UnitAttr::get(ctx));
        memory = alloc;
        lastAlloc = alloc;
      } else {
        unsigned index = top.getNumArguments();
        auto attrs = DictionaryAttr::get(
            ctx, {NamedAttribute(StringAttr::get(ctx, kNameAttr), name)});
        if (failed(top.insertArgument(index, global.getType(), attrs,
                                      global.getLoc())))
          return top.emitOpError("could not append an argument for global @")
                 << global.getSymName();
        memory = top.getArgument(index);
      }
      for (memref::GetGlobalOp read : weight.reads) {
        read.replaceAllUsesWith(memory);
        read.erase();
      }
      if (SymbolTable::symbolKnownUseEmpty(global, module))
        global.erase();
    }
    return success();
  }
};

} // namespace
