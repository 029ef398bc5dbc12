# gdb Python script of the differential stepping harness (toyc/tests/stepping.rs).
#
# Usage: gdb -batch -nx -ex 'py TRACE_OUT="out.txt"; TRACE_CAP=N' -x trace.py --args EXE
# Breaks at main's first line, then `step`s until main returns (or TRACE_CAP
# steps); a step that lands outside Toy code (libc) is finished back to the Toy
# caller. Output, tab-separated lines:
#   S <function> <file> <line> <depth>     one per stop (depth: frames on the
#                                          stack, inlined ones included), then:
#   V <name> <value>                        a value gdb shows
#   O <name>                                <optimized out> (or unreadable)
#   E done|cap <steps>                      last line
# <function> is gdb's frame name (an inlined frame reports the callee). <value>
# is the variable's value as a string (see `fmt`). Only variables declared on a line before the
# stop's line are recorded (a variable whose `let` has not run yet holds garbage
# at -O0); inner declarations shadow outer ones.
import gdb

gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set width 0")
gdb.execute("set print elements 0")

OPTIMIZED = None


def fmt(v, depth):
    """A value as a string that does not depend on code or stack addresses:
    scalars as gdb prints them, aggregates field by field, a data pointer as
    `null` or `->` plus its target (followed one level; deeper `ptr`), a function
    pointer as the function's name, a Toy enum's payload as the member its tag
    names, another union as `union`, a variant part as its active variant
    (without the artificial discriminant; unresolved: unavailable).
    gdb marks an aggregate optimized out when any of its bits are (padding
    between fields without a location, too), so only the shown parts are
    checked: an aggregate is unavailable if a field or element is."""
    t = v.type.strip_typedefs()
    code = t.code
    if v.is_optimized_out and code not in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_ARRAY):
        raise ValueError("optimized out")
    if code == gdb.TYPE_CODE_PTR:
        target = t.target().strip_typedefs()
        if int(v) == 0:
            return "null"
        if target.code == gdb.TYPE_CODE_FUNC:
            s = str(v)
            return s[s.find("<"):] if "<" in s else "fn?"
        if depth >= 1:
            return "ptr"
        return "->" + fmt(v.dereference(), depth + 1)
    if code == gdb.TYPE_CODE_UNION:
        # Which member is live is not known here: its bytes may be another
        # member's pointer (an address that differs between builds).
        return "union"
    if code == gdb.TYPE_CODE_STRUCT:
        fields = [f for f in t.fields() if not f.is_base_class and f.name]
        plain = [f for f in fields if not (f.artificial and ft_scalar(f.type))]
        if len(plain) > 1 and len(plain) < len(fields):
            # A variant part gdb did not resolve (it shows every variant):
            # no value to compare, counted as unavailable.
            raise ValueError("unresolved variant")
        names = [f.name for f in t.fields()]
        parts = []
        for f in t.fields():
            if f.is_base_class or not f.name:
                continue
            if f.artificial and ft_scalar(f.type):
                # A variant part's discriminant: redundant with the variant
                # gdb shows, and for a niche it is a pointer (an address).
                continue
            ft = f.type.strip_typedefs()
            if f.name == "payload" and "tag" in names and ft.code == gdb.TYPE_CODE_UNION:
                # A Toy enum {tag, payload}: the member the tag names.
                live = str(v["tag"]).split("::")[-1]
                if live in [m.name for m in ft.fields()]:
                    parts.append("payload." + live + "=" + fmt(v[f][live], depth))
                    continue
            parts.append(f.name + "=" + fmt(v[f], depth))
        return "{" + ",".join(parts) + "}"
    if code == gdb.TYPE_CODE_ARRAY:
        lo, hi = t.range()
        return "[" + ",".join(fmt(v[i], depth) for i in range(lo, hi + 1)) + "]"
    s = str(v)
    if s == "<synthetic pointer>":
        # gdb's text for the bits of a composite location (DW_OP_piece)
        # past its last piece: undescribed, i.e. optimized out (neither
        # backend emits DW_OP_implicit_pointer).
        raise ValueError("optimized out")
    return s


def ft_scalar(t):
    return t.strip_typedefs().code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_PTR)


def variables(frame, line):
    out = {}
    try:
        block = frame.block()
    except RuntimeError:
        return out
    while block is not None:
        for sym in block:
            if not (sym.is_variable or sym.is_argument) or sym.name in out:
                continue
            if not sym.is_argument and sym.line >= line:
                continue
            try:
                out[sym.name] = fmt(sym.value(frame), 0)
            except (gdb.error, ValueError, gdb.MemoryError):
                out[sym.name] = OPTIMIZED
        if block.function is not None:
            break
        block = block.superblock
    return out


def clean(s):
    """One field of an output line: no tabs or line breaks."""
    return s.replace("\t", " ").replace("\n", " ")


def alive():
    inf = gdb.selected_inferior()
    return inf.pid != 0 and len(inf.threads()) > 0


# Stepping stays in Toy code: functions of other sources are stepped over.
gdb.execute("skip -gfi *.c")
gdb.execute("skip -gfi *.S")


def in_toy(frame):
    sal = frame.find_sal()
    return sal.symtab is not None and sal.symtab.filename.endswith(".toy")


def toy_caller(frame):
    f = frame.older()
    while f is not None:
        if in_toy(f):
            return True
        f = f.older()
    return False


gdb.execute("break main")
gdb.execute("run", to_string=True)
steps = 0
with open(TRACE_OUT, "w") as out:
    while alive() and steps < TRACE_CAP:
        frame = gdb.selected_frame()
        sal = frame.find_sal()
        if not in_toy(frame):
            # Out of Toy code: back to the Toy caller, or main has returned.
            if not toy_caller(frame):
                break
            steps += 1
            try:
                gdb.execute("finish", to_string=True)
            except gdb.error:
                break
            continue
        if sal.line > 0:
            name = clean(frame.name() or "?")
            depth, f = 0, frame
            while f is not None:
                depth, f = depth + 1, f.older()
            out.write("S\t%s\t%s\t%d\t%d\n" % (name, clean(sal.symtab.filename.split("/")[-1]), sal.line, depth))
            for var, value in sorted(variables(frame, sal.line).items()):
                if value is OPTIMIZED:
                    out.write("O\t%s\n" % clean(var))
                else:
                    out.write("V\t%s\t%s\n" % (clean(var), clean(value)))
        steps += 1
        try:
            gdb.execute("step", to_string=True)
        except gdb.error:
            break
    end = "cap" if steps >= TRACE_CAP else "done"
    out.write("E\t%s\t%d\n" % (end, steps))
