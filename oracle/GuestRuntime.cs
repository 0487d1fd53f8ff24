using System.Security.Cryptography;

namespace MmReplay.Oracle;

/// <summary>
/// The guest's files, carried in this assembly: the runtime's C source (compiled here once per source version,
/// statically, with the machine's gcc) and the guest's init script.
/// </summary>
public static class GuestRuntime
{
    public static byte[] Source => Resource("mmoracle.c");
    public static byte[] InitScript => Resource("init");

    /// <summary>Returns the static binary for the embedded source, compiling it into the cache when needed.</summary>
    public static async Task<string> BuildAsync(OracleEnvironment environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string gcc = environment.Gcc ?? throw new InvalidOperationException(environment.MissingTools());
        byte[] source = Source;
        string hash = Convert.ToHexStringLower(SHA256.HashData(source))[..16];
        string dir = Path.Combine(environment.CacheDirectory, "runtime", hash);
        string binary = Path.Combine(dir, "mmoracle");
        if (File.Exists(binary))
            return binary;
        Directory.CreateDirectory(dir);
        string sourcePath = Path.Combine(dir, "mmoracle.c");
        await File.WriteAllBytesAsync(sourcePath, source, ct).ConfigureAwait(false);
        string temporary = binary + ".tmp";
        ProcessResult gccRun = await ExternalProcess.RunAsync(gcc,
            ["-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", temporary, sourcePath],
            TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
        if (gccRun.ExitCode != 0)
            throw new InvalidOperationException($"gcc failed on {sourcePath}:\n{gccRun.StandardError}");
        File.Move(temporary, binary, overwrite: true);
        return binary;
    }

    private static byte[] Resource(string name)
    {
        using Stream stream = typeof(GuestRuntime).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from {typeof(GuestRuntime).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
