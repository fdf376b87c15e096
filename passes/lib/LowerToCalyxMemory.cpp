//===- LowerToCalyxMemory.cpp - memories, loads and stores ----------------===//
//
// Part of lower-to-calyx: 1-D static memrefs become seq_mem_d1 cells
// (function arguments @external, allocations internal); loads go through a
// group into a register, stores through a group. Before lowering, loop
// accumulations through memory are moved into registers and repeated loads
// of one address are merged.
//
//===----------------------------------------------------------------------===//

#include "LowerToCalyx.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace torch2calyx;
using namespace torch2calyx::lowering;
namespace cx = torch2calyx::calyx;

namespace {

using Result = std::optional<FailureOr<Stmt>>;

/// Bits needed to address `size` words (at least 1, as Calyx wants).
unsigned indexBits(int64_t size) {
  unsigned bits = 1;
  while ((int64_t(1) << bits) < size)
    ++bits;
  return bits;
}

/// Checks that `type` is a memory lower-to-calyx can build, reporting on
/// `op` otherwise.
FailureOr<std::pair<unsigned, int64_t>> memoryShape(Operation *op, Type type,
                                                    StringRef what) {
  auto m = dyn_cast<MemRefType>(type);
  if (!m)
    return failure();
  if (!m.hasStaticShape()) {
    op->emitOpError() << what << " has dynamic shape " << type
                      << "; lower-to-calyx needs static shapes (export the "
                         "model with fixed input sizes)";
    return failure();
  }
  if (m.getRank() > 1) {
    op->emitOpError() << what << " is the " << m.getRank() << "-d memref "
                      << type
                      << "; run --flatten-memrefs before --lower-to-calyx";
    return failure();
  }
  unsigned w = ComponentLowering::widthOf(m.getElementType());
  if (!w) {
    op->emitOpError() << what << " has elements of type " << m.getElementType()
                      << ", which has no hardware width";
    return failure();
  }
  return std::make_pair(w, m.getNumElements());
}

} // namespace

FailureOr<std::string>
torch2calyx::lowering::memoryAddress(ComponentLowering &cl, Operation *op,
                                     const Memory &mem, ValueRange indices) {
  if (indices.empty())
    return ComponentLowering::literal(mem.idxWidth, 0);
  Value index = indices.front();
  if (auto c = index.getDefiningOp<arith::ConstantIndexOp>())
    return ComponentLowering::literal(mem.idxWidth, c.value());
  FailureOr<std::string> port = cl.portOf(index, op);
  if (failed(port))
    return failure();
  unsigned w = ComponentLowering::widthOf(index.getType());
  if (w == mem.idxWidth)
    return port;
  std::string slice =
      cl.combCell("addr", w > mem.idxWidth ? "std_slice" : "std_pad",
                  {w, mem.idxWidth}, *port);
  return slice + ".out";
}

namespace {

/// True when the result of `load` can be read from the memory's read_data
/// port instead of a register: every use is a non-control op of the same
/// block (after it, as SSA requires), and no op between the load and its
/// last use touches the memory (read_data holds until the next read).
bool readInPlace(memref::LoadOp load) {
  Block *block = load->getBlock();
  Operation *last = load;
  for (Operation *user : load->getUsers()) {
    if (user->getBlock() != block || user->getNumRegions() != 0 ||
        user->hasTrait<OpTrait::IsTerminator>())
      return false;
    if (last->isBeforeInBlock(user))
      last = user;
  }
  // Combinational users pass the value on; their users count too. Only the
  // float unit ops certainly register their result; every other arith op
  // is treated as combinational (conservative).
  SmallVector<Operation *> work(load->getUsers().begin(),
                                load->getUsers().end());
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!isa<arith::ArithDialect>(op->getDialect()) ||
        op->getNumResults() != 1 ||
        isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
            arith::SIToFPOp, arith::UIToFPOp, arith::FPToSIOp, arith::FPToUIOp>(
            op))
      continue;
    for (Operation *user : op->getResult(0).getUsers()) {
      if (user->getBlock() != block || user->getNumRegions() != 0 ||
          user->hasTrait<OpTrait::IsTerminator>())
        return false;
      if (last->isBeforeInBlock(user))
        last = user;
      work.push_back(user);
    }
  }
  Value mem = load.getMemref();
  for (Operation *op = load->getNextNode(); op && op != last->getNextNode();
       op = op->getNextNode()) {
    bool touches = false;
    op->walk([&](Operation *inner) {
      if (auto l = dyn_cast<memref::LoadOp>(inner))
        touches |= l.getMemref() == mem;
      if (auto s = dyn_cast<memref::StoreOp>(inner))
        touches |= s.getMemref() == mem;
    });
    if (touches)
      return false;
  }
  return true;
}

} // namespace

LogicalResult ComponentLowering::lowerArguments() {
  for (BlockArgument arg : fn.getArguments()) {
    if (callee && !isa<MemRefType>(arg.getType())) {
      unsigned width = widthOf(arg.getType());
      std::string port = "arg" + std::to_string(arg.getArgNumber());
      if (width == 0 || uniqueName(port) != port)
        return fn.emitOpError("argument ")
               << arg.getArgNumber() << " of type " << arg.getType()
               << " cannot be a port of a Calyx component; pass integers, "
                  "floats, indices or memrefs";
      inputPorts.push_back(port + ":" + std::to_string(width));
      setPort(arg, port);
      continue;
    }
    auto shape = memoryShape(fn, arg.getType(),
                             ("argument " + Twine(arg.getArgNumber())).str());
    if (failed(shape)) {
      if (!isa<MemRefType>(arg.getType()))
        return fn.emitOpError("argument ")
               << arg.getArgNumber() << " is the scalar " << arg.getType()
               << "; the top-level design takes memrefs only (pass tensors)";
      return failure();
    }
    std::string name = "arg" + std::to_string(arg.getArgNumber());
    if (auto attr =
            fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "t2c.name"))
      name = attr.getValue().str();
    Memory mem{"", shape->first, shape->second, indexBits(shape->second)};
    mem.cell = addCell(name, "seq_mem_d1", {mem.width, mem.size, mem.idxWidth},
                       /*external=*/!callee);
    if (callee)
      cast<calyx::CellOp>(lastCell).setRef(true);
    if (mem.cell != name)
      return fn.emitOpError("argument ")
             << arg.getArgNumber() << " is named '" << name
             << "', which another memory already uses; give every argument "
                "a unique t2c.name";
    memories[arg] = mem;
  }
  return success();
}

std::optional<FailureOr<Stmt>> ComponentLowering::lowerMemory(Operation *op) {
  auto &cl = *this;
  auto lookup = [&](Value memref) -> const Memory * {
    auto it = memories.find(memref);
    if (it != memories.end())
      return &it->second;
    op->emitOpError("accesses a memref that is neither a function argument "
                    "nor a memref.alloc of this function");
    return nullptr;
  };
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case<memref::AllocOp, memref::AllocaOp>([&](auto alloc) -> Result {
        auto shape = memoryShape(op, alloc.getType(), "the allocation");
        if (failed(shape))
          return FailureOr<Stmt>(failure());
        Memory mem{"", shape->first, shape->second, indexBits(shape->second)};
        mem.cell = cl.addCell("mem", "seq_mem_d1",
                              {mem.width, mem.size, mem.idxWidth});
        cl.allocCells.push_back(mem.cell);
        memories[alloc.getResult()] = mem;
        return FailureOr<Stmt>(Stmt{});
      })
      .Case(
          [&](memref::DeallocOp) -> Result { return FailureOr<Stmt>(Stmt{}); })
      .Case([&](memref::GetGlobalOp g) -> Result {
        g.emitOpError("reads the global '")
            << g.getName()
            << "'; run --externalize-globals before --lower-to-calyx";
        return FailureOr<Stmt>(failure());
      })
      .Case([&](memref::LoadOp load) -> Result {
        const Memory *mem = lookup(load.getMemref());
        if (!mem)
          return FailureOr<Stmt>(failure());
        FailureOr<std::string> addr = memoryAddress(cl, op, *mem, load.getIndices());
        if (failed(addr))
          return FailureOr<Stmt>(failure());
        if (readInPlace(load)) {
          cx::GroupOp g = cl.addGroup("load_" + mem->cell);
          cl.assign(g, mem->cell + ".addr0", *addr);
          cl.assign(g, mem->cell + ".content_en", "1'd1");
          cl.done(g, mem->cell + ".done");
          cl.setPort(load.getResult(), mem->cell + ".read_data");
          return FailureOr<Stmt>(
              Stmt{g.getSymName().str(), {mem->cell}, {mem->cell}});
        }
        std::string reg =
            cl.resultRegister(load.getResult(), mem->cell + "_ld");
        cx::GroupOp g = cl.addGroup("load_" + mem->cell);
        cl.assign(g, mem->cell + ".addr0", *addr);
        cl.assign(g, mem->cell + ".content_en", "1'd1");
        cl.assign(g, reg + ".in", mem->cell + ".read_data");
        cl.assign(g, reg + ".write_en", "1'd1", mem->cell + ".done");
        cl.done(g, reg + ".done");
        cl.setPort(load.getResult(), reg + ".out");
        return FailureOr<Stmt>(Stmt{g.getSymName().str(), {mem->cell}});
      })
      .Case([&](memref::StoreOp store) -> Result {
        const Memory *mem = lookup(store.getMemref());
        if (!mem)
          return FailureOr<Stmt>(failure());
        FailureOr<std::string> addr = memoryAddress(cl, op, *mem, store.getIndices());
        FailureOr<std::string> value = cl.portOf(store.getValue(), op);
        if (failed(addr) || failed(value))
          return FailureOr<Stmt>(failure());
        cx::GroupOp g = cl.addGroup("store_" + mem->cell);
        cl.assign(g, mem->cell + ".addr0", *addr);
        cl.assign(g, mem->cell + ".write_data", *value);
        cl.assign(g, mem->cell + ".write_en", "1'd1");
        cl.assign(g, mem->cell + ".content_en", "1'd1");
        cl.done(g, mem->cell + ".done");
        return FailureOr<Stmt>(Stmt{g.getSymName().str(), {mem->cell}});
      })
      .Default([&](Operation *) -> Result { return std::nullopt; });
}

//===----------------------------------------------------------------------===//
// Pre-lowering rewrites
//===----------------------------------------------------------------------===//

namespace {

/// Every load and store of `memref` nested in `region`.
void accessesIn(Region &region, Value memref,
                SmallVectorImpl<Operation *> &out) {
  region.walk([&](Operation *op) {
    if (auto l = dyn_cast<memref::LoadOp>(op); l && l.getMemref() == memref)
      out.push_back(op);
    if (auto s = dyn_cast<memref::StoreOp>(op); s && s.getMemref() == memref)
      out.push_back(op);
  });
}

/// True when every value of `values` is defined outside `loop`.
bool invariant(scf::ForOp loop, ValueRange values) {
  return llvm::all_of(values, [&](Value v) {
    return !loop.getRegion().isAncestor(v.getParentRegion());
  });
}

/// Moves one load/store pair of `loop`'s body into an iteration argument.
bool hoistOne(scf::ForOp loop) {
  // A call may touch any memory it is passed (accessesIn does not see it).
  if (loop->walk([](func::CallOp) { return WalkResult::interrupt(); })
          .wasInterrupted())
    return false;
  Block *body = loop.getBody();
  for (Operation &op : *body) {
    auto load = dyn_cast<memref::LoadOp>(op);
    if (!load || !invariant(loop, load.getIndices()) ||
        !invariant(loop, load.getMemref()))
      continue;
    SmallVector<Operation *> accesses;
    accessesIn(loop.getRegion(), load.getMemref(), accesses);
    if (accesses.size() != 2)
      continue;
    auto store = dyn_cast<memref::StoreOp>(accesses[1]);
    if (accesses[0] != load || !store || store->getBlock() != body ||
        store.getIndices() != load.getIndices())
      continue;
    // load before the loop, carried value inside, store after the loop.
    IRRewriter rw(loop.getContext());
    rw.setInsertionPoint(loop);
    auto hoisted = memref::LoadOp::create(rw, load.getLoc(), load.getMemref(),
                                          load.getIndices());
    Value stored = store.getValue();
    FailureOr<LoopLikeOpInterface> grown = loop.replaceWithAdditionalYields(
        rw, ValueRange{hoisted.getResult()},
        /*replaceInitOperandUsesInLoop=*/false,
        [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
          return SmallVector<Value>{stored};
        });
    if (failed(grown))
      return false;
    auto newLoop = cast<scf::ForOp>(grown->getOperation());
    BlockArgument carried = newLoop.getRegionIterArgs().back();
    rw.replaceAllUsesWith(load.getResult(), carried);
    rw.setInsertionPointAfter(newLoop);
    memref::StoreOp::create(rw, store.getLoc(), newLoop.getResults().back(),
                            store.getMemref(), store.getIndices());
    rw.eraseOp(store);
    rw.eraseOp(load);
    return true;
  }
  return false;
}

} // namespace

void torch2calyx::lowering::hoistAccumulators(func::FuncOp fn) {
  // Loop-invariant pure ops (the address arithmetic of outer indices that
  // lowering affine maps leaves in the innermost body) move out first, so
  // that the accumulator's address is recognized as invariant.
  // Nests marked by pipeline-loops keep their shape (one flat body).
  auto marked = [](scf::ForOp loop) {
    for (Operation *p = loop; p; p = p->getParentOp())
      if (p->hasAttr("t2c.pipeline"))
        return true;
    return false;
  };
  fn.walk([&](scf::ForOp loop) { // inner loops first
    if (!marked(loop))
      moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
  });
  bool changed = true;
  while (changed) {
    changed = false;
    SmallVector<scf::ForOp> loops;
    fn.walk([&](scf::ForOp loop) { // inner first
      if (!marked(loop))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops)
      if (hoistOne(loop)) {
        changed = true;
        break;
      }
  }
}

namespace {

bool sameAccess(Value memA, ValueRange idxA, Value memB, ValueRange idxB) {
  return memA == memB && llvm::equal(idxA, idxB);
}

/// The memrefs `op` (or an op nested in it) stores to / loads from; a call
/// may do both to every memref it is passed.
void effectsOf(Operation &op, SmallVectorImpl<Value> &written,
               SmallVectorImpl<Value> &read) {
  op.walk([&](Operation *inner) {
    if (auto call = dyn_cast<func::CallOp>(inner))
      for (Value v : call.getOperands())
        if (isa<MemRefType>(v.getType())) {
          written.push_back(v);
          read.push_back(v);
        }
    if (auto s = dyn_cast<memref::StoreOp>(inner))
      written.push_back(s.getMemref());
    if (auto l = dyn_cast<memref::LoadOp>(inner))
      read.push_back(l.getMemref());
  });
}

} // namespace

void torch2calyx::lowering::mergeRepeatedLoads(func::FuncOp fn) {
  fn.walk([&](Block *block) {
    // Known contents: (memref, indices) -> value, from earlier loads and
    // stores of this block with no possibly aliasing store since.
    struct Known {
      Value memref;
      SmallVector<Value, 1> indices;
      Value value;
    };
    SmallVector<Known> known;
    // The last store to each memref that no later op of the block may read.
    DenseMap<Value, memref::StoreOp> pendingStore;
    for (Operation &op : llvm::make_early_inc_range(*block)) {
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        auto hit = llvm::find_if(known, [&](const Known &k) {
          return sameAccess(k.memref, k.indices, load.getMemref(),
                            load.getIndices());
        });
        if (hit != known.end()) {
          load.getResult().replaceAllUsesWith(hit->value);
          load.erase();
          continue;
        }
        pendingStore.erase(load.getMemref());
        known.push_back({load.getMemref(),
                         SmallVector<Value, 1>(load.getIndices()),
                         load.getResult()});
        continue;
      }
      if (auto store = dyn_cast<memref::StoreOp>(op)) {
        // An earlier store to the same place nobody read is dead.
        auto it = pendingStore.find(store.getMemref());
        if (it != pendingStore.end() &&
            sameAccess(it->second.getMemref(), it->second.getIndices(),
                       store.getMemref(), store.getIndices()))
          it->second.erase();
        pendingStore[store.getMemref()] = store;
        llvm::erase_if(known, [&](const Known &k) {
          return k.memref == store.getMemref();
        });
        known.push_back({store.getMemref(),
                         SmallVector<Value, 1>(store.getIndices()),
                         store.getValue()});
        continue;
      }
      SmallVector<Value> written, read;
      effectsOf(op, written, read);
      for (Value m : read)
        pendingStore.erase(m);
      for (Value m : written)
        pendingStore.erase(m);
      llvm::erase_if(known, [&](const Known &k) {
        return llvm::is_contained(written, k.memref);
      });
    }
  });
}

void ComponentLowering::dropUnusedAllocCells() {
  if (allocCells.empty())
    return;
  // Every identifier in a string attribute of an op other than a cell: the
  // `cell.port`s of assignments and guards, invoke bindings (`formal=actual`,
  // `port=cell.port`), the condition ports of `if` and `while`.
  llvm::StringSet<> named;
  auto scan = [&](StringRef text) {
    for (size_t i = 0; i < text.size();) {
      if (!(isalnum(text[i]) || text[i] == '_')) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < text.size() && (isalnum(text[j]) || text[j] == '_'))
        ++j;
      named.insert(text.slice(i, j));
      i = j;
    }
  };
  comp.walk([&](Operation *op) {
    if (isa<cx::CellOp>(op))
      return;
    for (NamedAttribute attr : op->getAttrs()) {
      if (auto str = dyn_cast<StringAttr>(attr.getValue()))
        scan(str.getValue());
      else if (auto list = dyn_cast<ArrayAttr>(attr.getValue()))
        for (Attribute item : list)
          if (auto str = dyn_cast<StringAttr>(item))
            scan(str.getValue());
    }
  });
  llvm::StringSet<> unused;
  for (const std::string &cell : allocCells)
    if (!named.contains(cell))
      unused.insert(cell);
  for (auto cell :
       llvm::make_early_inc_range(comp.getBody().getOps<cx::CellOp>()))
    if (unused.contains(cell.getSymName())) {
      if (lastCell == cell.getOperation())
        lastCell = nullptr;
      cell.erase();
    }
}
