/*
 * mmoracle: the guest side of the kernel oracle. A data-driven interpreter: it reads op lists written by
 * the host translator (oracle/OpListWriter.cs, format in docs/oracle.md), performs each op with the real
 * system calls and prints what the kernel shows as observation lines on stdout (the second serial port).
 *
 *   mmoracle FILE.ops...      runs each op list in its own process tree, one after the other
 *
 * Every trace process is a real process; the trace's total order is kept by passing a token (the index of
 * the next op) through one pipe per trace pid, so exactly one process runs at a time.
 *
 * Fault counts come from getrusage(RUSAGE_THREAD) around each single-page access. So that the runtime's
 * own memory never faults inside that window, every process "settles" (touches its non-trace pages) after
 * anything that may have write-protected or unmapped them: start, fork, clear_refs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/userfaultfd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAX_OPS 65536
#define MAX_PIDS 256
#define MAX_FILES 64
#define MAX_REGIONS 1024
#define MAX_PINS 64
#define TRACE_TIMEOUT_SECONDS 120

/* PAGEMAP_SCAN (v6.7) and UFFD_FEATURE_WP_ASYNC (v6.7) are newer than the build machine's headers. */
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
struct mmo_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
struct mmo_page_region {
    uint64_t start, end, categories;
};
#define MMO_PAGEMAP_SCAN _IOWR('f', 16, struct mmo_scan_arg)
#define MMO_PAGE_IS_WRITTEN (1 << 1)
#define MMO_SCAN_WP_MATCHING (1 << 0)
#define MMO_SCAN_CHECK_WPASYNC (1 << 1)

/* mmap op flags (second argument), set by the translator. */
#define MF_SHARED 1
#define MF_FILE 2
#define MF_POPULATE 4
#define MF_HUGEPAGE 8

enum opcode {
    OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MADVISE, OP_MREMAP, OP_READ, OP_WRITE, OP_FORK, OP_EXIT,
    OP_CLEAR_REFS, OP_PAGEMAP, OP_PIN, OP_UNPIN, OP_DMA_READ, OP_DMA_WRITE, OP_UFFD_WP, OP_PAGEMAP_SCAN,
};
static const char *const op_names[] = {
    "mmap", "munmap", "mprotect", "madvise", "mremap", "read", "write", "fork", "exit",
    "clear_refs", "pagemap", "pin", "unpin", "dma_read", "dma_write", "uffd_wp", "pagemap_scan",
};

struct op {
    long line;
    int pid;
    int code;
    uint64_t addr, len, a, b, c, d;
};

struct region {
    uint64_t start, end;
};

struct pin {
    uint64_t start, end;
    int ring;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
};

/* One trace's state; a forked process inherits a copy, which is exactly the per-process view it needs. */
static struct op ops[MAX_OPS];
static int op_count;
static int pids[MAX_PIDS], pid_count;
static int pid_initial[MAX_PIDS]; /* 1: the process exists from the start; 0: a fork op creates it */
static int wake_read[MAX_PIDS], wake_write[MAX_PIDS];
static int done_pipe[2];
static int file_ids[MAX_FILES], file_fds[MAX_FILES], file_count;
static uint64_t file_sizes[MAX_FILES];
static int scratch_fd = -1; /* the "device" end of DMA: io_uring fixed reads and writes go through it */
static struct region regions[MAX_REGIONS]; /* trace mappings of this process: never touched by settle() */
static int region_count;
static struct pin pins[MAX_PINS];
static int pin_count;
static int uffd_sync = -1, uffd_async = -1;
static int my_pid; /* the trace's pid of this process */

static sigjmp_buf access_jump;
static volatile sig_atomic_t access_signal, in_access;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mmoracle: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

/* One write(2) per line: lines of different processes never interleave, and nothing waits in a buffer. */
static void emit(const struct op *op, const char *kind, uint64_t addr, uint64_t value, long faults)
{
    char buf[160];
    int n = snprintf(buf, sizeof buf, "O %ld %d %s %llx %llx %ld\n", op->line, op->pid, kind,
                     (unsigned long long)addr, (unsigned long long)value, faults);
    if (write(STDOUT_FILENO, buf, (size_t)n) != n)
        _exit(3);
}

static void emit_error(const struct op *op, int err)
{
    emit(op, "error", op->addr, (uint64_t)err, -1);
}

static int pid_index(int pid)
{
    for (int i = 0; i < pid_count; i++)
        if (pids[i] == pid)
            return i;
    die("pid %d not declared", pid);
    return -1;
}

static int file_fd(int id)
{
    for (int i = 0; i < file_count; i++)
        if (file_ids[i] == id)
            return file_fds[i];
    die("file %d not declared", id);
    return -1;
}

/* --- parsing ------------------------------------------------------------------------------------- */

static int op_code(const char *name)
{
    for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
        if (strcmp(name, op_names[i]) == 0)
            return (int)i;
    return -1;
}

static void load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    char line[512], word[32];
    int lineno = 0;
    op_count = pid_count = file_count = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "%31s", word) != 1)
            continue;
        if (strcmp(word, "pid") == 0) {
            if (pid_count == MAX_PIDS || sscanf(line, "pid %d %d", &pids[pid_count], &pid_initial[pid_count]) != 2)
                die("%s:%d: bad pid line", path, lineno);
            pid_count++;
        } else if (strcmp(word, "file") == 0) {
            unsigned long long size;
            if (file_count == MAX_FILES || sscanf(line, "file %d %llu", &file_ids[file_count], &size) != 2)
                die("%s:%d: bad file line", path, lineno);
            file_sizes[file_count++] = size;
        } else if (strcmp(word, "op") == 0) {
            struct op *op = &ops[op_count];
            char name[32];
            unsigned long long addr, len, a, b, c, d;
            if (op_count == MAX_OPS ||
                sscanf(line, "op %ld %d %31s %llx %llx %llx %llx %llx %llx", &op->line, &op->pid, name, &addr,
                       &len, &a, &b, &c, &d) != 9)
                die("%s:%d: bad op line", path, lineno);
            op->code = op_code(name);
            if (op->code < 0)
                die("%s:%d: unknown op %s", path, lineno, name);
            op->addr = addr, op->len = len, op->a = a, op->b = b, op->c = c, op->d = d;
            op_count++;
        } else if (strcmp(word, "mmoracle") != 0) {
            die("%s:%d: unknown line", path, lineno);
        }
    }
    fclose(f);
    if (pid_count == 0)
        die("%s: no pid line", path);
}

/* --- the runtime's own memory ---------------------------------------------------------------------- */

static int overlaps_trace(uint64_t start, uint64_t end)
{
    for (int i = 0; i < region_count; i++)
        if (start < regions[i].end && regions[i].start < end)
            return 1;
    return 0;
}

/*
 * Touch every page of the runtime's own mappings (text, data, heap, stack, rings), writing back the value
 * read where the mapping is private and writable: that breaks COW after fork and re-arms write access after
 * clear_refs, so a measured access never counts a fault of ours. Trace regions are left alone.
 */
static void settle(void)
{
    static char maps[65536];
    int fd = open("/proc/self/maps", O_RDONLY);
    if (fd < 0)
        die("open maps: %s", strerror(errno));
    size_t used = 0;
    ssize_t n;
    while (used < sizeof maps - 1 && (n = read(fd, maps + used, sizeof maps - 1 - used)) > 0)
        used += (size_t)n;
    close(fd);
    maps[used] = 0;
    for (char *line = maps; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        unsigned long long start, end;
        char perms[8] = "";
        if (sscanf(line, "%llx-%llx %7s", &start, &end, perms) == 3 && perms[0] == 'r' &&
            !strstr(line, "[vvar") && !strstr(line, "[vsyscall]") && !strstr(line, "[vdso]") &&
            !overlaps_trace(start, end)) {
            int private_writable = perms[1] == 'w' && perms[3] == 'p';
            for (uint64_t p = start; p < end; p += PAGE) {
                volatile uint8_t *b = (volatile uint8_t *)(uintptr_t)p;
                uint8_t v = *b;
                if (private_writable)
                    *b = v;
            }
        }
        line = next;
    }
}

static void add_region(uint64_t start, uint64_t len)
{
    if (region_count == MAX_REGIONS)
        die("too many regions");
    regions[region_count].start = start;
    regions[region_count].end = start + len;
    region_count++;
}

/* Regions only grow in this list (unmapped ranges stay listed): that only makes settle() more careful. */

/* --- single-page accesses, with fault counting and SIGSEGV/SIGBUS caught --------------------------------- */

static void on_access_signal(int sig)
{
    if (!in_access) {
        /* A fault of the runtime itself: die as the signal would have killed us. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    in_access = 0;
    access_signal = sig;
    siglongjmp(access_jump, 1);
}

static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_minflt + ru.ru_majflt;
}

/* Returns the fault count, or -1 with access_signal set when the access raised a signal. */
static long access_page(uint64_t addr, int write, uint64_t *value)
{
    access_signal = 0;
    if (sigsetjmp(access_jump, 1))
        return -1;
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
    long before = minor_faults();
    in_access = 1;
    if (write)
        *p = *value;
    else
        *value = *p;
    in_access = 0;
    return minor_faults() - before;
}

static void do_access(const struct op *op, int write)
{
    for (uint64_t a = op->addr; a < op->addr + op->len; a += PAGE) {
        uint64_t value = op->a;
        long faults = access_page(a, write, &value);
        if (faults < 0) {
            /* The signal ends the access, as in the model: the trace's process would not go on to the next page. */
            emit(op, "segv", a, (uint64_t)access_signal, -1);
            break;
        }
            emit(op, write ? "write" : "read", a, write ? op->a : value, faults);
    }
}

/* --- pagemap, clear_refs, PAGEMAP_SCAN ---------------------------------------------------------------- */

static void do_pagemap(const struct op *op)
{
    int fd = open("/proc/self/pagemap", O_RDONLY);
    if (fd < 0) {
        emit_error(op, errno);
        return;
    }
    for (uint64_t a = op->addr; a < op->addr + op->len; a += PAGE) {
        uint64_t entry;
        if (pread(fd, &entry, sizeof entry, (off_t)(a / PAGE * sizeof entry)) != sizeof entry) {
            emit_error(op, errno);
            break;
        }
        emit(op, "pagemap", a, entry, -1);
    }
    close(fd);
}

static void do_clear_refs(const struct op *op)
{
    char text[4];
    int n = snprintf(text, sizeof text, "%d", (int)op->a);
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    if (fd < 0 || write(fd, text, (size_t)n) != n)
        emit_error(op, errno);
    if (fd >= 0)
        close(fd);
    settle();
}

static void do_pagemap_scan(const struct op *op)
{
    static struct mmo_page_region vec[512];
    int fd = open("/proc/self/pagemap", O_RDONLY);
    if (fd < 0) {
        emit_error(op, errno);
        return;
    }
    struct mmo_scan_arg arg = {
        .size = sizeof arg,
        .flags = op->a ? MMO_SCAN_WP_MATCHING | MMO_SCAN_CHECK_WPASYNC : 0,
        .start = op->addr,
        .end = op->addr + op->len,
        .vec = (uint64_t)(uintptr_t)vec,
        .vec_len = sizeof vec / sizeof vec[0],
        .category_mask = MMO_PAGE_IS_WRITTEN,
        .return_mask = MMO_PAGE_IS_WRITTEN,
    };
    long regions_found = ioctl(fd, MMO_PAGEMAP_SCAN, &arg);
    close(fd);
    if (regions_found < 0) {
        emit_error(op, errno);
        return;
    }
    for (uint64_t a = op->addr; a < op->addr + op->len; a += PAGE) {
        int written = 0;
        for (long i = 0; i < regions_found; i++)
            if (a >= vec[i].start && a < vec[i].end)
                written = 1;
        emit(op, "scan", a, (uint64_t)written, -1);
    }
}

/* --- userfaultfd write-protect -------------------------------------------------------------------------- */

static int open_uffd(int async)
{
    int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    struct uffdio_api api = {.api = UFFD_API, .features = async ? UFFD_FEATURE_WP_ASYNC : 0};
    if (ioctl(fd, UFFDIO_API, &api) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/*
 * Only the asynchronous mode is executable: in the synchronous mode a write to a protected page waits for a
 * handler, and the single-threaded interpreter would wait for itself. The translator skips sync uffd_wp.
 */
static void do_uffd_wp(const struct op *op)
{
    int *fd = op->b ? &uffd_async : &uffd_sync;
    if (*fd < 0 && (*fd = open_uffd((int)op->b)) < 0) {
        emit_error(op, errno);
        return;
    }
    struct uffdio_register reg = {.range = {.start = op->addr, .len = op->len}, .mode = UFFDIO_REGISTER_MODE_WP};
    if (op->a && ioctl(*fd, UFFDIO_REGISTER, &reg) < 0) {
        emit_error(op, errno);
        return;
    }
    struct uffdio_writeprotect wp = {.range = {.start = op->addr, .len = op->len},
                                     .mode = op->a ? UFFDIO_WRITEPROTECT_MODE_WP : 0};
    if (ioctl(*fd, UFFDIO_WRITEPROTECT, &wp) < 0)
        emit_error(op, errno);
}

/* --- pins and DMA through io_uring fixed buffers --------------------------------------------------------- */

/* io_uring_register may return EINTR when a signal (SIGCHLD of an exited trace child) is pending: retry. */
static long ring_register(int ring, unsigned opcode, void *arg, unsigned count)
{
    long r;
    do
        r = syscall(SYS_io_uring_register, ring, opcode, arg, count);
    while (r < 0 && errno == EINTR);
    return r;
}

static void *ring_map(int fd, size_t size, off_t offset)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
    return p == MAP_FAILED ? NULL : p;
}

/* Registering a fixed buffer pins its pages with FOLL_WRITE | FOLL_LONGTERM (pin_user_pages). */
static void do_pin(const struct op *op)
{
    if (pin_count == MAX_PINS)
        die("too many pins");
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    int ring = (int)syscall(SYS_io_uring_setup, 4, &params);
    if (ring < 0) {
        emit_error(op, errno);
        return;
    }
    size_t sq_size = params.sq_off.array + params.sq_entries * sizeof(unsigned);
    size_t cq_size = params.cq_off.cqes + params.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = ring_map(ring, sq_size, IORING_OFF_SQ_RING);
    char *cq = ring_map(ring, cq_size, IORING_OFF_CQ_RING);
    void *sqes = ring_map(ring, params.sq_entries * sizeof(struct io_uring_sqe), IORING_OFF_SQES);
    if (!sq || !cq || !sqes) {
        emit_error(op, errno);
        close(ring);
        return;
    }
    struct iovec iov = {.iov_base = (void *)(uintptr_t)op->addr, .iov_len = op->len};
    if (ring_register(ring, IORING_REGISTER_BUFFERS, &iov, 1) < 0) {
        emit_error(op, errno);
        close(ring);
        return;
    }
    struct pin *p = &pins[pin_count++];
    p->start = op->addr;
    p->end = op->addr + op->len;
    p->ring = ring;
    p->sq_tail = (unsigned *)(sq + params.sq_off.tail);
    p->sq_mask = (unsigned *)(sq + params.sq_off.ring_mask);
    p->sq_array = (unsigned *)(sq + params.sq_off.array);
    p->cq_head = (unsigned *)(cq + params.cq_off.head);
    p->cq_tail = (unsigned *)(cq + params.cq_off.tail);
    p->cq_mask = (unsigned *)(cq + params.cq_off.ring_mask);
    p->cqes = (struct io_uring_cqe *)(cq + params.cq_off.cqes);
    p->sqes = sqes;
}

static struct pin *find_pin(uint64_t start, uint64_t end)
{
    for (int i = 0; i < pin_count; i++)
        if (pins[i].ring >= 0 && start >= pins[i].start && end <= pins[i].end)
            return &pins[i];
    return NULL;
}

static void do_unpin(const struct op *op)
{
    struct pin *p = find_pin(op->addr, op->addr + op->len);
    if (!p) {
        emit_error(op, ENOENT);
        return;
    }
    /* Unregister is synchronous; closing the ring alone would unpin later, from a workqueue. */
    if (ring_register(p->ring, IORING_UNREGISTER_BUFFERS, NULL, 0) < 0)
        emit_error(op, errno);
    close(p->ring);
    p->ring = -1;
}

/* Submit one fixed read or write between the pinned buffer and the scratch file at offset 0. */
static long ring_submit(struct pin *p, int opcode, uint64_t addr, uint64_t len)
{
    unsigned tail = *p->sq_tail, index = tail & *p->sq_mask;
    struct io_uring_sqe *sqe = &p->sqes[index];
    memset(sqe, 0, sizeof *sqe);
    sqe->opcode = (uint8_t)opcode;
    sqe->fd = scratch_fd;
    sqe->addr = addr;
    sqe->len = (uint32_t)len;
    sqe->off = 0;
    sqe->buf_index = 0;
    p->sq_array[index] = index;
    __atomic_store_n(p->sq_tail, tail + 1, __ATOMIC_RELEASE);
    long entered;
    do
        entered = syscall(SYS_io_uring_enter, p->ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
    while (entered < 0 && errno == EINTR);
    return entered < 0 ? -errno : 0;
}

/* The completion of the one request in flight: waits until it is posted (a wait may end early on a signal). */
static long ring_complete(struct pin *p)
{
    unsigned head = *p->cq_head;
    while (head == __atomic_load_n(p->cq_tail, __ATOMIC_ACQUIRE)) {
        if (syscall(SYS_io_uring_enter, p->ring, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0 && errno != EINTR)
            return -errno;
    }
    long res = p->cqes[head & *p->cq_mask].res;
    __atomic_store_n(p->cq_head, head + 1, __ATOMIC_RELEASE);
    return res;
}

/*
 * One fixed read or write, waited for. A request can complete with -EAGAIN when the machine is busy (seen on 6.12
 * under load); the device would retry, so the runtime does too, a bounded number of times.
 */
static long ring_io(struct pin *p, int opcode, uint64_t addr, uint64_t len)
{
    long res = -EAGAIN;
    for (int attempt = 0; attempt < 100 && res == -EAGAIN; attempt++) {
        res = ring_submit(p, opcode, addr, len);
        if (res == 0)
            res = ring_complete(p);
    }
    return res;
}

/* dma_write: the device writes the value into each page (READ_FIXED from the scratch file into the buffer). */
static void do_dma_write(const struct op *op)
{
    struct pin *p = find_pin(op->addr, op->addr + op->len);
    if (!p) {
        emit_error(op, ENOENT);
        return;
    }
    for (uint64_t off = 0; off < op->len; off += PAGE) {
        static uint8_t page[PAGE];
        memset(page, 0, sizeof page);
        memcpy(page, &op->a, sizeof op->a);
        if (pwrite(scratch_fd, page, PAGE, (off_t)off) != (ssize_t)PAGE)
            die("scratch write: %s", strerror(errno));
    }
    long res = ring_io(p, IORING_OP_READ_FIXED, op->addr, op->len);
    if (res != (long)op->len)
        emit_error(op, res < 0 ? (int)-res : EIO);
}

/* dma_read: the device reads each page (WRITE_FIXED from the buffer to the scratch file); one value per page. */
static void do_dma_read(const struct op *op)
{
    struct pin *p = find_pin(op->addr, op->addr + op->len);
    if (!p) {
        emit_error(op, ENOENT);
        return;
    }
    long res = ring_io(p, IORING_OP_WRITE_FIXED, op->addr, op->len);
    if (res != (long)op->len) {
        emit_error(op, res < 0 ? (int)-res : EIO);
        return;
    }
    for (uint64_t off = 0; off < op->len; off += PAGE) {
        uint64_t value;
        if (pread(scratch_fd, &value, sizeof value, (off_t)off) != sizeof value)
            die("scratch read: %s", strerror(errno));
        emit(op, "dma_read", op->addr + off, value, -1);
    }
}

/* --- address-space changes ----------------------------------------------------------------------------- */

static void do_mmap(const struct op *op)
{
    int flags = MAP_FIXED | ((op->b & MF_SHARED) ? MAP_SHARED : MAP_PRIVATE);
    int fd = -1;
    if (op->b & MF_FILE)
        fd = file_fd((int)op->c);
    else
        flags |= MAP_ANONYMOUS;
    if (op->b & MF_POPULATE)
        flags |= MAP_POPULATE;
    add_region(op->addr, op->len);
    void *p = mmap((void *)(uintptr_t)op->addr, op->len, (int)op->a, flags, fd, (off_t)(op->d * PAGE));
    if (p == MAP_FAILED)
        emit_error(op, errno);
    else if ((op->b & MF_HUGEPAGE) && madvise(p, op->len, MADV_HUGEPAGE) < 0)
        emit_error(op, errno);
}

static void do_mremap(const struct op *op)
{
    uint64_t new_len = op->b ? op->b : op->len;
    add_region(op->a, new_len);
    void *p = mremap((void *)(uintptr_t)op->addr, op->len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
                     (void *)(uintptr_t)op->a);
    if (p == MAP_FAILED)
        emit_error(op, errno);
}

/* --- processes and the token ----------------------------------------------------------------------------- */

static void wait_token(int *next)
{
    int index;
    if (read(wake_read[pid_index(my_pid)], &index, sizeof index) != sizeof index)
        _exit(4);
    *next = index;
}

/* Hand the next op to its process, or report the end of the trace to the supervisor. */
static void pass_token(int next)
{
    int fd = next < op_count ? wake_write[pid_index(ops[next].pid)] : done_pipe[1];
    if (write(fd, &next, sizeof next) != sizeof next)
        _exit(5);
}

static void forget_pins_after_fork(void)
{
    /* The rings belong to the parent's mm; the child must not unregister them. */
    for (int i = 0; i < pin_count; i++)
        if (pins[i].ring >= 0)
            close(pins[i].ring);
    pin_count = 0;
    if (uffd_sync >= 0)
        close(uffd_sync);
    if (uffd_async >= 0)
        close(uffd_async);
    uffd_sync = uffd_async = -1;
}

static void run_from(int index);

static void execute(const struct op *op)
{
    switch (op->code) {
    case OP_MMAP: do_mmap(op); break;
    case OP_MUNMAP:
        if (munmap((void *)(uintptr_t)op->addr, op->len) < 0)
            emit_error(op, errno);
        break;
    case OP_MPROTECT:
        if (mprotect((void *)(uintptr_t)op->addr, op->len, (int)op->a) < 0)
            emit_error(op, errno);
        break;
    case OP_MADVISE:
        if (madvise((void *)(uintptr_t)op->addr, op->len, (int)op->a) < 0)
            emit_error(op, errno);
        break;
    case OP_MREMAP: do_mremap(op); break;
    case OP_READ: do_access(op, 0); break;
    case OP_WRITE: do_access(op, 1); break;
    case OP_CLEAR_REFS: do_clear_refs(op); break;
    case OP_PAGEMAP: do_pagemap(op); break;
    case OP_PIN: do_pin(op); break;
    case OP_UNPIN: do_unpin(op); break;
    case OP_DMA_READ: do_dma_read(op); break;
    case OP_DMA_WRITE: do_dma_write(op); break;
    case OP_UFFD_WP: do_uffd_wp(op); break;
    case OP_PAGEMAP_SCAN: do_pagemap_scan(op); break;
    default: die("op %d not handled here", op->code);
    }
}

static void run_from(int index)
{
    for (;;) {
        const struct op *op = &ops[index];
        if (op->code == OP_FORK) {
            pid_t child = fork();
            if (child < 0) {
                emit_error(op, errno);
            } else if (child == 0) {
                my_pid = (int)op->a;
                forget_pins_after_fork();
                settle();
                wait_token(&index);
                continue;
            } else {
                settle();
            }
        } else if (op->code == OP_EXIT) {
            /* Tear the trace's memory down before the next op runs: _exit after passing the token would race with it
             * (seen on a loaded host: the parent's pagemap still counted the dying child's mappings, bit 56 clear). */
            for (int i = 0; i < pin_count; i++)
                if (pins[i].ring >= 0) {
                    ring_register(pins[i].ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
                    close(pins[i].ring);
                }
            for (int i = 0; i < region_count; i++)
                munmap((void *)(uintptr_t)regions[i].start, regions[i].end - regions[i].start);
            pass_token(index + 1);
            _exit(0);
        } else {
            execute(op);
        }
        index++;
        if (index < op_count && ops[index].pid == my_pid)
            continue;
        pass_token(index);
        if (index >= op_count)
            _exit(0);
        wait_token(&index);
    }
}

/* --- one trace ------------------------------------------------------------------------------------------- */

static int make_memfd(const char *name, uint64_t size)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
        die("memfd %s: %s", name, strerror(errno));
    return fd;
}

static uint64_t max_dma_bytes(void)
{
    uint64_t bytes = PAGE;
    for (int i = 0; i < op_count; i++)
        if ((ops[i].code == OP_DMA_READ || ops[i].code == OP_DMA_WRITE) && ops[i].len > bytes)
            bytes = ops[i].len;
    return bytes;
}

/*
 * Waits for the end of the trace: the process that runs the last op writes its index (>= 0) to done_pipe and
 * exits. A trace process whose child dies abnormally reports it there too (a negative value, see on_child);
 * processes the supervisor reaps itself (the root, orphans adopted as subreaper) are checked here. Any
 * failure or the timeout ends the trace. Returns 0, 1 (a process failed), or 2 (timeout).
 */
static int supervise(pid_t root)
{
    close(done_pipe[1]);
    struct pollfd done = {.fd = done_pipe[0], .events = POLLIN};
    int result = -1;
    for (int waited_ms = 0; result < 0; waited_ms += 100) {
        if (poll(&done, 1, 100) > 0) {
            int end;
            result = read(done_pipe[0], &end, sizeof end) == sizeof end && end >= 0 ? 0 : 1;
            break;
        }
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                result = 1;
        if (waited_ms >= TRACE_TIMEOUT_SECONDS * 1000)
            result = 2;
    }
    /* Processes still waiting for a token (no exit op in the trace) end with the trace. */
    kill(-root, SIGKILL);
    while (wait(NULL) > 0)
        ;
    return result;
}

/* In trace processes: reap exited children (exit ops) and report one that died any other way. */
static void on_child(int sig)
{
    (void)sig;
    int saved = errno, status;
    while (waitpid(-1, &status, WNOHANG) > 0) {
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            int failure = -1;
            if (write(done_pipe[1], &failure, sizeof failure) < 0)
                _exit(6);
        }
    }
    errno = saved;
}

/* Runs in a fresh supervisor process per trace, so one trace's state never leaks into the next. */
static int run_trace(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (pipe(done_pipe) < 0)
        die("pipe: %s", strerror(errno));
    for (int i = 0; i < pid_count; i++) {
        int fds[2];
        if (pipe(fds) < 0)
            die("pipe: %s", strerror(errno));
        wake_read[i] = fds[0];
        wake_write[i] = fds[1];
    }
    for (int i = 0; i < file_count; i++)
        file_fds[i] = make_memfd("trace-file", file_sizes[i]);
    scratch_fd = make_memfd("dma-scratch", max_dma_bytes());

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_access_signal;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    pid_t root = fork();
    if (root < 0)
        die("fork: %s", strerror(errno));
    if (root == 0) {
        sa.sa_handler = on_child;
        sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
        sigaction(SIGCHLD, &sa, NULL);
        setpgid(0, 0);
        my_pid = pids[0];
        /* Processes that the trace never forks exist from the start: fresh copies of the runtime. */
        for (int i = 1; i < pid_count; i++) {
            if (pid_initial[i] && fork() == 0) {
                my_pid = pids[i];
                break;
            }
        }
        settle();
        int index = 0;
        if (op_count == 0)
            _exit(0);
        if (my_pid == pids[0] && ops[0].pid != my_pid)
            pass_token(0);
        if (ops[0].pid != my_pid)
            wait_token(&index);
        run_from(index);
    }
    setpgid(root, root);
    return supervise(root);
}

int main(int argc, char **argv)
{
    for (int t = 1; t < argc; t++) {
        load(argv[t]);
        printf("B %d %s\n", t - 1, argv[t]);
        fflush(stdout);
        pid_t supervisor = fork();
        if (supervisor == 0)
            _exit(run_trace());
        int status = 0;
        waitpid(supervisor, &status, 0);
        printf("E %d %d\n", t - 1, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        fflush(stdout);
    }
    return 0;
}
