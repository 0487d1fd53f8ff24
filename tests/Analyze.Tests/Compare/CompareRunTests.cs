using MmReplay.Analyze.Compare;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Tests.Compare;

/// <summary>compare on a tiny hand-written dataset: three traces, two policies, values chosen by hand.</summary>
public sealed class CompareRunTests
{
    private static string Dataset()
    {
        var dataset = Path.Combine(Path.GetTempPath(), "mmreplay-compare-tests", Guid.NewGuid().ToString("n"));
        // flushes: baseline a = 10, 20, 30; policy b = 8, 17, 30. recall only defined on t1 and t2.
        Partition(dataset, "a", "t1", """{ "flushes": 10, "recall": 0.5 }""");
        Partition(dataset, "a", "t2", """{ "flushes": 20, "recall": 1 }""");
        Partition(dataset, "a", "t3", """{ "flushes": 30 }""");
        Partition(dataset, "b", "t1", """{ "flushes": 8, "recall": 1 }""");
        Partition(dataset, "b", "t2", """{ "flushes": 17, "recall": 1 }""");
        Partition(dataset, "b", "t3", """{ "flushes": 30 }""");
        return dataset;
    }

    private static void Partition(string dataset, string policy, string trace, string metrics)
    {
        var dir = Path.Combine(dataset, "policy=" + policy, "trace=" + trace);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "manifest.json"),
            $$"""{ "policy": { "name": "{{policy}}" }, "trace": { "name": "{{trace}}" }, "seed": 5, "metrics": {{metrics}} }""");
    }

    [Fact]
    public void Deltas_means_medians_and_p_values_match_the_hand_computation()
    {
        var dataset = Dataset();
        var output = Path.Combine(dataset, "..", Guid.NewGuid().ToString("n"));
        var report = Path.Combine(output, "report.md");

        var rows = CompareRun.Run(new CompareOptions { Dataset = dataset, Baseline = "a", OutputDirectory = output, ReportPath = report });

        // flushes: deltas -2, -3, 0 -> mean -5/3, median -2; Wilcoxon drops the 0: ranks 1 (-2), 2 (-3), W+ = 0,
        // E = 1.5, subset sums {0,1,2,3}: |W - 1.5| >= 1.5 for 0 and 3 -> p = 2/4.
        var flushes = rows.Single(r => r.Metric == "flushes");
        Assert.Equal(("b", "a", 3), (flushes.Policy, flushes.Baseline, flushes.Traces));
        Assert.Equal(-5.0 / 3, flushes.MeanDelta, 12);
        Assert.Equal(-2.0, flushes.MedianDelta);
        Assert.Equal(20.0, flushes.BaselineMean);
        Assert.Equal(55.0 / 3, flushes.PolicyMean, 12);
        Assert.Equal(0.5, flushes.PValue, 12);
        Assert.InRange(flushes.MeanDelta, flushes.CiLow, flushes.CiHigh);
        Assert.True(flushes.CiLow >= -3 && flushes.CiHigh <= 0);

        // recall: only t1 and t2 have it under both: deltas +0.5, 0 -> mean 0.25, median 0.25, one non-zero
        // delta: W+ = 1 of {0, 1}: p = 1.
        var recall = rows.Single(r => r.Metric == "recall");
        Assert.Equal(2, recall.Traces);
        Assert.Equal(0.25, recall.MeanDelta, 12);
        Assert.Equal(0.25, recall.MedianDelta, 12);
        Assert.Equal(1.0, recall.PValue, 12);

        using (var reader = ArrowReader.Open(Path.Combine(output, "comparison.arrow"), new ArrowReaderOptions { Strict = true }))
        {
            var batch = reader.ReadRecordBatches().Single();
            Assert.Equal(2, batch.Length);
            Assert.Equal("flushes", batch.Column("metric").GetString(0));
            Assert.Equal(-5.0 / 3, batch.Column("mean_delta").GetDouble(0), 12);
        }

        using (var reader = ArrowReader.Open(Path.Combine(output, "comparison_traces.arrow"), new ArrowReaderOptions { Strict = true }))
        {
            // 3 flushes pairs + 2 recall pairs
            Assert.Equal(5, reader.ReadRecordBatches().Sum(b => b.Length));
        }

        Assert.Contains("| flushes | b | 3 | 20 | 18.3333 | -1.6667 | -2 |", File.ReadAllText(report), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_baseline_names_what_the_dataset_has()
    {
        var error = Assert.Throws<ArgumentException>(() => CompareRun.Run(new CompareOptions { Dataset = Dataset(), Baseline = "zz", OutputDirectory = Path.GetTempPath() }));
        Assert.Contains("it has: a, b", error.Message, StringComparison.Ordinal);
    }
}
