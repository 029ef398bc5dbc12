#!/bin/sh
# Regenerates the committed object-file fixtures for the renderer tests.
# Needs gcc/g++ 12 and clang-19 (Debian bookworm: apt-get install gcc g++ clang-19).
# The fixtures are committed so that the tests do not depend on the local
# compilers; rerun this only when changing the C sources, then review the
# rendering changes.
set -eu
cd "$(dirname "$0")"
MAP="-fdebug-prefix-map=$(pwd)=/build/fixtures"
for v in 4 5; do
    gcc -g -gdwarf-$v $MAP -c list.c -o list.gcc.dwarf$v.o
    gcc -g -gdwarf-$v $MAP -c types.c -o types.gcc.dwarf$v.o
    gcc -O2 -g -gdwarf-$v $MAP -c types.c -o types.gcc.O2.dwarf$v.o
    clang-19 -g -gdwarf-$v $MAP -c list.c -o list.clang.dwarf$v.o
    clang-19 -O2 -g -gdwarf-$v $MAP -c types.c -o types.clang.O2.dwarf$v.o
done
g++ -g $MAP -c util.cpp -o util.gcc.dwarf5.o
clang++-19 -g $MAP -c util.cpp -o util.clang.dwarf5.o
gcc -g $MAP list.c main.c -o list.gcc.exe
# Type units in COMDAT sections: several .debug_info/.debug_types sections.
g++ -g -fdebug-types-section $MAP -c util.cpp -o util.gcc.types.dwarf5.o
g++ -g -gdwarf-4 -fdebug-types-section $MAP -c util.cpp -o util.gcc.types.dwarf4.o
clang++-19 -g -fdebug-types-section $MAP -c util.cpp -o util.clang.types.dwarf5.o
