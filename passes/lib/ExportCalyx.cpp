//===- ExportCalyx.cpp - print the calyx dialect as native Calyx ----------===//
//
// Implements export-calyx: every calyx.program of the module is printed as
// the Calyx language (.futil) the Calyx compiler reads, with the imports of
// the primitive libraries its cells use.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/CalyxDialect.h"
#include "torch2calyx/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <set>

namespace torch2calyx {
#define GEN_PASS_DEF_EXPORTCALYX
#include "torch2calyx/Passes.h.inc"
} // namespace torch2calyx

using namespace mlir;
using namespace torch2calyx;
namespace cx = torch2calyx::calyx;

namespace {

/// The file of the Calyx compiler's primitives/ folder that declares
/// `primitive`, or "" when it is not a known Calyx primitive.
StringRef libraryOf(StringRef primitive) {
  static const llvm::StringMap<StringRef> libraries = [] {
    llvm::StringMap<StringRef> m;
    for (StringRef p :
         {"std_reg", "std_const", "std_slice", "std_pad", "std_not",
          "std_and", "std_or",    "std_xor",   "std_add", "std_sub",
          "std_gt",  "std_lt",    "std_eq",    "std_neq", "std_ge",
          "std_le",  "std_lsh",   "std_rsh",   "std_mux", "std_wire"})
      m[p] = "primitives/core.futil";
    for (StringRef p :
         {"std_mult_pipe", "std_div_pipe", "std_smult_pipe", "std_sdiv_pipe",
          "std_sgt", "std_slt", "std_seq", "std_sneq", "std_sge", "std_sle",
          "std_slsh", "std_srsh", "std_signext", "std_sadd", "std_ssub"})
      m[p] = "primitives/binary_operators.futil";
    for (StringRef p : {"seq_mem_d1", "seq_mem_d2", "seq_mem_d3", "seq_mem_d4"})
      m[p] = "primitives/memories/seq.futil";
    m["std_addFN"] = "primitives/float/addFN.futil";
    m["std_mulFN"] = "primitives/float/mulFN.futil";
    m["std_divSqrtFN"] = "primitives/float/divSqrtFN.futil";
    m["std_compareFN"] = "primitives/float/compareFN.futil";
    m["std_fpToInt"] = "primitives/float/fpToInt.futil";
    m["std_intToFp"] = "primitives/float/intToFp.futil";
    // Fully pipelined units (one operation per cycle, fixed latency).
    m["pipelined_addFN"] = "primitives/float/pipelined_addFN.futil";
    m["pipelined_mulFN"] = "primitives/float/pipelined_mulFN.futil";
    m["pipelined_intToFp"] = "primitives/float/pipelined_intToFp.futil";
    m["pipelined_fpToInt"] = "primitives/float/pipelined_fpToInt.futil";
    // Deeper adders and multipliers (lower-to-calyx{float-stages=N}).
    for (const char *n : {"_s4", "_s7"}) {
      m[std::string("std_addFN") + n] = "primitives/float/addFN.futil";
      m[std::string("std_mulFN") + n] = "primitives/float/mulFN.futil";
      m[std::string("pipelined_addFN") + n] =
          "primitives/float/pipelined_addFN.futil";
      m[std::string("pipelined_mulFN") + n] =
          "primitives/float/pipelined_mulFN.futil";
    }
    m["pipelined_fp_smult"] = "primitives/pipelined.futil";
    // Delay lines of pipelined nests (a chain of registers in one cell).
    m["pipelined_delay"] = "primitives/delay.futil";
    for (StringRef p : {"pipelined_divSqrtF16", "pipelined_divSqrtBF16",
                        "pipelined_divSqrtF32", "pipelined_divSqrtF64"})
      m[p] = "primitives/float/pipelined_divSqrtFN.futil";
    return m;
  }();
  auto it = libraries.find(primitive);
  return it == libraries.end() ? StringRef() : it->second;
}

/// Prints one program; reports unknown primitives on the cells using them.
class Printer {
public:
  explicit Printer(llvm::raw_ostream &os) : os(os) {}

  LogicalResult print(cx::ProgramOp program) {
    llvm::StringSet<> components;
    if (program.getBody().empty())
      return success();
    for (auto comp : program.getBody().getOps<cx::ComponentOp>())
      components.insert(comp.getSymName());
    std::set<std::string> imports = {"primitives/core.futil"};
    bool ok = true;
    program.walk([&](cx::CellOp cell) {
      StringRef lib = libraryOf(cell.getPrimitive());
      if (!lib.empty())
        imports.insert(lib.str());
      else if (!components.contains(cell.getPrimitive())) {
        cell.emitOpError("uses '")
            << cell.getPrimitive()
            << "', which is neither a Calyx primitive nor a component of "
               "this program; use a primitive of Calyx's primitives/ "
               "library";
        ok = false;
      }
    });
    if (!ok)
      return failure();
    for (const std::string &imp : imports)
      os << "import \"" << imp << "\";\n";
    // The layer each group computes (from its location): groups get the
    // attribute "t2c_layer"=k and the program lists the names.
    program.walk([&](cx::GroupOp group) {
      std::string name = layerOf(group.getLoc());
      if (!name.empty() && !layerIds.count(name)) {
        layerIds[name] = layerIds.size() + 1;
        os << "// layer " << layerIds[name] << ": " << name << "\n";
      }
    });
    for (auto comp : program.getBody().getOps<cx::ComponentOp>())
      printComponent(comp);
    return success();
  }

private:
  llvm::raw_ostream &os;
  unsigned indent = 0;
  /// Layer name -> its number in the program (from 1).
  std::map<std::string, unsigned> layerIds;

  /// The layer a location names (its first NameLoc, printable on one
  /// line), or "".
  static std::string layerOf(Location loc) {
    auto name = loc->findInstanceOf<NameLoc>();
    if (!name)
      return "";
    std::string text = name.getName().str();
    for (char &c : text)
      if (c == '\n' || c == '\r')
        c = ' ';
    return text;
  }

  llvm::raw_ostream &line() { return os.indent(indent * 2); }

  static void printPorts(llvm::raw_ostream &os, ArrayAttr ports) {
    llvm::interleaveComma(ports, os, [&](Attribute a) {
      auto [name, width] = cast<StringAttr>(a).getValue().split(':');
      os << name << ": " << width;
    });
  }

  void printComponent(cx::ComponentOp comp) {
    line() << "component " << comp.getSymName();
    if (comp.getToplevel())
      os << "<\"toplevel\"=1>";
    os << "(";
    printPorts(os, comp.getInputs());
    os << ") -> (";
    printPorts(os, comp.getOutputs());
    os << ") {\n";
    ++indent;
    line() << "cells {\n";
    ++indent;
    for (auto cell : comp.getBody().getOps<cx::CellOp>()) {
      line() << (cell.getExternal() ? "@external " : "")
             << (cell.getRef() ? "ref " : "") << cell.getSymName()
             << " = " << cell.getPrimitive() << "(";
      llvm::interleaveComma(cell.getParams(), os);
      os << ");\n";
    }
    --indent;
    line() << "}\n";
    line() << "wires {\n";
    ++indent;
    for (auto group : comp.getBody().getOps<cx::GroupOp>()) {
      if (auto ii = group->getAttrOfType<IntegerAttr>("t2c.ii"))
        line() << "// pipelined loop nest: initiation interval " << ii.getInt()
               << ", "
               << group->getAttrOfType<IntegerAttr>("t2c.trips").getInt()
               << " iterations"
               << (group->hasAttr("t2c.lanes")
                       ? ", " +
                             std::to_string(group->getAttrOfType<IntegerAttr>(
                                                     "t2c.lanes")
                                                .getInt()) +
                             " lanes"
                       : std::string());
      if (auto padded = group->getAttrOfType<DenseI64ArrayAttr>("t2c.padded");
          padded && padded.size() == 2)
        os << ", trip count " << padded[0] << " padded to " << padded[1];
      if (group->hasAttr("t2c.ii"))
        os << "\n";
      line() << (group.getComb() ? "comb " : "");
      if (auto latency = group.getLatency())
        os << "static<" << *latency << "> ";
      os << "group " << group.getSymName();
      std::string layer = layerOf(group.getLoc());
      if (!layer.empty())
        os << "<\"t2c_layer\"=" << layerIds[layer] << ">";
      os << " {\n";
      ++indent;
      if (!group.getBody().empty())
        for (auto assign : group.getBody().getOps<cx::AssignOp>())
          printAssign(assign);
      --indent;
      line() << "}\n";
    }
    for (auto assign : comp.getBody().getOps<cx::AssignOp>())
      printAssign(assign);
    --indent;
    line() << "}\n";
    for (auto control : comp.getBody().getOps<cx::ControlOp>()) {
      if (isEmpty(control.getBody())) {
        line() << "control {}\n";
        continue;
      }
      line() << "control {\n";
      ++indent;
      printBlock(control.getBody().front());
      --indent;
      line() << "}\n";
    }
    --indent;
    line() << "}\n";
  }

  static bool isEmpty(Region &region) {
    return region.empty() || region.front().empty();
  }

  void printAssign(cx::AssignOp assign) {
    line() << assign.getDst() << " = ";
    if (auto guard = assign.getGuard())
      os << *guard << " ? ";
    os << assign.getSrc() << ";\n";
  }

  /// Prints the statements of a control block; more than one is a `seq`.
  void printBlock(Block &block) {
    bool wrap = !llvm::hasSingleElement(block);
    if (wrap) {
      line() << "seq {\n";
      ++indent;
    }
    for (Operation &op : block)
      printStatement(op);
    if (wrap) {
      --indent;
      line() << "}\n";
    }
  }

  void printBody(Region &region) {
    os << " {\n";
    ++indent;
    if (!isEmpty(region))
      printBlock(region.front());
    --indent;
    line() << "}";
  }

  void printStatement(Operation &op) {
    if (auto enable = dyn_cast<cx::EnableOp>(op)) {
      line() << enable.getGroup() << ";\n";
    } else if (auto invoke = dyn_cast<cx::InvokeOp>(op)) {
      auto list = [&](ArrayAttr items) {
        llvm::interleaveComma(items, os, [&](Attribute a) {
          os << cast<StringAttr>(a).getValue();
        });
      };
      line() << "invoke " << invoke.getInstance();
      if (!invoke.getRefs().empty()) {
        os << "[";
        list(invoke.getRefs());
        os << "]";
      }
      os << "(";
      list(invoke.getInputs());
      os << ")(";
      list(invoke.getOutputs());
      os << ");\n";
    } else if (auto seq = dyn_cast<cx::SeqOp>(op)) {
      printNested("seq", seq.getBody());
    } else if (auto par = dyn_cast<cx::ParOp>(op)) {
      printNested("par", par.getBody());
    } else if (auto loop = dyn_cast<cx::WhileOp>(op)) {
      line() << "while " << loop.getCond();
      if (auto with = loop.getWith())
        os << " with " << *with;
      printBody(loop.getBody());
      os << "\n";
    } else if (auto branch = dyn_cast<cx::IfOp>(op)) {
      line() << "if " << branch.getCond();
      if (auto with = branch.getWith())
        os << " with " << *with;
      printBody(branch.getThenBody());
      if (!isEmpty(branch.getElseBody())) {
        os << " else";
        printBody(branch.getElseBody());
      }
      os << "\n";
    } else if (auto repeat = dyn_cast<cx::RepeatOp>(op)) {
      line() << "repeat " << repeat.getCount();
      printBody(repeat.getBody());
      os << "\n";
    }
  }

  void printNested(StringRef keyword, Region &region) {
    line() << keyword << " {\n";
    ++indent;
    if (!region.empty())
      for (Operation &op : region.front())
        printStatement(op);
    --indent;
    line() << "}\n";
  }
};

struct ExportCalyxPass : torch2calyx::impl::ExportCalyxBase<ExportCalyxPass> {
  using ExportCalyxBase::ExportCalyxBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string text;
    llvm::raw_string_ostream os(text);
    bool any = false;
    for (auto program : module.getOps<cx::ProgramOp>()) {
      any = true;
      if (failed(Printer(os).print(program)))
        return signalPassFailure();
    }
    if (!any) {
      module.emitError("no calyx.program to export; run --lower-to-calyx "
                       "before --export-calyx");
      return signalPassFailure();
    }
    if (outputFile.empty() || toAttribute) {
      module->setAttr("t2c.futil", StringAttr::get(&getContext(), text));
      return;
    }
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> file =
        openOutputFile(outputFile, &error);
    if (!file) {
      module.emitError("cannot write Calyx output '")
          << outputFile << "': " << error;
      return signalPassFailure();
    }
    file->os() << text;
    file->keep();
  }
};

} // namespace
