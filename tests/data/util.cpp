namespace util {
struct List {
    long value;
    List *next;
    long sum() const;
};

long List::sum() const {
    long total = 0;
    for (const List *p = this; p; p = p->next)
        total += p->value;
    return total;
}
}

namespace {
int hidden(util::List &l) { return (int)l.sum(); }
}

int entry(util::List &&l, long util::List::*pm) { return hidden(l) + (int)(l.*pm); }
