"""A recursive-descent parser for Calyx's native syntax (``.futil``).

Covers what the Calyx compiler's frontend accepts in practice: ``import``, ``extern`` blocks
of primitive signatures, components (``comb``/``static<n>``) with attributes, ``cells``
(including ``ref`` and ``@external``), ``wires`` (groups, comb groups, static groups,
continuous assignments, guards) and ``control`` (seq, par, if, while, repeat, invoke, their
``static`` forms, enables, empty statements such as ``@sync(1);``). ``static<n> primitive``
records the primitive's latency; the value of ``std_float_const(REP, WIDTH, VALUE)`` may be a
decimal, exponent, ``inf``, ``-inf`` or ``nan`` literal and becomes its IEEE-754 bits
(:mod:`torch2calyx.calyx.floatconst`). ``metadata #{ ... }#`` blocks are skipped. Syntax errors
raise :class:`CalyxSyntaxError` with ``file:line:column`` and a caret line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from torch2calyx.calyx import floatconst, ir
from torch2calyx.calyx.diagnostics import CalyxSyntaxError, Diagnostic

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<meta>(?:metadata|sourceinfo)\s*\#\{.*?\}\#)
  | (?P<const>\d+'[dbhxoDBHXO][0-9a-fA-F_]+)
  | (?P<float>[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\d+[eE][-+]?\d+
      |[-+](?:inf|infinity|nan)\b|-\d+)
  | (?P<num>\d+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<ident>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<op>->|==|!=|<=|>=|[{}()\[\]<>;:,=.?!&|@%])
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)


_FLOAT_WORDS = ("inf", "infinity", "nan")


@dataclass(frozen=True)
class Token:
    kind: str  # const float num string ident op eof
    text: str
    loc: ir.Loc


def tokenize(text: str, file: str) -> list[Token]:
    """Split ``text`` into tokens, dropping whitespace, comments and metadata blocks."""
    tokens: list[Token] = []
    line, line_start = 1, 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        start = m.start()
        if kind == "bad":
            loc = ir.Loc(file, line, start - line_start + 1)
            raise CalyxSyntaxError(
                Diagnostic("error", f"unexpected character {m.group()!r}", loc), {file: text}
            )
        if kind != "ws" and kind != "meta":
            tokens.append(Token(kind, m.group(), ir.Loc(file, line, start - line_start + 1)))
        else:
            value = m.group()
            newlines = value.count("\n")
            if newlines:
                line += newlines
                line_start = start + value.rindex("\n") + 1
    tokens.append(Token("eof", "", ir.Loc(file, line, len(text) - line_start + 1)))
    return tokens


def parse_const(text: str, loc: ir.Loc, sources: dict[str, str] | None = None) -> ir.Const:
    """``32'd5``, ``1'b1``, ``8'hff``, ``4'o7`` -> :class:`ir.Const`."""
    width_s, rest = text.split("'", 1)
    base = {"d": 10, "b": 2, "h": 16, "x": 16, "o": 8}[rest[0].lower()]
    try:
        value = int(rest[1:].replace("_", ""), base)
    except ValueError:
        raise CalyxSyntaxError(
            Diagnostic("error", f"'{text}' has digits its base does not allow", loc), sources
        ) from None
    width = int(width_s)
    if width <= 0:
        raise CalyxSyntaxError(
            Diagnostic("error", "a constant needs a width of at least 1", loc), sources
        )
    if value >= 1 << width:
        raise CalyxSyntaxError(
            Diagnostic("error", f"constant {text} does not fit in {width} bit(s)", loc), sources
        )
    return ir.Const(width, value, loc)


class Parser:
    """Parses one file's text; imports are resolved by :mod:`torch2calyx.calyx.library`."""

    def __init__(self, text: str, file: str):
        self.file = file
        self.text = text
        self.toks = tokenize(text, file)
        self.i = 0

    # token helpers --------------------------------------------------------------------------
    def peek(self, k: int = 0) -> Token:
        try:
            return self.toks[self.i + k]
        except IndexError:
            return self.toks[-1]

    def at(self, text: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t.text == text and t.kind in ("op", "ident")

    def error(self, message: str, tok: Token | None = None) -> CalyxSyntaxError:
        tok = tok or self.peek()
        return CalyxSyntaxError(Diagnostic("error", message, tok.loc), {self.file: self.text})

    def describe(self, tok: Token) -> str:
        return "end of file" if tok.kind == "eof" else repr(tok.text)

    def next(self) -> Token:
        t = self.peek()
        self.i += 1
        return t

    def expect(self, text: str, what: str | None = None) -> Token:
        t = self.peek()
        if t.text != text or t.kind not in ("op", "ident"):
            hint = f" {what}" if what else ""
            raise self.error(f"expected '{text}'{hint}, found {self.describe(t)}")
        return self.next()

    def accept(self, text: str) -> bool:
        if self.at(text):
            self.i += 1
            return True
        return False

    def ident(self, what: str = "a name") -> Token:
        t = self.peek()
        if t.kind != "ident":
            raise self.error(f"expected {what}, found {self.describe(t)}")
        return self.next()

    def number(self, what: str = "a number") -> int:
        t = self.peek()
        if t.kind != "num":
            raise self.error(f"expected {what}, found {self.describe(t)}")
        self.i += 1
        return int(t.text)

    def string(self) -> str:
        t = self.peek()
        if t.kind != "string":
            raise self.error(f"expected a quoted file name, found {self.describe(t)}")
        self.i += 1
        return t.text[1:-1]

    # attributes -----------------------------------------------------------------------------
    def at_attrs(self) -> dict[str, int]:
        """``@name`` / ``@name(n)`` attributes before a port, cell, group or statement."""
        attrs: dict[str, int] = {}
        while self.at("@"):
            self.next()
            name = self.ident("an attribute name after '@'").text
            if self.accept("("):
                attrs[name] = self.number("an attribute value")
                self.expect(")", "to close the attribute value")
            else:
                attrs[name] = 1
        return attrs

    def angle_attrs(self) -> dict[str, int]:
        """``<"name"=n, ...>`` attributes after a definition's name."""
        attrs: dict[str, int] = {}
        if not self.accept("<"):
            return attrs
        while not self.at(">"):
            name = self.string()
            self.expect("=", "after an attribute name")
            attrs[name] = self.number("an attribute value")
            if not self.accept(","):
                break
        self.expect(">", "to close the attribute list")
        return attrs

    # top level ------------------------------------------------------------------------------
    def parse_file(self) -> tuple[list[tuple[str, ir.Loc]], list[tuple[str, list]], list]:
        """Returns (imports, extern blocks, components)."""
        imports: list[tuple[str, ir.Loc]] = []
        externs: list[tuple[str, list[ir.Primitive]]] = []
        comps: list[ir.Component] = []
        while self.peek().kind != "eof":
            t = self.peek()
            if self.accept("import"):
                imports.append((self.string(), t.loc))
                self.expect(";", "after the import")
            elif self.accept("extern"):
                path = self.string()
                self.expect("{", "to open the extern block")
                prims = []
                while not self.accept("}"):
                    prims.append(self.primitive())
                externs.append((path, prims))
            elif self.at("component") or self.at("comb") or self.at("static"):
                comps.append(self.component())
            elif self.at("primitive"):
                raise self.error(
                    "primitives with inline bodies are not supported; move the body to a .sv "
                    "file and declare it in an 'extern \"file.sv\" { ... }' block"
                )
            else:
                raise self.error(
                    f"expected 'import', 'extern' or 'component', found {self.describe(t)}"
                )
        return imports, externs, comps

    def primitive(self) -> ir.Primitive:
        loc = self.peek().loc
        is_comb = self.accept("comb")
        latency = None
        if self.accept("static"):
            self.expect("<", "after 'static' (write static<n> primitive)")
            latency = self.number("a latency")
            self.expect(">")
            if latency < 1:
                raise self.error("a static primitive needs a latency of at least 1 cycle")
        self.expect("primitive", "(a primitive signature)")
        name = self.ident("a primitive name").text
        attrs = self.angle_attrs()
        params: list[str] = []
        if self.accept("["):
            while not self.at("]"):
                params.append(self.ident("a parameter name").text)
                if not self.accept(","):
                    break
            self.expect("]", "to close the parameter list")
        ports = self.signature(allow_params=True)
        if self.at("{"):
            raise self.error("primitives with inline bodies are not supported inside extern")
        self.expect(";", "after the primitive signature")
        return ir.Primitive(name, params, ports, attrs, is_comb, None, loc, latency)

    def port_list(self, direction: str, allow_params: bool) -> list[ir.PortDef]:
        self.expect("(", "to open a port list")
        ports = []
        while not self.at(")"):
            attrs = self.at_attrs()
            t = self.ident("a port name")
            self.expect(":", "between a port name and its width")
            w = self.peek()
            if w.kind == "num":
                width: int | str = self.number()
            elif w.kind == "ident" and allow_params:
                width = self.next().text
            else:
                raise self.error(f"expected a port width, found {self.describe(w)}")
            ports.append(ir.PortDef(t.text, width, direction, attrs, t.loc))
            if not self.accept(","):
                break
        self.expect(")", "to close the port list")
        return ports

    def signature(self, allow_params: bool) -> list[ir.PortDef]:
        ports = self.port_list("input", allow_params)
        self.expect("->", "between input and output ports")
        ports += self.port_list("output", allow_params)
        return ports

    def component(self) -> ir.Component:
        loc = self.peek().loc
        is_comb = self.accept("comb")
        latency = None
        if self.accept("static"):
            self.expect("<", "after 'static' (write static<n>)")
            latency = self.number("a latency")
            self.expect(">")
        self.expect("component")
        name_tok = self.ident("a component name")
        attrs = self.angle_attrs()
        ports = self.signature(allow_params=False)
        comp = ir.Component(
            name_tok.text, ports, attrs, is_comb=is_comb, latency=latency, loc=name_tok.loc
        )
        del loc
        self.expect("{", "to open the component body")
        self.expect("cells", "(a component body starts with 'cells {')")
        self.cells(comp)
        self.expect("wires", "(after the cells section comes 'wires {')")
        self.wires(comp)
        if self.accept("control"):
            self.expect("{", "to open the control section")
            comp.control = self.control_block_body()
        self.expect("}", "to close the component")
        return comp

    # cells ----------------------------------------------------------------------------------
    def cells(self, comp: ir.Component) -> None:
        self.expect("{", "to open the cells section")
        while not self.accept("}"):
            attrs = self.at_attrs()
            is_ref = self.accept("ref")
            name = self.ident("a cell name")
            self.expect("=", "after the cell name")
            proto = self.ident("a primitive or component name")
            self.expect("(", "to open the cell's parameter list")
            arg_toks: list[Token] = []
            while not self.at(")"):
                arg_toks.append(self.next())
                if not self.accept(","):
                    break
            self.expect(")", "to close the cell's parameter list")
            self.expect(";", "after the cell definition")
            if name.text in comp.cells:
                raise self.error(f"cell '{name.text}' is defined twice", name)
            args, float_text = self.cell_args(proto, arg_toks)
            cell = ir.Cell(name.text, proto.text, args, attrs, is_ref, name.loc)
            cell.float_text = float_text
            comp.cells[name.text] = cell

    def cell_args(self, proto: Token, toks: list[Token]) -> tuple[list[int], str | None]:
        """Integer parameters; ``std_float_const``'s third one is a number literal
        (decimal, exponent, ``inf``, ``-inf``, ``nan``) turned into its IEEE-754 bits."""
        is_float_const = proto.text == "std_float_const"
        args: list[int] = []
        float_text = None
        for k, t in enumerate(toks):
            literal = t.kind == "float" or (t.kind == "ident" and t.text in _FLOAT_WORDS)
            if is_float_const and k == 2 and len(toks) == 3 and (literal or t.kind == "num"):
                try:
                    args.append(floatconst.encode(t.text, args[1], args[0]).bits)
                except floatconst.FloatLiteralError as exc:
                    raise self.error(str(exc), t) from None
                float_text = t.text
            elif t.kind == "num":
                args.append(int(t.text))
            elif literal:
                raise self.error(
                    f"'{t.text}' is not an integer parameter; only the value of "
                    "std_float_const(REP, WIDTH, VALUE) may be a floating-point literal",
                    t,
                )
            else:
                raise self.error(f"expected an integer parameter, found {self.describe(t)}", t)
        return args, float_text

    # wires ----------------------------------------------------------------------------------
    def wires(self, comp: ir.Component) -> None:
        self.expect("{", "to open the wires section")
        while not self.accept("}"):
            attrs = self.at_attrs()
            kind = "group"
            latency = None
            if self.at("comb") and self.at("group", 1):
                self.next()
                kind = "comb"
            elif self.at("static") and (self.at("<", 1) or self.at("group", 1)):
                self.next()
                kind = "static"
                if self.accept("<"):
                    latency = self.number("a latency")
                    self.expect(">")
            if self.at("group") and self.peek(1).kind == "ident":
                self.next()
                name = self.ident("a group name")
                gattrs = self.angle_attrs()
                gattrs.update(attrs)
                if kind == "static" and latency is None:
                    latency = gattrs.get("static") or gattrs.get("promotable")
                    if latency is None:
                        raise self.error("a static group needs a latency: write static<n> group")
                self.expect("{", "to open the group")
                assigns = []
                while not self.accept("}"):
                    assigns.append(self.assignment(self.at_attrs()))
                if name.text in comp.groups:
                    raise self.error(f"group '{name.text}' is defined twice", name)
                comp.groups[name.text] = ir.Group(
                    name.text, assigns, gattrs, kind, latency, name.loc
                )
            else:
                comp.continuous.append(self.assignment(attrs))

    def assignment(self, attrs: dict[str, int]) -> ir.Assign:
        start = self.peek()
        dst = self.port_ref()
        self.expect("=", "in an assignment (dst = guard ? src;)")
        # Either `src;` or `guard ? src;`: parse a guard and decide on '?'.
        guard = self.guard()
        if self.accept("?"):
            src = self.atom()
        else:
            if not isinstance(guard, ir.GAtom):
                raise self.error("expected '?' after the guard of an assignment")
            src = guard.atom
            guard = ir.GTrue()
        self.expect(";", "after the assignment")
        return ir.Assign(dst, src, guard, attrs, start.loc)

    def port_ref(self) -> ir.PortRef:
        t = self.ident("a port (cell.port, group[done] or a component port)")
        if self.accept("."):
            p = self.ident("a port name after '.'")
            return ir.PortRef(t.text, p.text, False, t.loc)
        if self.at("[") and self.peek(1).text in ("go", "done") and self.at("]", 2):
            self.next()
            hole = self.next().text
            self.next()
            return ir.PortRef(t.text, hole, True, t.loc)
        return ir.PortRef(None, t.text, False, t.loc)

    def atom(self) -> ir.Atom:
        t = self.peek()
        if t.kind == "const":
            self.next()
            return parse_const(t.text, t.loc, {self.file: self.text})
        if t.kind == "num":
            raise self.error(
                f"bare number {t.text} where a port or sized constant is expected; "
                f"write a sized constant such as 32'd{t.text}"
            )
        return self.port_ref()

    # guards: '|' binds weaker than '&', which binds weaker than '!' and comparisons
    def guard(self) -> ir.Guard:
        g = self.guard_and()
        while self.accept("|"):
            g = ir.GOr(g, self.guard_and())
        return g

    def guard_and(self) -> ir.Guard:
        g = self.guard_unary()
        while self.accept("&"):
            g = ir.GAnd(g, self.guard_unary())
        return g

    def guard_unary(self) -> ir.Guard:
        if self.accept("!"):
            return ir.GNot(self.guard_unary())
        if self.accept("("):
            g = self.guard()
            self.expect(")", "to close the parenthesised guard")
            return g
        if self.accept("%"):
            if self.accept("["):
                lo = self.number("a cycle number")
                self.expect(":")
                hi = self.number("a cycle number")
                self.expect("]", "to close %[lo:hi]")
                return ir.GStatic(lo, hi)
            n = self.number("a cycle number after '%'")
            return ir.GStatic(n, n + 1)
        left = self.atom()
        t = self.peek()
        if t.kind == "op" and t.text in ("==", "!=", "<", ">", "<=", ">="):
            self.next()
            return ir.GCmp(t.text, left, self.atom())
        return ir.GAtom(left)

    # control --------------------------------------------------------------------------------
    def control_block_body(self) -> ir.Control:
        """Statements up to '}' (consumed); several statements form an implicit seq."""
        stmts = []
        while not self.accept("}"):
            stmts.append(self.control())
        if not stmts:
            return ir.Empty()
        if len(stmts) == 1:
            return stmts[0]
        return ir.Seq(stmts, loc=stmts[0].loc)

    def block(self) -> ir.Control:
        self.expect("{", "to open a block")
        return self.control_block_body()

    def stmt_list(self) -> list[ir.Control]:
        self.expect("{", "to open a block")
        stmts = []
        while not self.accept("}"):
            stmts.append(self.control())
        return stmts

    def control(self) -> ir.Control:
        first = self.peek()
        attrs = self.at_attrs()
        t = self.peek()
        if self.accept(";"):
            # an empty statement, as in Calyx's barriers: `@sync(1);`
            return ir.Empty(attrs, first.loc)
        static = False
        latency = None
        if self.at("static"):
            self.next()
            static = True
            if self.accept("<"):
                latency = self.number("a latency")
                self.expect(">")
        if self.accept("seq"):
            return ir.Seq(self.stmt_list(), static, attrs, t.loc, latency)
        if self.accept("par"):
            return ir.Par(self.stmt_list(), static, attrs, t.loc, latency)
        if self.accept("if"):
            port = self.port_ref()
            cond = (
                self.ident("a comb group name after 'with'").text if self.accept("with") else None
            )
            tb = self.block()
            fb: ir.Control = ir.Empty()
            if self.accept("else"):
                fb = self.control() if self.at("if") else self.block()
            return ir.If(port, cond, tb, fb, static, attrs, t.loc, latency)
        if self.accept("while"):
            if static:
                raise self.error("'while' cannot be static; use 'static repeat n'", t)
            port = self.port_ref()
            cond = (
                self.ident("a comb group name after 'with'").text if self.accept("with") else None
            )
            return ir.While(port, cond, self.block(), attrs, t.loc)
        if self.accept("repeat"):
            n = self.number("a repeat count")
            return ir.Repeat(n, self.block(), static, attrs, t.loc, latency)
        if self.accept("invoke"):
            return self.invoke(static, attrs, t.loc)
        if static:
            raise self.error("expected seq, par, if, repeat or invoke after 'static'")
        if t.kind == "ident":
            self.next()
            self.expect(";", f"after the group enable '{t.text}'")
            return ir.Enable(t.text, attrs, t.loc)
        raise self.error(f"expected a control statement, found {self.describe(t)}")

    def invoke(self, static: bool, attrs: dict[str, int], loc: ir.Loc) -> ir.Invoke:
        cell = self.ident("the name of the cell to invoke").text
        refs: list[tuple[str, str]] = []
        if self.accept("["):
            while not self.at("]"):
                formal = self.ident("a ref cell name").text
                self.expect("=")
                refs.append((formal, self.ident("a cell name").text))
                if not self.accept(","):
                    break
            self.expect("]", "to close the ref cell bindings")
        inputs: list[tuple[str, ir.Atom]] = []
        self.expect("(", "to open the invoke's inputs")
        while not self.at(")"):
            port = self.ident("an input port name").text
            self.expect("=")
            inputs.append((port, self.atom()))
            if not self.accept(","):
                break
        self.expect(")", "to close the invoke's inputs")
        outputs: list[tuple[str, ir.PortRef]] = []
        self.expect("(", "to open the invoke's outputs")
        while not self.at(")"):
            port = self.ident("an output port name").text
            self.expect("=")
            outputs.append((port, self.port_ref()))
            if not self.accept(","):
                break
        self.expect(")", "to close the invoke's outputs")
        comb = self.ident("a comb group name").text if self.accept("with") else None
        self.expect(";", "after the invoke")
        return ir.Invoke(cell, refs, inputs, outputs, comb, static, attrs, loc)


def parse_text(text: str, *, file: str = "<string>"):
    """Parse one file's text: (imports with locations, extern blocks, components)."""
    return Parser(text, file).parse_file()


def parse_path(path: Path):
    """Parse a ``.futil`` file (imports are not followed here)."""
    return parse_text(path.read_text(), file=str(path))
