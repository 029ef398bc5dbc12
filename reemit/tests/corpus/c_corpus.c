/* Corpus for the re-emission test: glibc headers and C's own types. */
#include <dirent.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <time.h>

struct flags {
    unsigned int ready : 1;
    unsigned int mode : 3;
    signed int delta : 5;
    unsigned long long wide : 40;
    unsigned char tail;
};

struct packet {
    uint16_t len;
    union {
        uint32_t word;
        uint8_t bytes[4];
    };
    struct {
        int a, b;
    } pair;
    char payload[];
};

typedef struct node {
    const char *name;
    volatile int counter;
    int *restrict out;
    _Atomic long hits;
    struct node *next;
    double matrix[2][3];
    int (*callback)(const char *, ...);
} node_t;

enum level { LOW = -1, MID = 0, HIGH = 1000000 };

int main(void) {
    struct flags f = {1, 5, -3, 123, 9};
    struct packet *p = malloc(sizeof(struct packet) + 4);
    node_t n = {0};
    enum level l = HIGH;
    pthread_mutex_t m;
    pthread_attr_t attr;
    sigset_t set;
    struct sigaction sa;
    struct sockaddr_in addr;
    struct sockaddr_storage storage;
    struct stat st;
    DIR *dir = NULL;
    struct dirent *ent = NULL;
    regex_t re;
    regmatch_t match;
    FILE *fp = stdout;
    struct timespec ts;
    atomic_int ai = 0;
    printf("%p %p %p %d %p %p %p %p %p %p %p %p %p %p %p %p %p %d\n", (void *)&f, (void *)p,
           (void *)&n, (int)l, (void *)&m, (void *)&attr, (void *)&set, (void *)&sa,
           (void *)&addr, (void *)&storage, (void *)&st, (void *)dir, (void *)ent, (void *)&re,
           (void *)&match, (void *)fp, (void *)&ts, atomic_load(&ai));
    free(p);
    return 0;
}
