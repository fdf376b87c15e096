//===- MergeCombCells.cpp - merge twin combinational Calyx cells ----------===//
//
// Two combinational cells of one primitive and parameters whose inputs are
// driven only by the same unguarded continuous assignments compute the same
// value; the second is erased and its readers read the first.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/CalyxDialect.h"
#include "torch2calyx/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <map>

namespace torch2calyx {
#define GEN_PASS_DEF_MERGECOMBCELLS
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;
namespace cx = torch2calyx::calyx;

namespace {

bool isCombinational(StringRef primitive) {
  static const llvm::StringSet<> prims = {
      "std_add", "std_sub", "std_lsh", "std_rsh", "std_eq",  "std_neq",
      "std_lt",  "std_gt",  "std_le",  "std_ge",  "std_slt", "std_sgt",
      "std_sle", "std_sge", "std_and", "std_or",  "std_xor", "std_slice",
      "std_pad", "std_not"};
  return prims.contains(primitive);
}

bool isNameChar(char c) { return llvm::isAlnum(c) || c == '_'; }

/// `text` with every whole-word occurrence of a key of `renames` replaced.
std::string renamePorts(StringRef text,
                        const llvm::StringMap<std::string> &renames) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!isNameChar(text[i])) {
      out += text[i++];
      continue;
    }
    size_t j = i;
    while (j < text.size() && (isNameChar(text[j]) || text[j] == '.'))
      ++j;
    StringRef word = text.slice(i, j);
    auto it = renames.find(word);
    out += it == renames.end() ? word.str() : it->second;
    i = j;
  }
  return out;
}

/// One round over `comp`; true when a cell was merged.
bool mergeOnce(cx::ComponentOp comp) {
  llvm::MapVector<StringRef, cx::CellOp> cells;
  comp.walk([&](cx::CellOp c) {
    if (!c.getRef() && isCombinational(c.getPrimitive()))
      cells[c.getSymName()] = c;
  });
  // Each candidate's input assignments, by port; cells with an input
  // assigned in a group, under a guard, or twice are out.
  llvm::StringMap<std::map<std::string, std::string>> inputs;
  llvm::StringMap<SmallVector<cx::AssignOp>> inputOps;
  llvm::StringSet<> out;
  comp.walk([&](cx::AssignOp a) {
    auto [cell, port] = a.getDst().split('.');
    if (!cells.count(cell))
      return;
    auto &ports = inputs[cell];
    if (!isa<cx::ComponentOp>(a->getParentOp()) || a.getGuard() ||
        !ports.emplace(port.str(), a.getSrc().str()).second)
      out.insert(cell);
    inputOps[cell].push_back(a);
  });
  std::map<std::string, StringRef> firstOf;
  llvm::StringMap<std::string> renames;
  SmallVector<StringRef> merged;
  for (auto &[name, cell] : cells) {
    if (out.contains(name) || !inputs.count(name))
      continue;
    std::string key = cell.getPrimitive().str();
    for (int64_t p : cell.getParams())
      key += "," + std::to_string(p);
    for (auto &[port, src] : inputs[name])
      key += "|" + port + "=" + src;
    auto [it, fresh] = firstOf.emplace(key, name);
    if (fresh)
      continue;
    renames[(name + ".out").str()] = (it->second + ".out").str();
    merged.push_back(name);
  }
  if (merged.empty())
    return false;
  auto rename = [&](StringRef s) { return renamePorts(s, renames); };
  comp.walk([&](Operation *op) {
    OpBuilder b(op);
    if (auto a = dyn_cast<cx::AssignOp>(op)) {
      a.setSrc(rename(a.getSrc()));
      if (a.getGuard())
        a.setGuard(rename(*a.getGuard()));
    } else if (auto w = dyn_cast<cx::WhileOp>(op)) {
      w.setCond(rename(w.getCond()));
    } else if (auto f = dyn_cast<cx::IfOp>(op)) {
      f.setCond(rename(f.getCond()));
    } else if (auto inv = dyn_cast<cx::InvokeOp>(op)) {
      SmallVector<std::string> ins;
      for (Attribute s : inv.getInputs()) {
        auto [port, src] = cast<StringAttr>(s).getValue().split('=');
        ins.push_back((port + "=" + rename(src)).str());
      }
      SmallVector<StringRef> refs(ins.begin(), ins.end());
      inv.setInputsAttr(b.getStrArrayAttr(refs));
    }
  });
  for (StringRef name : merged) {
    for (cx::AssignOp a : inputOps[name])
      a.erase();
    cells[name].erase();
  }
  return true;
}

struct MergeCombCellsPass
    : torch2calyx::impl::MergeCombCellsBase<MergeCombCellsPass> {
  void runOnOperation() override {
    getOperation().walk([](cx::ComponentOp comp) {
      while (mergeOnce(comp)) {
      }
    });
  }
};

} // namespace
