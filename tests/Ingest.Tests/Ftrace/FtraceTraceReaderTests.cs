using MmReplay.Ingest.Ftrace;

namespace MmReplay.Ingest.Tests.Ftrace;

/// <summary>The ftrace reader behind TraceReaders.Open: detection by content, row accounting, rejects, strict mode.</summary>
public sealed class FtraceTraceReaderTests
{
    [Theory]
    [InlineData("anon-seq-rand", "trace.txt")]
    [InlineData("fork-cow-tracecmd", "trace.txt")]
    [InlineData("fork-cow-tracecmd", "trace-cmd-report.txt")]
    public async Task Open_detects_ftrace_by_content_and_accounts_for_every_line(string recording, string file)
    {
        var path = SharedTraces.PathOf(recording, file);
        var (expected, stats, _) = SharedTraces.Parse(recording, file);
        // Copied under a .txt-less name: detection must not depend on the file name.
        using var copy = new TraceFile(await File.ReadAllTextAsync(path), "recording");
        var sink = new ListRejectSink();
        using var reader = TraceReaders.Open(copy.Path, new TraceReaderOptions { BatchSize = 64 }, sink);

        var events = await TraceReaders.ReadAllAsync(reader);

        Assert.IsType<FtraceTraceReader>(reader);
        Assert.Equal(TraceFormat.Ftrace, reader.Info.Format);
        Assert.Equal(expected, events);
        var lines = File.ReadLines(path).LongCount();
        var info = reader.Info;
        Assert.Equal(lines, info.RowsRead);
        Assert.Equal(events.Count, info.EventsEmitted);
        Assert.Equal(0, info.RowsRejected);
        Assert.Empty(sink.Rejections);
        // These recordings have no vfork: every emitting line emits one event, so the CSV invariant holds exactly.
        Assert.Equal(info.RowsRead, info.EventsEmitted + info.RowsRejected + info.RowsIgnored);
        Assert.Equal(stats.IgnoredLines, info.RowsIgnored);
        Assert.Equal(new FileInfo(path).Length, info.BytesRead);
    }

    [Fact]
    public async Task Malformed_lines_go_to_the_reject_sink_with_line_number_and_reason()
    {
        // Line 1 header, 2 a fault (one op), 3 cut before its timestamp, 4 a tlb_flush (one op), 5 no prefix.
        const string text = """
            # tracer: nop
             wl-7   [000] d....   1.000001: page_fault_user: address=0x7f0000001000 ip=0x1 error_code=0x6
             wl-7   [000] d....   1.0000
             wl-7   [000] d..3.   1.000003: tlb_flush: pages:1 reason:local MM shootdown (3)
            garbage without a task column

            """;
        using var file = new TraceFile(text, "t.txt");
        var (events, rejects, info) = file.Read();

        Assert.Equal([OpCode.Fault, OpCode.TlbFlush], events.Select(e => e.Op));
        Assert.Equal([3L, 5L], rejects.Select(r => r.Line));
        Assert.Equal("bad or missing timestamp", rejects[0].Reason);
        Assert.Equal("no COMM-PID [CPU] prefix", rejects[1].Reason);
        Assert.Equal("garbage without a task column", rejects[1].RawText);
        Assert.All(rejects, r => Assert.Equal(file.Path, r.File));
        Assert.Equal(5, info.RowsRead);
        Assert.Equal(2, info.RowsRejected);
        Assert.Equal(1, info.RowsIgnored); // the header
        Assert.Equal(info.RowsRead, info.EventsEmitted + info.RowsRejected + info.RowsIgnored);
    }

    [Fact]
    public void Strict_stops_at_the_first_malformed_line()
    {
        const string text = """
             wl-7   [000] d....   1.000001: page_fault_user: address=0x7f0000001000 ip=0x1 error_code=0x6
             wl-7   [000] d..3.   1.000003: tlb_flush: pages:x reason:local MM shootdown (3)
             wl-7   [000] d..3.   1.000004: tlb_flush: pages:1 reason:local MM shootdown (3)

            """;
        using var file = new TraceFile(text, "t.txt");

        var error = Assert.Throws<TraceRejectedException>(() => file.Read(strict: true));

        Assert.Equal(2, error.Rejection.Line);
        Assert.Equal("tlb_flush: bad pages value", error.Rejection.Reason);
    }

    [Fact]
    public void Syscall_windows_pair_each_entry_with_the_next_exit_of_its_tid()
    {
        // tid 7 munmaps with a flush inside; tid 8's exit has no entry (tracing started inside the call): no window.
        const string text = """
             wl-7   [000] .....   1.000001: sys_munmap(addr: 0x7f0000000000, len: 0x2000)
             wl-8   [001] .....   1.000002: sys_mmap -> 0x7f0000100000
             wl-7   [000] d..1.   1.000003: tlb_flush: pages:2 reason:local MM shootdown (3)
             wl-7   [000] .....   1.000004: sys_munmap -> 0x0
             wl-7   [000] .....   1.000005: sys_io_uring_enter(fd: 3, to_submit: 1, min_complete: 0, flags: 0, argp: 0, argsz: 0)
             wl-7   [000] .....   1.000006: sys_io_uring_enter -> 0x1

            """;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        var reader = new FtraceReader(stream, "t.txt", new FtraceReaderOptions { KeepSyscallWindows = true });
        var batch = new EventBatch();
        reader.FillBatch(batch);
        batch.Release();

        Assert.Equal(
            [
                new FtraceSyscallWindow(7, 0, 1, 4, SyscallKind.Munmap, 0),
                new FtraceSyscallWindow(7, 0, 5, 6, SyscallKind.IoUringEnter, 1),
            ],
            reader.SyscallWindows);
    }
}
