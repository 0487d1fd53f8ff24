namespace MmReplay.Arrow.Tests;

/// <summary>Seeds for randomized tests: MMREPLAY_TEST_SEED=n replays one case.</summary>
internal static class TestSeed
{
    public static int[] Pick(params int[] defaults) =>
        int.TryParse(Environment.GetEnvironmentVariable("MMREPLAY_TEST_SEED"), out var seed) ? [seed] : defaults;
}
