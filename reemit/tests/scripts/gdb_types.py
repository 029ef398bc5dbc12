# Run inside gdb: for every type name in $REEMIT_NAMES, records `ptype` and
# `whatis` in $REEMIT_OUT (records separated by \x1e, fields by \x1f: command,
# name, output or "ERROR: message"). $REEMIT_LANG is gdb's `set language`.
# The type is found with gdb.lookup_type (gdb's Rust parser cannot parse
# generic paths) and printed as a zero-filled value of it held by gdb
# (`ptype $t`: nothing is read from memory, which a .o does not have).
import os

import gdb

names = open(os.environ["REEMIT_NAMES"]).read().splitlines()
gdb.execute("set language " + os.environ["REEMIT_LANG"])
gdb.execute("set width 0")
gdb.execute("set height 0")
with open(os.environ["REEMIT_OUT"], "w") as out:
    for name in names:
        try:
            t = gdb.lookup_type(name)
            gdb.set_convenience_variable("t", gdb.Value(bytes(t.sizeof), t))
            found = True
        except (gdb.error, RuntimeError) as e:
            found = "ERROR: " + str(e)
        for cmd in ("ptype", "whatis"):
            if found is True:
                try:
                    text = gdb.execute(cmd + " $t", to_string=True)
                except gdb.error as e:
                    text = "ERROR: " + str(e)
            else:
                text = found
            out.write(cmd + "\x1f" + name + "\x1f" + text + "\x1e")
            out.flush()
