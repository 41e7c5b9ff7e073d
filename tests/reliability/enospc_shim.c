/* Disk-full injection for the fault tests (LD_PRELOAD, tests only): once more than
 * TENDO_FAULT_ENOSPC_AFTER bytes have been written to files below TENDO_FAULT_DIR, every further
 * write there fails with ENOSPC, as on a full disk. Other files (stderr, /tmp) are untouched. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static atomic_llong written_bytes;

static int in_fault_dir(int fd) {
    const char* dir = getenv("TENDO_FAULT_DIR");
    if (!dir || !*dir)
        return 0;
    char link[64];
    char target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0)
        return 0;
    target[n] = '\0';
    const size_t len = strlen(dir);
    return strncmp(target, dir, len) == 0 && (target[len] == '/' || target[len] == '\0');
}

/* 1 when this write of `count` bytes must fail. */
static int disk_full(int fd, size_t count) {
    const char* limit = getenv("TENDO_FAULT_ENOSPC_AFTER");
    if (!limit || !in_fault_dir(fd))
        return 0;
    const long long total = atomic_fetch_add(&written_bytes, (long long)count) + (long long)count;
    if (total <= atoll(limit))
        return 0;
    errno = ENOSPC;
    return 1;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void* buffer, size_t count) {
    if (disk_full(fd, count))
        return -1;
    return REAL(write)(fd, buffer, count);
}

ssize_t pwrite(int fd, const void* buffer, size_t count, off_t offset) {
    if (disk_full(fd, count))
        return -1;
    return REAL(pwrite)(fd, buffer, count, offset);
}

ssize_t pwrite64(int fd, const void* buffer, size_t count, off_t offset) {
    if (disk_full(fd, count))
        return -1;
    return REAL(pwrite64)(fd, buffer, count, offset);
}

ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
    size_t count = 0;
    for (int i = 0; i < iovcnt; ++i)
        count += iov[i].iov_len;
    if (disk_full(fd, count))
        return -1;
    return REAL(writev)(fd, iov, iovcnt);
}
