namespace MmReplay.Ingest.Workloads;

/// <summary>
/// Page indexes drawn from a Zipf law over <c>n</c> ranks (P(rank k) proportional to 1/k^s): a precomputed CDF searched
/// by bisection, O(log n) per sample (MathNet's Zipf sampler walks the whole CDF on every draw: O(n)). Ranks map to
/// pages through a seeded shuffle, so the hot pages are scattered over the region as a real heap's are.
/// </summary>
public sealed class ZipfSampler
{
    private readonly double[] _cdf;
    private readonly int[] _pageOfRank;
    private readonly Random _random;

    public ZipfSampler(int n, double exponent, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        _cdf = new double[n];
        var sum = 0.0;
        for (var k = 1; k <= n; k++)
        {
            sum += Math.Pow(k, -exponent);
            _cdf[k - 1] = sum;
        }

        for (var i = 0; i < n; i++)
        {
            _cdf[i] /= sum;
        }

        _cdf[n - 1] = 1.0; // no rounding gap above the last rank
        _pageOfRank = new int[n];
        for (var i = 0; i < n; i++)
        {
            _pageOfRank[i] = i;
        }

        random.Shuffle(_pageOfRank);
    }

    public int Count => _cdf.Length;

    /// <summary>P(rank &lt;= k) for a 1-based rank (for tests against MathNet's Zipf CDF).</summary>
    public double Cdf(int rank) => _cdf[rank - 1];

    /// <summary>The page holding a 1-based rank (rank 1 = the hottest page).</summary>
    public int PageOfRank(int rank) => _pageOfRank[rank - 1];

    /// <summary>A 1-based rank.</summary>
    public int NextRank()
    {
        var u = _random.NextDouble();
        var i = Array.BinarySearch(_cdf, u);
        // Not found: ~i is the first CDF entry above u. Found exactly: u falls in that rank's own interval's top, take the next.
        i = i < 0 ? ~i : i + 1;
        return Math.Min(i, _cdf.Length - 1) + 1;
    }

    /// <summary>A page index in [0, n).</summary>
    public int Next() => _pageOfRank[NextRank() - 1];
}
