/* C translation of examples/programs/matrix.toy, for the clang -O2 -g
   location-coverage comparison of tests/stepping_stats.rs (DEBUGGING.md). */
#include <stdio.h>

struct Mat {
    double m[2][2];
};

double dot(const struct Mat *a, const struct Mat *b, long i, long j) {
    double s = a->m[i][0] * b->m[0][j];
    s = s + a->m[i][1] * b->m[1][j];
    return s;
}

struct Mat mul(const struct Mat *a, const struct Mat *b) {
    struct Mat r = {{{0.0, 0.0}, {0.0, 0.0}}};
    long i = 0;
    while (i < 2) {
        long j = 0;
        while (j < 2) {
            r.m[i][j] = dot(a, b, i, j);
            j = j + 1;
        }
        i = i + 1;
    }
    return r;
}

int main(void) {
    struct Mat a = {{{1.0, 2.0}, {3.0, 4.0}}};
    struct Mat b = {{{0.5, 0.0}, {0.0, 2.0}}};
    struct Mat c = mul(&a, &b);
    printf("c = [%g %g; %g %g]\n", c.m[0][0], c.m[0][1], c.m[1][0], c.m[1][1]);
    return 0;
}
