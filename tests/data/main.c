struct List;
int sum(struct List *head);

int main(void) {
    return sum(0);
}
