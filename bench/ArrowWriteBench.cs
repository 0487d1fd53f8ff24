using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MmReplay.Arrow;

namespace MmReplay.Bench;

/// <summary>
/// 10 M rows × 5 columns (int64, int64, float64, bool, dictionary) through <see cref="ArrowWriter"/>'s
/// row-by-row builder API into memory-speed output, side by side with arrow-js <c>tableToIPC</c> on the
/// same columns (tools/arrow-interop/bench-write.mjs) in the same run. Median of 3 after a warm-up.
/// </summary>
public sealed class ArrowWriteBench : IBenchSuite
{
    private const int Rows = 10_000_000;
    private const int Runs = 3;
    private static readonly string[] Ops = ["read", "write", "mmap", "munmap", "fork"];

    public string Name => "arrow-write";

    public string Description => "Arrow IPC file writer, 10 M rows x 5 columns, vs arrow-js tableToIPC";

    public async Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        var lines = new List<string>();
        WriteOnce(Rows); // warm-up (JIT, buffers)
        var ours = new double[Runs];
        long bytes = 0;
        for (var r = 0; r < Runs; r++)
        {
            var clock = Stopwatch.StartNew();
            bytes = WriteOnce(Rows);
            ours[r] = clock.Elapsed.TotalSeconds;
        }

        var ourSeconds = Median(ours);
        lines.Add(Line("ArrowWriter row-wise", bytes, ourSeconds));

        // Column-wise from prebuilt arrays, like arrow-js gets its data: the serializer's own speed.
        var columns = new Columns(Rows);
        WriteColumnwise(columns);
        var bulk = new double[Runs];
        for (var r = 0; r < Runs; r++)
        {
            var clock = Stopwatch.StartNew();
            WriteColumnwise(columns);
            bulk[r] = clock.Elapsed.TotalSeconds;
        }

        var bulkSeconds = Median(bulk);
        lines.Add(Line("ArrowWriter column-wise", bytes, bulkSeconds));

        var js = await RunArrowJsAsync(cancel);
        if (js is { } reference)
        {
            lines.Add(Line("arrow-js tableToIPC", reference.Bytes, reference.Seconds));
            var jsRate = reference.Bytes / reference.Seconds;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"ratio ours / arrow-js (MB/s): row-wise {bytes / ourSeconds / jsRate:F2}x, column-wise {bytes / bulkSeconds / jsRate:F2}x"));
        }
        else
        {
            lines.Add("arrow-js: not run (node or tools/arrow-interop/node_modules missing; run npm ci)");
        }

        return lines;
    }

    private static readonly ArrowSchema Schema = new(
    [
        new ArrowField("time", ArrowType.Int64, nullable: false),
        new ArrowField("addr", ArrowType.Int64, nullable: false),
        new ArrowField("cost", ArrowType.Float64, nullable: false),
        new ArrowField("hit", ArrowType.Bool, nullable: false),
        new ArrowField("op", ArrowType.DictionaryUtf8, nullable: false, dictionaryValues: Ops),
    ]);

    /// <summary>Write the table row by row (the analyzers' path) to a discarding stream; returns the bytes produced.</summary>
    private static long WriteOnce(int rows)
    {
        using var writer = new ArrowWriter(Stream.Null, Schema);
        var time = writer.Int64(0);
        var addr = writer.Int64(1);
        var cost = writer.Float64(2);
        var hit = writer.Bool(3);
        var op = writer.Dictionary(4);
        for (var i = 0; i < rows; i++)
        {
            time.Append(i * 1000L);
            addr.Append((long)((ulong)i * 2654435761UL) & ((1L << 47) - 1));
            cost.Append(i * 0.5);
            hit.Append(i % 3 == 0);
            op.Append(i % 5);
            writer.EndRow();
        }

        writer.Complete();
        return writer.BytesWritten;
    }

    private static void WriteColumnwise(Columns data)
    {
        using var writer = new ArrowWriter(Stream.Null, Schema);
        var chunk = writer.Options.BatchRows;
        for (var start = 0; start < Rows; start += chunk)
        {
            var n = Math.Min(chunk, Rows - start);
            writer.Int64(0).AppendRange(data.Time.AsSpan(start, n));
            writer.Int64(1).AppendRange(data.Addr.AsSpan(start, n));
            writer.Float64(2).AppendRange(data.Cost.AsSpan(start, n));
            var hit = writer.Bool(3);
            var op = writer.Dictionary(4);
            for (var i = start; i < start + n; i++)
            {
                hit.Append(data.Hit[i]);
                op.Append(data.Op[i]);
            }

            writer.EndRows(n);
        }

        writer.Complete();
    }

    private static async Task<(long Bytes, double Seconds)?> RunArrowJsAsync(CancellationToken cancel)
    {
        var script = FindScript();
        if (script is null)
        {
            return null;
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Rows.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(Runs.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var process = Process.Start(start)!;
            var stdout = await process.StandardOutput.ReadToEndAsync(cancel);
            await process.WaitForExitAsync(cancel);
            if (process.ExitCode != 0)
            {
                await Console.Error.WriteLineAsync($"bench-write.mjs failed: {await process.StandardError.ReadToEndAsync(cancel)}");
                return null;
            }

            using var json = JsonDocument.Parse(stdout);
            var seconds = json.RootElement.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            return (json.RootElement.GetProperty("bytes").GetInt64(), Median(seconds));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // node not installed
        }
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var tools = Path.Combine(dir.FullName, "tools", "arrow-interop");
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return Directory.Exists(Path.Combine(tools, "node_modules", "apache-arrow")) ? Path.Combine(tools, "bench-write.mjs") : null;
            }
        }

        return null;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    private static string Line(string who, long bytes, double seconds) => string.Create(CultureInfo.InvariantCulture,
        $"{who,-22} {bytes / 1e6,8:F1} MB  {seconds,7:F3} s  {bytes / 1e6 / seconds,8:F0} MB/s  {Rows / seconds / 1e6,7:F1} M rows/s");

    /// <summary>The benchmark's columns prebuilt (same formulas as the row-wise loop and bench-write.mjs).</summary>
    private sealed class Columns
    {
        public Columns(int rows)
        {
            Time = new long[rows];
            Addr = new long[rows];
            Cost = new double[rows];
            Hit = new bool[rows];
            Op = new int[rows];
            for (var i = 0; i < rows; i++)
            {
                Time[i] = i * 1000L;
                Addr[i] = (long)((ulong)i * 2654435761UL) & ((1L << 47) - 1);
                Cost[i] = i * 0.5;
                Hit[i] = i % 3 == 0;
                Op[i] = i % 5;
            }
        }

        public long[] Time { get; }

        public long[] Addr { get; }

        public double[] Cost { get; }

        public bool[] Hit { get; }

        public int[] Op { get; }
    }
}
