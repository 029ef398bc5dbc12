/* C translation of examples/programs/linked_list.toy, for the clang -O2 -g
   location-coverage comparison of tests/stepping_stats.rs (DEBUGGING.md). */
#include <stdio.h>
#include <stdlib.h>

struct Node {
    long value;
    struct Node *next;
};

struct Node *push(struct Node *list, long value) {
    struct Node *node = malloc(sizeof *node);
    node->value = value;
    node->next = list;
    return node;
}

long sum(struct Node *list) {
    long total = 0;
    struct Node *cur = list;
    while (cur != NULL) {
        total = total + cur->value;
        cur = cur->next;
    }
    return total;
}

int main(void) {
    struct Node *list = NULL;
    long i = 1;
    while (i <= 4) {
        list = push(list, i * 10);
        i = i + 1;
    }
    long total = sum(list);
    printf("sum = %ld\n", total);
    return 0;
}
