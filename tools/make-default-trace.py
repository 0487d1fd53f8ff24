#!/usr/bin/env python3
"""Writes traces/default.csv: the embedded default trace that `make run` replays.

Every step is a story a kernel MM developer knows; the expected outcomes are derived in
tests/Cli.Tests (EndToEndTests) from the kernel rules cited there. Regenerate with
`python3 tools/make-default-trace.py` and review the diff by hand.
"""
import os

PAGE = 4096
rows = []
t = 0


def op(cpu, pid, tid, name, addr="", length="", args=""):
    global t
    t += 10
    a = f"0x{addr:x}" if isinstance(addr, int) else addr
    rows.append(f"{t},{cpu},{pid},{tid},{name},{a},{length},{args}")


A = 0x10000000   # pid 100: 64-page private anon buffer shared by two threads on two CPUs
B = 0x20000000   # pid 200: 40-page private anon buffer, read first (zero page), then written
C = 0x30000000   # pid 100: 8-page buffer that is made read-only, written (SIGSEGV), then made writable

# 1. pid 100, thread 100 on CPU 0 maps A and writes its first 16 pages: 16 first-touch write faults (0x6).
op(0, 100, 100, "mmap", A, 64 * PAGE, "prot=rw map=private backing=anon")
for i in range(16):
    op(0, 100, 100, "write", A + i * PAGE, PAGE, f"value={i + 1}")
# 2. thread 101 runs on CPU 1 and reads them: the mm is now live on both CPUs (mm_cpumask {0,1}).
for i in range(16):
    op(1, 100, 101, "read", A + i * PAGE, PAGE)
# 3. mprotect the 16 written pages read-only: one 16-page flush, local on CPU 0 and shot down on CPU 1.
op(0, 100, 100, "mprotect", A, 16 * PAGE, "prot=r")
# 4. a read still works; a write now takes a protection fault (0x7) and SIGSEGV (VMA is read-only).
op(1, 100, 101, "read", A + 3 * PAGE, PAGE)
op(1, 100, 101, "write", A + 3 * PAGE, PAGE, "value=99")
# 5. make it writable again (an upgrade never needs a flush) and write the 16 pages once more.
op(0, 100, 100, "mprotect", A, 16 * PAGE, "prot=rw")
for i in range(16):
    op(0, 100, 100, "write", A + i * PAGE, PAGE, f"value={100 + i}")
# 6. the other 48 pages: first touched by recorded faults (a read fault maps the zero page).
for i in range(16, 24):
    op(1, 100, 101, "fault", A + i * PAGE, "", "access=read")
for i in range(16, 24):
    op(1, 100, 101, "write", A + i * PAGE, PAGE, f"value={200 + i}")

# 7. pid 200 on CPU 1: 40 pages read first (40 read faults on the zero page, 0x4) ...
op(1, 200, 200, "mmap", B, 40 * PAGE, "prot=rw map=private backing=anon")
for i in range(40):
    op(1, 200, 200, "read", B + i * PAGE, PAGE)
# ... then every 4th page written: 10 write-protect faults (0x7), each replacing the zero page
# with a new page and flushing that one page (the real anon-seq-rand trace shows exactly this).
for i in range(0, 40, 4):
    op(1, 200, 200, "write", B + i * PAGE, PAGE, f"value={300 + i}")
# 8. read back what was written: values seen are observations.
for i in range(0, 40, 4):
    op(1, 200, 200, "read", B + i * PAGE, PAGE)

# 9. pid 100: C is mapped read-only and written: SIGSEGV without any page being installed.
op(0, 100, 100, "mmap", C, 8 * PAGE, "prot=r map=private backing=anon")
op(0, 100, 100, "write", C, PAGE, "value=7")
op(0, 100, 100, "mprotect", C, 8 * PAGE, "prot=rw")
for i in range(8):
    op(0, 100, 100, "write", C + i * PAGE, PAGE, f"value={400 + i}")
# 10. munmap 4 pages of C (a 4-page flush), then the rest.
op(0, 100, 100, "munmap", C, 4 * PAGE)
op(0, 100, 100, "munmap", C + 4 * PAGE, 4 * PAGE)

# 11. teardown: munmap B (40 pages > 33: widened to a full flush), munmap A (64 pages: full flush).
op(1, 200, 200, "munmap", B, 40 * PAGE)
op(0, 100, 100, "munmap", A, 64 * PAGE)

# 12. pid 300 on CPU 2: a CRIU-style soft-dirty round, a DMA-pinned buffer across fork, and a device.
D = 0x40000000
op(2, 300, 300, "mmap", D, 8 * PAGE, "prot=rw map=private backing=anon")
for i in range(8):
    op(2, 300, 300, "write", D + i * PAGE, PAGE, f"value={500 + i}")
op(2, 300, 300, "clear_refs", "", "", "type=4")
op(2, 300, 300, "pagemap", D, 8 * PAGE)
op(2, 300, 300, "write", D + 2 * PAGE, PAGE, "value=602")
op(2, 300, 300, "write", D + 5 * PAGE, PAGE, "value=605")
op(2, 300, 300, "pagemap", D, 8 * PAGE)
op(2, 300, 300, "pin", D, PAGE, "flags=write|longterm")
op(2, 300, 300, "fork", "", "", "child=301")
op(2, 300, 300, "write", D, PAGE, "value=700")
op(2, 300, 300, "dma_write", D, PAGE, "value=777")
op(2, 300, 300, "read", D, PAGE)
op(3, 301, 301, "read", D, PAGE)
op(3, 301, 301, "exit")
op(2, 300, 300, "unpin", D, PAGE)
op(2, 300, 300, "dev_attach", "", "", "dev=gpu0 kind=ats")
op(2, 300, 300, "dev_read", D + PAGE, PAGE, "dev=gpu0")
op(2, 300, 300, "munmap", D, 8 * PAGE)

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "traces", "default.csv")
with open(out, "w", encoding="utf-8") as f:
    f.write("# mmreplay-trace v1\n")
    f.write("# The embedded default trace (tools/make-default-trace.py): two processes, two CPUs.\n")
    f.write("time_ns,cpu,pid,tid,op,addr,len,args\n")
    f.write("\n".join(rows) + "\n")
print(f"{len(rows)} rows -> {os.path.normpath(out)}")
