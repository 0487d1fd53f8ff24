using MmReplay.Analyze.Compare;

namespace MmReplay.Analyze.Tests.Compare;

/// <summary>The statistics MathNet lacks, against values computed by hand.</summary>
public sealed class PairedStatisticsTests
{
    [Fact]
    public void Wilcoxon_all_positive_five_pairs_is_two_over_thirty_two()
    {
        // Ranks 1..5 all positive: W+ = 15, the most extreme of 2^5 = 32 sign assignments; two-sided, the
        // assignments at least as far from E = 7.5 are W+ = 15 and W+ = 0: p = 2/32.
        Assert.Equal(2.0 / 32, PairedStatistics.WilcoxonSignedRankP([1, 2, 3, 4, 5]), 12);
    }

    [Fact]
    public void Wilcoxon_one_negative_of_three_is_one_half()
    {
        // |d| ranks: 1 (the -1), 2, 3. W+ = 5, E = 3. Subset sums of {1,2,3}: 0,1,2,3,3,4,5,6; |W - 3| >= 2
        // for 0, 1, 5, 6: p = 4/8.
        Assert.Equal(0.5, PairedStatistics.WilcoxonSignedRankP([-1, 2, 3]), 12);
    }

    [Fact]
    public void Wilcoxon_drops_zero_deltas_and_averages_tied_ranks()
    {
        // Zeros dropped: {2, -2, 4}. |d| = 2, 2, 4 -> ranks 1.5, 1.5, 3. W+ = 1.5 + 3 = 4.5, E = 3.
        // Subset sums of {1.5, 1.5, 3}: 0, 1.5, 1.5, 3, 3, 4.5, 4.5, 6; |W - 3| >= 1.5 for all but the two 3s: p = 6/8.
        Assert.Equal(0.75, PairedStatistics.WilcoxonSignedRankP([0, 2, -2, 0, 4]), 12);
    }

    [Fact]
    public void Wilcoxon_of_no_difference_is_one_and_of_nothing_is_undefined()
    {
        Assert.Equal(1.0, PairedStatistics.WilcoxonSignedRankP([0, 0, 0]));
        Assert.True(double.IsNaN(PairedStatistics.WilcoxonSignedRankP([])));
    }

    [Fact]
    public void Wilcoxon_normal_approximation_for_many_pairs()
    {
        // 30 positive deltas 1..30: W+ = 465, E = 232.5, Var = 30*31*61/24 = 2363.75, z = (232.5 - 0.5)/48.618 = 4.772,
        // two-sided p = 2 * (1 - Phi(4.772)) = 1.82e-6.
        var deltas = Enumerable.Range(1, 30).Select(i => (double)i).ToList();
        Assert.Equal(1.82e-6, PairedStatistics.WilcoxonSignedRankP(deltas), 7);
    }

    [Fact]
    public void Bootstrap_of_a_constant_is_that_constant_and_is_reproducible()
    {
        Assert.Equal((3.0, 3.0), PairedStatistics.BootstrapMeanInterval([3, 3, 3, 3], seed: 7));
        double[] deltas = [1, 5, 2, 8, 3, 0, 4];
        var a = PairedStatistics.BootstrapMeanInterval(deltas, seed: 42);
        var b = PairedStatistics.BootstrapMeanInterval(deltas, seed: 42);
        var c = PairedStatistics.BootstrapMeanInterval(deltas, seed: 43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // The interval brackets the sample mean 23/7 and stays inside [min, max] of the data.
        Assert.InRange(23.0 / 7, a.Low, a.High);
        Assert.True(a.Low >= 0 && a.High <= 8);
    }

    [Fact]
    public void Mean_and_median_come_from_mathnet()
    {
        Assert.Equal(2.5, PairedStatistics.Mean([1, 2, 3, 4]));
        Assert.Equal(2.5, PairedStatistics.Median([4, 1, 3, 2]));
    }
}
