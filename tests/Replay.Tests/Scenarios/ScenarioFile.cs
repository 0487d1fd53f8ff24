namespace MmReplay.Replay.Tests.Scenarios;

/// <summary>
/// An .expect file next to a scenario trace. Format (one directive per line, '#' starts the cite/comment):
/// <code>
/// cpus 2
/// [linux-3.18 linux-5.10 +soft-dirty=false]     presets ('*' = all, '!name' excludes) and overrides
/// 9 faults 0x7:write-notify                       # WN-3 (76aefad628aa)
/// 10 pagemap 0x20000000 present=1 sd=1            # SD-1
/// </code>
/// Every expectation needs a cite after '#': the rule id or commit it comes from.
/// </summary>
public sealed class ScenarioFile
{
    public int Cpus { get; private set; } = 2;

    public List<ScenarioBlock> Blocks { get; } = [];

    public static ScenarioFile Parse(string path)
    {
        var file = new ScenarioFile();
        var lines = File.ReadAllLines(path);
        List<string>? presets = null;
        List<string>? overrides = null;
        List<Expectation>? current = null;
        var header = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var body = (hash >= 0 ? raw[..hash] : raw).Trim();
            var cite = hash >= 0 ? raw[(hash + 1)..].Trim() : "";
            if (body.Length == 0)
            {
                continue;
            }

            if (body.StartsWith('['))
            {
                Flush();
                presets = [];
                overrides = [];
                current = [];
                header = i + 1;
                foreach (var tok in body.Trim('[', ']').Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    (tok.StartsWith('+') ? overrides : presets).Add(tok.TrimStart('+'));
                }

                continue;
            }

            var parts = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts[0] == "cpus")
            {
                file.Cpus = int.Parse(parts[1]);
                continue;
            }

            var dots = parts[0].IndexOf("..", StringComparison.Ordinal);
            var first = dots < 0 ? parts[0] : parts[0][..dots];
            var last = dots < 0 ? parts[0] : parts[0][(dots + 2)..];
            if (current is null || !int.TryParse(first, out var from) || !int.TryParse(last, out var to) || parts.Length < 2)
            {
                throw new FormatException($"{path}:{i + 1}: expected '[presets]' or 'LINE[..LINE] CHECK ARGS # cite', got '{raw}'");
            }

            if (cite.Length == 0)
            {
                throw new FormatException($"{path}:{i + 1}: expectation without a cite (rule id or commit after '#')");
            }

            for (var traceLine = from; traceLine <= to; traceLine++)
            {
                current.Add(new Expectation(traceLine, parts[1], parts[2..], cite, i + 1));
            }
        }

        Flush();
        return file;

        void Flush()
        {
            if (current is not null)
            {
                file.Blocks.Add(new ScenarioBlock(presets!, overrides!, current, header));
            }
        }
    }

    /// <summary>The presets a block names, '*' expanded and '!name' removed.</summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> presets)
    {
        var result = new List<string>();
        foreach (var p in presets)
        {
            if (p == "*")
            {
                result.AddRange(KernelPolicy.PresetNames);
            }
            else if (!p.StartsWith('!'))
            {
                result.Add(p);
            }
        }

        foreach (var p in presets)
        {
            if (p.StartsWith('!'))
            {
                result.Remove(p[1..]);
            }
        }

        return result;
    }
}
