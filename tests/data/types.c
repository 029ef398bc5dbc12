#include <stddef.h>

typedef unsigned long size_type;

enum Color { RED, GREEN = 5, BLUE = -1 };

struct Node;
typedef int (*callback)(struct Node *, const char *, ...);

struct Node {
    struct Node *parent;
    struct Node *children[4];
    double matrix[2][3];
    const volatile int *cv;
    callback cb;
    union {
        int i;
        float f;
    } u;
    struct {
        char tag;
    } inner;
    unsigned flags : 3;
    enum Color color;
    char name[];
};

static int counter;
_Thread_local int tls_value = 3;

static int visit(struct Node *n, const char *fmt, ...) {
    counter++;
    return n ? n->flags : 0;
}

callback get_cb(void) {
    struct Local { int x; } local = { 1 };
    {
        int nested = local.x + counter;
        counter = nested;
    }
    return visit;
}

size_type count(struct Node *n, size_t limit) {
    size_type c = 0;
    for (size_t i = 0; i < 4 && i < limit; i++)
        if (n->children[i])
            c += count(n->children[i], limit);
    return c + 1;
}
