namespace MmReplay.Bench;

/// <summary>
/// Page indexes in [0, n) with Zipfian popularity (rank r drawn with probability ∝ 1 / (r+1)^theta), the hot ranks
/// scattered over the range by an odd multiplier (n a power of two, so it is a permutation). This is YCSB's
/// default request distribution ("scrambled zipfian", theta 0.99), drawn with the method of Gray et al.,
/// "Quickly Generating Billion-Record Synthetic Databases" (SIGMOD 1994), written here from the paper's formulas.
/// </summary>
public sealed class ScrambledZipfian
{
    private const ulong Scramble = 0x9E3779B97F4A7C15UL;

    private readonly ulong _n;
    private readonly double _theta;
    private readonly double _alpha;
    private readonly double _zetaN;
    private readonly double _eta;
    private readonly double _half;

    public ScrambledZipfian(ulong n, double theta)
    {
        if (n < 2 || (n & (n - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "n must be a power of two >= 2");
        }

        _n = n;
        _theta = theta;
        _alpha = 1 / (1 - theta);
        _zetaN = Zeta(n, theta);
        _eta = (1 - Math.Pow(2.0 / n, 1 - theta)) / (1 - (Zeta(2, theta) / _zetaN));
        _half = 1 + Math.Pow(0.5, theta);
    }

    public ulong Next(Random rng)
    {
        var u = rng.NextDouble();
        var uz = u * _zetaN;
        ulong rank = uz < 1 ? 0
            : uz < _half ? 1
            : Math.Min(_n - 1, (ulong)(_n * Math.Pow((_eta * u) - _eta + 1, _alpha)));
        return (rank * Scramble) & (_n - 1);
    }

    /// <summary>Fraction of draws that land on the <paramref name="top"/> most popular ranks (for the bench's description).</summary>
    public double MassOfTop(ulong top) => Zeta(Math.Min(top, _n), _theta) / _zetaN;

    private static double Zeta(ulong n, double theta)
    {
        var sum = 0.0;
        for (ulong i = 1; i <= n; i++)
        {
            sum += 1 / Math.Pow(i, theta);
        }

        return sum;
    }
}
