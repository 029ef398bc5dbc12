struct List {
    int value;
    struct List *next;
};

int sum(struct List *head) {
    int total = 0;
    while (head) {
        total += head->value;
        head = head->next;
    }
    return total;
}
