using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace MmReplay.Analyze.Compare;

/// <summary>
/// Statistics of paired per-trace deltas (policy minus baseline). MathNet.Numerics gives the descriptive
/// statistics, the normal CDF and the seeded generator; it has no hypothesis tests or bootstrap, so the
/// Wilcoxon signed-rank test and the percentile bootstrap are written here on top of them.
/// </summary>
public static class PairedStatistics
{
    /// <summary>Up to this many non-zero deltas the signed-rank p-value is exact (2^n sign assignments).</summary>
    public const int ExactWilcoxonLimit = 20;

    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : Statistics.Mean(values);

    public static double Median(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : Statistics.Median(values);

    /// <summary>
    /// Percentile bootstrap confidence interval of the mean: resample the deltas with replacement
    /// <paramref name="resamples"/> times from a Xoshiro256** generator seeded with <paramref name="seed"/>.
    /// </summary>
    public static (double Low, double High) BootstrapMeanInterval(IReadOnlyList<double> values, ulong seed, int resamples = 10_000, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var random = new Xoshiro256StarStar(unchecked((int)seed ^ (int)(seed >> 32)), threadSafe: false);
        var means = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < values.Count; i++)
            {
                sum += values[random.Next(values.Count)];
            }

            means[b] = sum / values.Count;
        }

        Array.Sort(means);
        var alpha = (1 - level) / 2;
        return (Statistics.QuantileCustom(means, alpha, QuantileDefinition.R7), Statistics.QuantileCustom(means, 1 - alpha, QuantileDefinition.R7));
    }

    /// <summary>
    /// Two-sided Wilcoxon signed-rank test of "the deltas are symmetric about 0". Zero deltas are dropped
    /// (Wilcoxon's convention); ties get average ranks. Exact over all 2^n sign assignments for n up to
    /// <see cref="ExactWilcoxonLimit"/>, otherwise the normal approximation with tie and continuity corrections.
    /// Returns 1 when every delta is zero (no difference) and NaN when there are no deltas.
    /// </summary>
    public static double WilcoxonSignedRankP(IReadOnlyList<double> deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        var nonZero = new List<double>();
        foreach (var d in deltas)
        {
            if (d != 0 && !double.IsNaN(d))
            {
                nonZero.Add(d);
            }
        }

        if (nonZero.Count == 0)
        {
            return deltas.Count == 0 ? double.NaN : 1.0;
        }

        var ranks = AverageRanksOfAbsolute(nonZero);
        var wPlus = 0.0;
        for (var i = 0; i < nonZero.Count; i++)
        {
            if (nonZero[i] > 0)
            {
                wPlus += ranks[i];
            }
        }

        return nonZero.Count <= ExactWilcoxonLimit ? ExactP(ranks, wPlus) : NormalP(ranks, wPlus);
    }

    private static double[] AverageRanksOfAbsolute(List<double> values)
    {
        var order = new int[values.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => Math.Abs(values[a]).CompareTo(Math.Abs(values[b])));
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && Math.Abs(values[order[end + 1]]) == Math.Abs(values[order[start]]))
            {
                end++;
            }

            var average = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = average;
            }

            start = end + 1;
        }

        return ranks;
    }

    /// <summary>P(|W+ - E| >= |w - E|) over every assignment of signs to the ranks.</summary>
    private static double ExactP(double[] ranks, double wPlus)
    {
        var total = 0.0;
        foreach (var r in ranks)
        {
            total += r;
        }

        var expected = total / 2;
        var observed = Math.Abs(wPlus - expected);
        var assignments = 1L << ranks.Length;
        long extreme = 0;
        for (long mask = 0; mask < assignments; mask++)
        {
            var sum = 0.0;
            for (var i = 0; i < ranks.Length; i++)
            {
                if ((mask & (1L << i)) != 0)
                {
                    sum += ranks[i];
                }
            }

            if (Math.Abs(sum - expected) >= observed - 1e-9)
            {
                extreme++;
            }
        }

        return (double)extreme / assignments;
    }

    private static double NormalP(double[] ranks, double wPlus)
    {
        var n = ranks.Length;
        var mean = n * (n + 1) / 4.0;
        var variance = n * (n + 1) * (2.0 * n + 1) / 24.0;
        // Tie correction: subtract sum(t^3 - t)/48 over groups of tied ranks.
        var sorted = (double[])ranks.Clone();
        Array.Sort(sorted);
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[i])
            {
                j++;
            }

            var t = j - i + 1.0;
            variance -= (t * t * t - t) / 48.0;
            i = j + 1;
        }

        if (variance <= 0)
        {
            return 1.0;
        }

        var z = (Math.Abs(wPlus - mean) - 0.5) / Math.Sqrt(variance);
        return Math.Min(1.0, 2 * (1 - Normal.CDF(0, 1, Math.Max(0, z))));
    }
}
