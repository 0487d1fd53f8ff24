using MmReplay.Oracle;

namespace MmReplay.Oracle.Tests;

public sealed class GuestReportParserTests
{
    [Fact]
    public void Parses_traces_observations_and_pagemap_bits()
    {
        // Lines as the guest writes them (the tty adds \r); one trace ends, the second never does.
        const string text =
            "K 6.1.0-56-amd64\r\n" +
            "B 0 /traces/0000.ops\r\n" +
            "O 3 100 pagemap 10000000 80000000000000 -1\r\n" +
            "O 6 100 pagemap 10000000 8100000000002a6f -1\r\n" +
            "O 7 200 write 10000000 2a 1\r\n" +
            "E 0 0\r\n" +
            "B 1 /traces/0001.ops\r\n" +
            "O 4 100 segv 10000000 b -1\r\n" +
            "F  mmoracle-1 [000] page_fault_user: address=0x10000000\r\n";

        GuestReport report = GuestReportParser.Parse(new StringReader(text));

        Assert.Equal("6.1.0-56-amd64", report.KernelRelease);
        Assert.False(report.Finished); // no Z line
        Assert.Equal(2, report.Traces.Count);
        TraceRun first = report.Traces[0];
        Assert.Equal(0, first.ExitStatus);
        Assert.Equal("/traces/0000.ops", first.Name);
        Assert.Equal(3, first.Observations.Count);
        // 0x0080000000000000: only bit 55 (soft-dirty), not present.
        KernelObservation fresh = first.Observations[0];
        Assert.True(fresh.SoftDirty);
        Assert.False(fresh.Present);
        Assert.Equal(0UL, fresh.Pfn);
        // 0x8100000000002a6f: bits 63 (present) and 56 (exclusive), pfn 0x2a6f.
        KernelObservation written = first.Observations[1];
        Assert.True(written.Present && written.Exclusive);
        Assert.False(written.SoftDirty || written.FileOrShared || written.Swapped || written.UffdWp);
        Assert.Equal(0x2a6fUL, written.Pfn);
        Assert.Equal(new KernelObservation(7, 200, ObservationKind.Write, 0x10000000, 0x2a, 1), first.Observations[2]);
        TraceRun second = report.Traces[1];
        Assert.Null(second.ExitStatus);
        Assert.Equal(ObservationKind.Segv, Assert.Single(second.Observations).Kind);
        Assert.Equal(11UL, second.Observations[0].Value);
        Assert.Single(report.Ftrace);
    }

    [Theory]
    [InlineData("B 0 x\nO 3 100 peek 10 0 -1\n", "line 2", "peek")]
    [InlineData("B 0 x\nO 3 100 read zz 0 -1\n", "line 2", "addr")]
    [InlineData("O 3 100 read 10 0 -1\n", "line 1", "outside a trace")]
    [InlineData("B 0 x\nE 1 0\n", "line 2", "end of trace 1")]
    [InlineData("Q\n", "line 1", "unknown record")]
    public void Bad_lines_are_rejected_naming_the_line_and_field(string text, string line, string detail)
    {
        var e = Assert.Throws<FormatException>(() => GuestReportParser.Parse(new StringReader(text)));
        Assert.Contains(line, e.Message);
        Assert.Contains(detail, e.Message);
    }
}
