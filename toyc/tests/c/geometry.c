/* C translation of examples/programs/geometry.toy, for the clang -O2 -g
   location-coverage comparison of tests/stepping_stats.rs (DEBUGGING.md). */
#include <stdio.h>

struct Point {
    long x;
    long y;
};

struct Rect {
    struct Point min;
    struct Point max;
};

static const long SCALE = 100;
static const struct Point ORIGIN = {0, 0};

long width(struct Rect r) {
    return r.max.x - r.min.x;
}

long area(struct Rect r, long scale) {
    long w = width(r);
    long h = r.max.y - r.min.y;
    return w * h * scale;
}

int main(void) {
    struct Rect r = {ORIGIN, {3, 4}};
    long a = area(r, SCALE);
    printf("area = %ld\n", a);
    return 0;
}
