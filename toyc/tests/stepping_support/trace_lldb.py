# lldb Python script of the differential stepping harness in lldb
# (toyc/tests/stepping_lldb.rs): the same trace as trace.py writes for gdb.
#
# Usage: lldb-19 -b --no-lldbinit -o 'command script import trace_lldb.py' \
#            -o 'toy_trace OUT CAP' -- EXE
# Breaks at main, then steps in (SBThread.StepInto) until main returns (or
# CAP steps); a step that lands outside Toy code (libc) is stepped out of
# back to the Toy caller. Output, tab-separated lines, as trace.py's:
#   S <function> <file> <line> <depth>     one per stop (depth: frames from
#                                          main's up, inlined ones included)
#   V <name> <value>                        a value lldb shows
#   O <name>                                unavailable (or unreadable)
#   E done|cap <steps>                      last line
# <function> is lldb's frame name (an inlined frame reports the callee). Only
# variables declared on a line before the stop's line are recorded (a
# parameter always); inner declarations shadow outer ones.
import re

import lldb


class Unavailable(Exception):
    """A value lldb cannot show (or shows from bytes no location describes)."""


def overlaps(holes, off, size):
    return any(off < end and start < off + size for start, end in holes)


def fmt(target, v, depth, off, holes, member=False):
    """A value as a string that does not depend on code or stack addresses,
    as trace.py's `fmt` for gdb: scalars as lldb shows them, aggregates field
    by field, a data pointer as `null` or `->` plus its target (followed one
    level; deeper `ptr`), a function pointer as the function's name, a Toy
    enum's payload as the member its tag names, another union as `union`.
    `off` is the value's byte offset in the variable and `holes` the byte
    ranges of the variable no location describes (lldb reads them as zeros):
    a scalar there is unavailable. A structure lldb shows without members
    although it has a size is unavailable (a variant part, which lldb-19 reads
    only in Rust compile units), unless it is a union's `member` (a Toy enum's
    payload for a variant without data: `{}`)."""
    if not v.IsValid() or v.GetError().Fail():
        raise Unavailable()
    t = v.GetType().GetCanonicalType()
    cls = t.GetTypeClass()
    size = t.GetByteSize()
    if cls == lldb.eTypeClassPointer:
        if overlaps(holes, off, size) or v.GetValue() is None:
            raise Unavailable()
        addr = v.GetValueAsUnsigned()
        if addr == 0:
            return "null"
        pointee = t.GetPointeeType().GetCanonicalType()
        if pointee.GetTypeClass() == lldb.eTypeClassFunction:
            a = target.ResolveLoadAddress(addr)
            name = a.GetFunction().GetName() or a.GetSymbol().GetName()
            return "<%s>" % name if name else "fn?"
        if depth >= 1:
            return "ptr"
        return "->" + fmt(target, v.Dereference(), depth + 1, 0, [])
    if cls == lldb.eTypeClassUnion:
        # Which member is live is not known here (module doc of trace.py).
        if overlaps(holes, off, size):
            raise Unavailable()
        return "union"
    if cls in (lldb.eTypeClassStruct, lldb.eTypeClassClass):
        n = v.GetNumChildren()
        if n == 0 and size > 0 and not member:
            raise Unavailable()
        names = [v.GetChildAtIndex(i).GetName() for i in range(n)]
        parts = []
        for i in range(n):
            c = v.GetChildAtIndex(i)
            name = c.GetName()
            coff = off + t.GetFieldAtIndex(i).GetOffsetInBytes()
            ct = c.GetType().GetCanonicalType()
            if name == "payload" and "tag" in names and ct.GetTypeClass() == lldb.eTypeClassUnion:
                # A Toy enum {tag, payload}: the member the tag names (the
                # tag itself is formatted, so checked, as a field before).
                live = (v.GetChildMemberWithName("tag").GetValue() or "").split("::")[-1]
                member = c.GetChildMemberWithName(live) if live else None
                if member is not None and member.IsValid():
                    parts.append("payload." + live + "=" + fmt(target, member, depth, coff, holes, True))
                    continue
            parts.append("%s=%s" % (name, fmt(target, c, depth, coff, holes)))
        return "{" + ",".join(parts) + "}"
    if cls == lldb.eTypeClassArray:
        n = v.GetNumChildren()
        elem = t.GetArrayElementType().GetByteSize()
        return "[" + ",".join(fmt(target, v.GetChildAtIndex(i), depth, off + i * elem, holes) for i in range(n)) + "]"
    s = v.GetValue()
    if s is None or overlaps(holes, off, size):
        raise Unavailable()
    return s


LOCATION = re.compile(
    r'^\s*Variable: id = \{0x[0-9a-f]+\}, name = "([^"]*)", .*?, location = (.*), '
    r'decl = [^,:]*:(\d+)(?::\d+)?\s*$'
)


def locations(debugger, pc):
    """(name, decl line) -> the DWARF location expressions lldb reads at
    `pc` (`image lookup -va`, the entry of a location list covering pc)."""
    r = lldb.SBCommandReturnObject()
    debugger.GetCommandInterpreter().HandleCommand("image lookup -va 0x%x" % pc, r)
    out = {}
    for line in (r.GetOutput() or "").splitlines():
        m = LOCATION.match(line)
        if m:
            expr = m.group(2)
            if ") -> " in expr:
                expr = expr.split(") -> ", 1)[1]
            out.setdefault((m.group(1), int(m.group(3))), []).append(expr)
    return out


def holes_of(exprs):
    """The byte ranges of a variable its composite location (DW_OP_piece)
    leaves undescribed: empty pieces and everything past the last piece.
    lldb fills them with zeros; they are unavailable."""
    holes = []
    for expr in exprs:
        ops = [o.strip() for o in expr.split(",")]
        if not any(o.startswith("DW_OP_piece") or o.startswith("DW_OP_bit_piece") for o in ops):
            continue
        off, described = 0, False
        for o in ops:
            if o.startswith("DW_OP_bit_piece"):
                # Not emitted by either backend: treat the whole as unknown.
                return [(0, 1 << 62)]
            if o.startswith("DW_OP_piece"):
                size = int(o.split()[1], 0)
                if not described:
                    holes.append((off, off + size))
                off, described = off + size, False
            elif o:
                described = True
        holes.append((off, 1 << 62))
    return holes


def variables(debugger, target, frame, line):
    out = {}
    locs = locations(debugger, frame.GetPC())
    block = frame.GetBlock()
    top = frame.GetFrameBlock()
    while block.IsValid():
        for v in block.GetVariables(frame, True, True, False, lldb.eNoDynamicValues):
            name = v.GetName()
            if name is None or name in out:
                continue
            is_arg = v.GetValueType() == lldb.eValueTypeVariableArgument
            decl = v.GetDeclaration().GetLine()
            if not is_arg and decl >= line:
                continue
            exprs = locs.get((name, decl))
            if exprs is None:
                # No location lldb reads at this pc (a location list not
                # covering it): whatever lldb shows cannot be checked.
                out[name] = None
                continue
            try:
                out[name] = fmt(target, v, 0, 0, holes_of(exprs))
            except Unavailable:
                out[name] = None
        if block == top:
            break
        block = block.GetParent()
    return out


def clean(s):
    """One field of an output line: no tabs or line breaks."""
    return s.replace("\t", " ").replace("\n", " ")


def in_toy(frame):
    spec = frame.GetLineEntry().GetFileSpec()
    return spec.IsValid() and (spec.GetFilename() or "").endswith(".toy")


def toy_caller(thread, index):
    return any(in_toy(thread.GetFrameAtIndex(i)) for i in range(index + 1, thread.GetNumFrames()))


def depth_of(thread):
    """Frames from the top to main's, inlined ones included (gdb's
    backtrace ends at main)."""
    n = thread.GetNumFrames()
    for i in range(n):
        if function_name(thread.GetFrameAtIndex(i)) == "main":
            return i + 1
    return n


def function_name(frame):
    """lldb's frame name without the parameter list and leading `::` it adds
    for some functions of a C++ compile unit (`::sum(Link)` is `sum`; Toy has
    no overloading)."""
    name = frame.GetFunctionName() or "?"
    return name.split("(")[0].lstrip(":") or "?"


def alive(process):
    return process.IsValid() and process.GetState() == lldb.eStateStopped


def step_in(target, thread):
    """One `step`, as gdb's: lldb's StepInto, and when that returns from a
    (not inlined) function into the middle of the caller's line, where lldb
    stops and gdb does not, StepInto again until a line starts."""
    frames = thread.GetNumFrames()
    from_real = not thread.GetFrameAtIndex(0).IsInlined()
    thread.StepInto()
    while alive(thread.GetProcess()) and from_real and thread.GetNumFrames() < frames:
        frame = thread.GetFrameAtIndex(0)
        start = frame.GetLineEntry().GetStartAddress().GetLoadAddress(target)
        if not in_toy(frame) or frame.GetPC() == start:
            break
        frames = thread.GetNumFrames()
        from_real = not frame.IsInlined()
        thread.StepInto()


def toy_trace(debugger, command, result, internal_dict):
    """toy_trace OUT CAP: steps the selected target's program (module doc)."""
    out_path, cap = command.split()
    cap = int(cap)
    debugger.SetAsync(False)
    target = debugger.GetSelectedTarget()
    target.BreakpointCreateByName("main")
    error = lldb.SBError()
    process = target.Launch(debugger.GetListener(), None, None, None, None, None, None, 0, False, error)
    steps = 0
    with open(out_path, "w") as out:
        while alive(process) and steps < cap:
            thread = process.GetSelectedThread()
            frame = thread.GetFrameAtIndex(0)
            if not in_toy(frame):
                # Out of Toy code: back to the Toy caller, or main has returned.
                if not toy_caller(thread, 0):
                    break
                steps += 1
                thread.StepOut()
                continue
            line = frame.GetLineEntry().GetLine()
            if line > 0:
                name = clean(function_name(frame))
                file = clean(frame.GetLineEntry().GetFileSpec().GetFilename())
                out.write("S\t%s\t%s\t%d\t%d\n" % (name, file, line, depth_of(thread)))
                for var, value in sorted(variables(debugger, target, frame, line).items()):
                    if value is None:
                        out.write("O\t%s\n" % clean(var))
                    else:
                        out.write("V\t%s\t%s\n" % (clean(var), clean(value)))
            steps += 1
            step_in(target, thread)
        end = "cap" if steps >= cap else "done"
        out.write("E\t%s\t%d\n" % (end, steps))
    if process.IsValid() and process.GetState() not in (lldb.eStateExited, lldb.eStateDetached):
        process.Kill()


def __lldb_init_module(debugger, internal_dict):
    debugger.HandleCommand("command script add -f %s.toy_trace toy_trace" % __name__)
