using MmReplay.Analyze.Validation;
using MmReplay.Ingest;
using MmReplay.Replay;

namespace MmReplay.Analyze.Tests.Validation;

/// <summary>
/// The model against the two shared kernel recordings, on the points their README states as facts: per region the
/// faults by error code and the local flushes must agree exactly, op by op.
/// </summary>
public sealed class SharedRecordingTests
{
    [Fact]
    public void Anon_seq_rand_regions_agree_with_the_kernel()
    {
        var v = Recording.Validate("anon-seq-rand", "trace.txt");
        var a = v.Region("A");
        var b = v.Region("B");

        // A: 256 first writes to not-present anon pages = 256 x 0x6, re-reads fault nothing; munmap: one full flush.
        Assert.Equal(256, a.RecordedFaults[0x6]);
        Assert.Single(a.RecordedFaults);
        Assert.Equal(a.RecordedFaults, a.PredictedFaults);
        Assert.Equal(1, a.RecordedLocalFlushes);
        Assert.Equal(1, a.PredictedLocalFlushes);
        // B: 64 reads of not-present pages = 64 x 0x4 (zero page); 16 writes to them = 16 x 0x7, each replacing the
        // zero-page PTE with a 1-page flush; munmap: one full flush. 16 + 1 = 17 local flushes.
        Assert.Equal(new SortedDictionary<uint, int> { [0x4] = 64, [0x7] = 16 }, b.RecordedFaults);
        Assert.Equal(b.RecordedFaults, b.PredictedFaults);
        Assert.Equal(17, b.RecordedLocalFlushes);
        Assert.Equal(17, b.PredictedLocalFlushes);

        foreach (var (row, page) in v.FaultsIn(b))
        {
            Assert.Equal(Verdict.Agree, row.Fault);
            Assert.Equal(Verdict.Agree, row.Local);
            if (row.Event.ErrorCode == 0x4)
            {
                Assert.Equal(FaultResolution.ZeroPage, row.PredictedResolution);
                Assert.Empty(row.RecordedFlushes!.LocalPages);
            }
            else
            {
                Assert.Equal(0, page % 4); // every 4th page is written
                Assert.Equal(FaultResolution.CowCopy, row.PredictedResolution);
                Assert.Equal([1L], row.RecordedFlushes!.LocalPages);
                Assert.Equal([1L], row.PredictedFlushes!.LocalPages);
            }
        }

        Assert.All(v.FaultsIn(a), f => Assert.Equal(FaultResolution.NewPage, f.Row.PredictedResolution));
        AssertUnmapFlushedFully(v.Report, a);
        AssertUnmapFlushedFully(v.Report, b);
        AssertNoDisagreementInside(v.Report, a, b);
    }

    [Theory]
    [InlineData("trace.txt")]
    [InlineData("trace-cmd-report.txt")]
    public void Fork_cow_region_agrees_with_the_kernel(string file)
    {
        var v = Recording.Validate("fork-cow-tracecmd", file);
        var r = v.Region("R");
        var parent = r.Pid;

        // 64 x 0x6 before fork; after it 16 (parent 0-15) + 24 (child 8-31) + 48 (parent 16-63) = 88 x 0x7.
        Assert.Equal(new SortedDictionary<uint, int> { [0x6] = 64, [0x7] = 88 }, r.RecordedFaults);
        Assert.Equal(r.RecordedFaults, r.PredictedFaults);
        // Local flushes: 16 parent copies + 16 child copies (16-31) + the munmap; the fork's own flush is not in R.
        Assert.Equal(33, r.RecordedLocalFlushes);
        Assert.Equal(33, r.PredictedLocalFlushes);

        // clone flushed the parent once, fully.
        var fork = Assert.Single(v.Report.Rows, row => row.Op == OpCode.Fork);
        Assert.Equal([-1L], fork.RecordedFlushes!.LocalPages);
        Assert.Equal([-1L], fork.PredictedFlushes!.LocalPages);
        Assert.Equal(Verdict.Agree, fork.Local);

        var copies = 0;
        var reuses = 0;
        foreach (var (row, page) in v.FaultsIn(r))
        {
            Assert.Equal(Verdict.Agree, row.Fault);
            Assert.Equal(Verdict.Agree, row.Local);
            if (row.Event.ErrorCode == 0x6)
            {
                Assert.Equal(parent, row.Event.Pid);
                continue;
            }

            // Parent: 0-15 copy away from the shared frames, 16-63 (after the child exited) reuse in place.
            // Child: 8-15 were unshared by the parent first, so the child reuses them; 16-31 copy.
            var copy = row.Event.Pid == parent ? page < 16 : page >= 16;
            Assert.True(copy ? row.PredictedResolution == FaultResolution.CowCopy : row.PredictedResolution == FaultResolution.Reuse,
                $"line {row.Line} pid {row.Event.Pid} page {page}: {row.PredictedResolution}");
            Assert.Equal(copy ? [1L] : [], row.RecordedFlushes!.LocalPages);
            copies += copy ? 1 : 0;
            reuses += copy ? 0 : 1;
        }

        Assert.Equal(32, copies);
        Assert.Equal(56, reuses);
        AssertUnmapFlushedFully(v.Report, r);
        AssertNoDisagreementInside(v.Report, r);
    }

    [Fact]
    public void Both_renderings_of_the_fork_recording_give_the_same_verdicts()
    {
        var tracefs = Recording.Validate("fork-cow-tracecmd", "trace.txt").Report;
        var report = Recording.Validate("fork-cow-tracecmd", "trace-cmd-report.txt").Report;

        Assert.Equal(tracefs.Rows.Select(r => (r.Op, r.Event.Addr, r.Overall)), report.Rows.Select(r => (r.Op, r.Event.Addr, r.Overall)));
        foreach (var kind in Enum.GetValues<ComparisonKind>())
        {
            Assert.Equal(tracefs.Counts(kind).Agree, report.Counts(kind).Agree);
            Assert.Equal(tracefs.Counts(kind).Disagree, report.Counts(kind).Disagree);
        }
    }

    private static void AssertUnmapFlushedFully(ValidationReport report, RegionAgreement region)
    {
        var unmap = Assert.Single(report.Rows, row => row.Op == OpCode.Munmap && row.Event.Addr == region.Start);
        Assert.Equal([-1L], unmap.RecordedFlushes!.LocalPages);
        Assert.Equal([-1L], unmap.PredictedFlushes!.LocalPages);
    }

    private static void AssertNoDisagreementInside(ValidationReport report, params RegionAgreement[] regions)
    {
        foreach (var region in regions)
        {
            Assert.True(region.Agrees);
            Assert.DoesNotContain(report.Rows, row => region.Contains(row.Event.Addr) && row.Overall == Verdict.Disagree);
        }
    }
}
