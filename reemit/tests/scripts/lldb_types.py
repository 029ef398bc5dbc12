# Run inside lldb: for every type name in $REEMIT_NAMES (C tags stripped),
# records `type lookup` in $REEMIT_OUT (records separated by \x1e, fields by
# \x1f: command, name, output or "ERROR: message", also when lldb finds no
# type of that name).
import os

import lldb

names = open(os.environ["REEMIT_NAMES"]).read().splitlines()
interp = lldb.debugger.GetCommandInterpreter()
with open(os.environ["REEMIT_OUT"], "w") as out:
    for name in names:
        bare = name
        for tag in ("struct ", "union ", "enum "):
            if bare.startswith(tag):
                bare = bare[len(tag):]
        res = lldb.SBCommandReturnObject()
        interp.HandleCommand("type lookup " + bare, res)
        text = res.GetOutput() if res.Succeeded() else "ERROR: " + (res.GetError() or "")
        # lldb reports a name it cannot resolve as a successful command: it
        # is not resolved (as gdb's errors), so it is not compared.
        if text.startswith("no type was found matching"):
            text = "ERROR: " + text
        out.write("type lookup\x1f" + name + "\x1f" + text + "\x1e")
