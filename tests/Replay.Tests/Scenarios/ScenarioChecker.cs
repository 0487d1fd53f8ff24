using System.Globalization;
using MmReplay.Ingest;

namespace MmReplay.Replay.Tests.Scenarios;

/// <summary>Replays a scenario under one policy and checks a block's expectations against the effects.</summary>
public static class ScenarioChecker
{
    public static async Task<List<TraceEvent>> LoadAsync(string csv)
    {
        using var reader = TraceReaders.Open(csv, TraceReaderOptions.Default with { Strict = true }, null);
        return await TraceReaders.ReadAllAsync(reader);
    }

    public static List<Effect> Run(IReadOnlyList<TraceEvent> events, KernelPolicy policy, int cpus)
    {
        var machine = new Machine(policy, new MachineConfig { Cpus = cpus });
        var sink = new CollectingSink();
        foreach (var e in events)
        {
            machine.Apply(e, sink);
        }

        return sink.Effects;
    }

    /// <summary>Every failed expectation, described; empty when all hold.</summary>
    public static List<string> Check(IReadOnlyList<Effect> effects, IReadOnlyList<Expectation> expectations)
    {
        var failures = new List<string>();
        var previousFrame = PreviousPagemapFrames(effects);
        foreach (var x in expectations)
        {
            try
            {
                var problem = x.Check switch
                {
                    "faults" => Compare(Faults(effects, x.TraceLine), Expand(x.Args)),
                    "flushes" => Compare(Flushes(effects, x.TraceLine), Expand(x.Args)),
                    "notifiers" => CompareNotifiers(Notifiers(effects, x.TraceLine), Expand(x.Args)),
                    "hazards" => Compare(Hazards(effects, x.TraceLine), Expand(x.Args)),
                    "pagemap" => CheckPagemap(effects, previousFrame, x),
                    "read" => CheckRead(effects, x, ObservationKind.Value),
                    "clean" => CheckRead(effects, x, ObservationKind.CleanBit),
                    "written" => CheckRead(effects, x, ObservationKind.Written),
                    "segv" => effects.Any(e => e.Line == x.TraceLine && e.Kind == EffectKind.Segv) ? null : "no SIGSEGV",
                    "nosegv" => effects.Any(e => e.Line == x.TraceLine && e.Kind == EffectKind.Segv) ? "SIGSEGV" : null,
                    _ => $"unknown check '{x.Check}'",
                };
                if (problem is not null)
                {
                    failures.Add($"{x}: {problem}");
                }
            }
            catch (FormatException ex)
            {
                failures.Add($"{x}: {ex.Message}");
            }
        }

        return failures;
    }

    private static string? Compare(List<string> actual, List<string> expected)
    {
        if (expected is ["none"])
        {
            expected = [];
        }

        return actual.SequenceEqual(expected) ? null : $"got [{string.Join(' ', actual)}]";
    }

    /// <summary>'x*3' stands for three x.</summary>
    private static List<string> Expand(string[] args)
    {
        var list = new List<string>();
        foreach (var a in args)
        {
            var star = a.LastIndexOf('*');
            if (star > 0 && int.TryParse(a[(star + 1)..], out var n))
            {
                list.AddRange(Enumerable.Repeat(a[..star], n));
            }
            else
            {
                list.Add(a);
            }
        }

        return list;
    }

    private static List<string> Faults(IReadOnlyList<Effect> effects, int line) =>
        effects.Where(e => e.Line == line && e.Kind == EffectKind.Fault)
            .Select(e => (e.Scope == 1 ? "gup" : $"0x{e.Code:x}") + ":" + Kebab(((FaultResolution)e.Detail).ToString()))
            .ToList();

    private static List<string> Flushes(IReadOnlyList<Effect> effects, int line) =>
        effects.Where(e => e.Line == line && e.Kind == EffectKind.TlbFlush && e.Detail != (byte)TlbFlushReason.TaskSwitch)
            .Select(e => ((TlbFlushReason)e.Detail switch
            {
                TlbFlushReason.LocalMmShootdown => "local-mm",
                TlbFlushReason.RemoteSendIpi => "ipi",
                TlbFlushReason.RemoteShootdown => $"remote@{e.Cpu}",
                TlbFlushReason.RemoteWrongCpu => $"wrong@{e.Cpu}",
                TlbFlushReason.LocalShootdown => "local",
                var r => r.ToString(),
            }) + ":" + e.Count.ToString(CultureInfo.InvariantCulture))
            .ToList();

    /// <summary>
    /// Notifier calls as CALL@DEVICE:SITE(START..END), CALL one of start, end, inv (invalidate_range), arch
    /// (arch_invalidate_secondary_tlbs); an expected token without the range matches any range.
    /// </summary>
    private static List<string> Notifiers(IReadOnlyList<Effect> effects, int line) =>
        effects.Where(e => e.Line == line && e.Kind == EffectKind.Notifier)
            .Select(e => ((NotifierCallKind)e.Detail switch
            {
                NotifierCallKind.RangeStart => "start",
                NotifierCallKind.RangeEnd => "end",
                NotifierCallKind.InvalidateRange => "inv",
                _ => "arch",
            }) + "@" + e.Device.ToString(CultureInfo.InvariantCulture) + ":" + Kebab(((CallSite)e.Scope).ToString())
                + (e.End == ulong.MaxValue && e.Addr == 0 ? "(all)" : $"(0x{e.Addr:x}..0x{e.End:x})"))
            .ToList();

    private static string? CompareNotifiers(List<string> actual, List<string> expected)
    {
        if (expected is ["none"])
        {
            expected = [];
        }

        var ok = actual.Count == expected.Count;
        for (var i = 0; ok && i < actual.Count; i++)
        {
            ok = expected[i].Contains('(', StringComparison.Ordinal) ? actual[i] == expected[i] : actual[i].StartsWith(expected[i] + "(", StringComparison.Ordinal);
        }

        return ok ? null : $"got [{string.Join(' ', actual)}]";
    }

    /// <summary>Hazards as KIND (kebab-case HazardKind), with @DEVICE for device hazards and :CAUSE (the dirty-cause code) for lost-dirty.</summary>
    private static List<string> Hazards(IReadOnlyList<Effect> effects, int line) =>
        effects.Where(e => e.Line == line && e.Kind == EffectKind.Hazard)
            .Select(e => Kebab(((HazardKind)e.Detail).ToString()) + (e.Device >= 0 ? "@" + e.Device.ToString(CultureInfo.InvariantCulture) : "")
                + (e.Detail == (byte)HazardKind.LostDirty ? ":" + e.Scope.ToString(CultureInfo.InvariantCulture) : ""))
            .ToList();

    private static Dictionary<int, long> PreviousPagemapFrames(IReadOnlyList<Effect> effects)
    {
        var last = new Dictionary<(int, ulong), long>();
        var previous = new Dictionary<int, long>();
        for (var i = 0; i < effects.Count; i++)
        {
            var e = effects[i];
            if (e.Kind == EffectKind.Observation && e.Detail == (byte)ObservationKind.Pagemap)
            {
                previous[i] = last.TryGetValue((e.Pid, e.Addr), out var f) ? f : long.MinValue;
                last[(e.Pid, e.Addr)] = (long)e.Aux;
            }
        }

        return previous;
    }

    private static string? CheckPagemap(IReadOnlyList<Effect> effects, Dictionary<int, long> previousFrame, Expectation x)
    {
        var (start, end) = Range(x.Args[0]);
        for (var va = start; va < end; va += 4096)
        {
            var index = -1;
            for (var i = 0; i < effects.Count; i++)
            {
                var e = effects[i];
                if (e.Line == x.TraceLine && e.Kind == EffectKind.Observation && e.Detail == (byte)ObservationKind.Pagemap && e.Addr == va)
                {
                    index = i;
                }
            }

            if (index < 0)
            {
                return $"no pagemap entry for 0x{va:x}";
            }

            var entry = effects[index].Value;
            foreach (var kv in x.Args.Skip(1))
            {
                var (key, want) = (kv[..kv.IndexOf('=', StringComparison.Ordinal)], kv[(kv.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                var frame = (long)effects[index].Aux;
                string? problem = key switch
                {
                    "frame" => want switch
                    {
                        "zero" => frame == 0 ? null : $"frame {frame}, not the zero page",
                        "same" => frame == previousFrame[index] ? null : $"frame {frame} changed from {previousFrame[index]}",
                        "changed" => frame != previousFrame[index] ? null : $"frame {frame} unchanged",
                        _ => $"bad frame= '{want}'",
                    },
                    _ => Bit(entry, key) == (want == "1") ? null : $"{key}={(Bit(entry, key) ? 1 : 0)}",
                };
                if (problem is not null)
                {
                    return $"0x{va:x}: {problem} (entry 0x{entry:x})";
                }
            }
        }

        return null;
    }

    private static bool Bit(ulong entry, string key) => key switch
    {
        "present" => (entry >> 63 & 1) != 0,
        "swap" => (entry >> 62 & 1) != 0,
        "file" => (entry >> 61 & 1) != 0,
        "uffd" => (entry >> 57 & 1) != 0,
        "excl" => (entry >> 56 & 1) != 0,
        "sd" => (entry >> 55 & 1) != 0,
        _ => throw new FormatException($"unknown pagemap key '{key}'"),
    };

    /// <summary>ADDR[..END] = V: the last observation of that kind per page (a value read, or clean_range's recorded bit).</summary>
    private static string? CheckRead(IReadOnlyList<Effect> effects, Expectation x, ObservationKind kind)
    {
        var (start, end) = Range(x.Args[0]);
        var want = Number(x.Args[2]);
        for (var va = start; va < end; va += 4096)
        {
            var seen = effects.Where(e => e.Line == x.TraceLine && e.Kind == EffectKind.Observation && e.Detail == (byte)kind && e.Addr == va).ToList();
            if (seen.Count == 0)
            {
                return $"no {kind} observation at 0x{va:x}";
            }

            if (seen[^1].Value != want)
            {
                return $"0x{va:x} read 0x{seen[^1].Value:x}";
            }
        }

        return null;
    }

    /// <summary>ADDR (one page) or ADDR..END (exclusive).</summary>
    private static (ulong, ulong) Range(string s)
    {
        var dots = s.IndexOf("..", StringComparison.Ordinal);
        return dots < 0 ? (Number(s), Number(s) + 4096) : (Number(s[..dots]), Number(s[(dots + 2)..]));
    }

    private static ulong Number(string s) =>
        s.StartsWith("0x", StringComparison.Ordinal) ? ulong.Parse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : ulong.Parse(s, CultureInfo.InvariantCulture);

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
