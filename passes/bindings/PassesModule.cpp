//===- PassesModule.cpp - torch2calyx._passes Python module ---------------===//
//
// Runs a textual pass pipeline of the torch2calyx library on MLIR text inside
// the Python process. The MLIR linked here is private to this module (static
// libraries, --exclude-libs,ALL), so it coexists with torch-mlir's own MLIR.
//
//===----------------------------------------------------------------------===//

#include "torch2calyx/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace nb = nanobind;

namespace {

/// Name of the module attribute through which externalize-globals hands back
/// its data JSON when no data-file option is given.
constexpr llvm::StringLiteral kDataAttr = "t2c.data";

/// A failed parse or pass run; the message holds every diagnostic reported.
struct PipelineFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char *severityName(mlir::DiagnosticSeverity severity) {
  switch (severity) {
  case mlir::DiagnosticSeverity::Error:
    return "error";
  case mlir::DiagnosticSeverity::Warning:
    return "warning";
  case mlir::DiagnosticSeverity::Remark:
    return "remark";
  case mlir::DiagnosticSeverity::Note:
    return "note";
  }
  return "diagnostic";
}

/// Prints `loc` as "file:line:col" when it has a file position.
void printLocation(mlir::Location loc, llvm::raw_ostream &os) {
  if (auto file = loc->findInstanceOf<mlir::FileLineColLoc>()) {
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
    return;
  }
  os << loc;
}

/// Appends `diag` and its notes as "<location>: <severity>: <message>" lines.
void formatDiagnostic(mlir::Diagnostic &diag, llvm::raw_ostream &os,
                      llvm::StringRef indent = "") {
  os << indent;
  printLocation(diag.getLocation(), os);
  os << ": " << severityName(diag.getSeverity()) << ": " << diag.str() << "\n";
  for (mlir::Diagnostic &note : diag.getNotes())
    formatDiagnostic(note, os, "  ");
}

/// Returns the body of `pipeline` without a surrounding builtin.module(...).
std::string stripModuleAnchor(llvm::StringRef pipeline) {
  pipeline = pipeline.trim();
  if (pipeline.consume_front("builtin.module")) {
    pipeline = pipeline.ltrim();
    if (pipeline.consume_front("(") && pipeline.consume_back(")"))
      return pipeline.trim().str();
    throw PipelineFailure("invalid pass pipeline '" + pipeline.str() +
                          "': expected builtin.module(<passes>)");
  }
  return pipeline.str();
}

/// Parses `ir`, runs `pipeline` on it and returns the printed result and
/// the string module attributes named in `take` (removed from the result).
std::pair<std::string, std::map<std::string, std::string>>
runPipelineImpl(const std::string &ir, const std::string &pipeline,
                const std::string &sourceName,
                const std::vector<std::string> &take) {
  torch2calyx::registerAllPasses();
  mlir::DialectRegistry registry;
  torch2calyx::registerDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  // The repro file holds the IR; keep diagnostics to location, message, notes.
  context.printOpOnDiagnostic(false);

  std::string diagnostics;
  llvm::raw_string_ostream diagOS(diagnostics);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    formatDiagnostic(diag, diagOS);
    return mlir::success();
  });

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(ir, &context, sourceName);
  if (!module)
    throw PipelineFailure("failed to parse MLIR input:\n" + diagnostics);

  mlir::PassManager pm(&context, mlir::ModuleOp::getOperationName());
  std::string pipelineErrors;
  llvm::raw_string_ostream pipelineOS(pipelineErrors);
  if (mlir::failed(
          mlir::parsePassPipeline(stripModuleAnchor(pipeline), pm, pipelineOS)))
    throw PipelineFailure("invalid pass pipeline '" + pipeline +
                          "': " + pipelineErrors);

  if (mlir::failed(pm.run(*module)))
    throw PipelineFailure("pass pipeline '" + pipeline + "' failed:\n" +
                          diagnostics);

  std::map<std::string, std::string> taken;
  for (const std::string &name : take) {
    if (auto attr = (*module)->getAttrOfType<mlir::StringAttr>(name)) {
      taken[name] = attr.getValue().str();
      (*module)->removeAttr(name);
    }
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  module->print(os);
  return {std::move(out), std::move(taken)};
}

} // namespace

NB_MODULE(_passes, m) {
  m.doc() = "Native MLIR pass library of torch2calyx (MLIR 22, linked "
            "privately).";

  static nb::exception<PipelineFailure> pipelineError(m, "PipelineError",
                                                      PyExc_RuntimeError);

  m.def(
      "run_pipeline",
      [](const std::string &ir, const std::string &pipeline,
         const std::string &source_name) {
        nb::gil_scoped_release release;
        return runPipelineImpl(ir, pipeline, source_name, {}).first;
      },
      nb::arg("ir"), nb::arg("pipeline"), nb::kw_only(),
      nb::arg("source_name") = "<input>",
      "Parse `ir`, run the textual pass pipeline `pipeline` (`a,b` or "
      "`builtin.module(a,b)`) and return the resulting MLIR text. Raises "
      "PipelineError carrying MLIR's diagnostics (location, severity, "
      "message, notes) if parsing or a pass fails.");

  m.def(
      "run_pipeline_with_data",
      [](const std::string &ir, const std::string &pipeline,
         const std::string &source_name) {
        nb::gil_scoped_release release;
        auto [out, taken] =
            runPipelineImpl(ir, pipeline, source_name, {kDataAttr.str()});
        std::optional<std::string> data;
        if (auto it = taken.find(kDataAttr.str()); it != taken.end())
          data = std::move(it->second);
        return std::make_pair(std::move(out), std::move(data));
      },
      nb::arg("ir"), nb::arg("pipeline"), nb::kw_only(),
      nb::arg("source_name") = "<input>",
      "Like run_pipeline, but removes the module attribute `t2c.data` (the "
      "Calyx data JSON that externalize-globals attaches when it has no "
      "data-file option) and returns (ir, json) with json None when absent.");

  m.def(
      "run_pipeline_taking",
      [](const std::string &ir, const std::string &pipeline,
         const std::vector<std::string> &attributes,
         const std::string &source_name) {
        nb::gil_scoped_release release;
        return runPipelineImpl(ir, pipeline, source_name, attributes);
      },
      nb::arg("ir"), nb::arg("pipeline"), nb::arg("attributes"), nb::kw_only(),
      nb::arg("source_name") = "<input>",
      "Like run_pipeline, but removes the string attributes of the module "
      "named in `attributes` (how passes hand back side outputs such as "
      "`t2c.data`) and returns (ir, {name: value}) for those present.");
}
