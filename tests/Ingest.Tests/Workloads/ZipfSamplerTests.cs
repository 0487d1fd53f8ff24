using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using MmReplay.Ingest.Workloads;

namespace MmReplay.Ingest.Tests.Workloads;

public sealed class ZipfSamplerTests
{
    [Theory]
    [InlineData(100, 1.0)]
    [InlineData(1000, 0.8)]
    [InlineData(50, 2.0)]
    public void Cdf_table_matches_mathnet_zipf(int n, double s)
    {
        var zipf = new ZipfSampler(n, s, new Xoshiro256StarStar(1));
        foreach (var k in new[] { 1, 2, n / 2, n - 1, n })
        {
            Assert.Equal(Zipf.CDF(s, n, k), zipf.Cdf(k), 9);
        }
    }

    [Fact]
    public void Exponent_zero_is_uniform()
    {
        // MathNet's Zipf needs s > 0; at s = 0 every rank weighs 1, so P(rank <= k) = k / n.
        var zipf = new ZipfSampler(40, 0.0, new Xoshiro256StarStar(1));
        Assert.Equal(0.025, zipf.Cdf(1), 12);
        Assert.Equal(0.5, zipf.Cdf(20), 12);
        Assert.Equal(1.0, zipf.Cdf(40), 12);
    }

    [Fact]
    public void Draws_follow_the_law_and_ranks_map_to_distinct_pages()
    {
        // n = 100, s = 1: P(rank 1) = 1 / H(100) = 0.1928, P(rank 2) = 0.0964. 200 000 draws: standard error
        // sqrt(p(1-p)/N) < 0.001, so +-0.005 is a generous five sigma.
        const int Draws = 200_000;
        var zipf = new ZipfSampler(100, 1.0, new Xoshiro256StarStar(3));
        var counts = new int[101];
        for (var i = 0; i < Draws; i++)
        {
            counts[zipf.NextRank()]++;
        }

        Assert.Equal(0, counts[0]);
        Assert.Equal(0.1928, counts[1] / (double)Draws, 0.005);
        Assert.Equal(0.0964, counts[2] / (double)Draws, 0.005);
        Assert.Equal(Enumerable.Range(0, 100), Enumerable.Range(1, 100).Select(zipf.PageOfRank).Order());
    }
}
