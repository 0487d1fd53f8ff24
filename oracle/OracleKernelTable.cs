namespace MmReplay.Oracle;

/// <summary>Reads kernels.tsv, written by tools/oracle/setup.sh: a header, then one tab-separated row per kernel.</summary>
public static class OracleKernelTable
{
    private static readonly string[] Columns = ["series", "package", "version", "debian_version", "vmlinuz", "config", "changelog"];

    public static IReadOnlyDictionary<string, OracleKernel> Load(string path)
    {
        var kernels = new Dictionary<string, OracleKernel>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return kernels;
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != string.Join('\t', Columns))
            throw new FormatException($"{path}:1: expected the header '{string.Join(' ', Columns)}'");
        for (int i = 1; i < lines.Length; i++)
        {
            string[] f = lines[i].Split('\t');
            if (f.Length != Columns.Length)
                throw new FormatException($"{path}:{i + 1}: expected {Columns.Length} tab-separated fields, found {f.Length}");
            kernels[f[0]] = new OracleKernel(f[0], f[2], f[1], f[4], f[5], f[6].Length == 0 ? null : f[6]);
        }
        return kernels;
    }
}
