typedef void lock_t;
lock_t *lp;
void *vp;
const void *cvp;
const volatile void *cvvp;
