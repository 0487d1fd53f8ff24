using System.Text.Json;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Runs;

/// <summary>Wall time of a run or batch: kept apart from the manifests because it is the one thing that differs between identical runs.</summary>
public static class TimingFile
{
    public static void Write(string path, TimeSpan wall, string rateName, long count)
    {
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteNumber("wall_seconds", Math.Round(wall.TotalSeconds, 6));
            json.WriteNumber(rateName, wall.TotalSeconds > 0 ? Math.Round(count / wall.TotalSeconds) : 0);
            json.WriteEndObject();
        });
    }
}
