using System.Globalization;
using System.Text.RegularExpressions;
using MmReplay.Analyze.Validation;
using MmReplay.Ingest.Ftrace;

namespace MmReplay.Analyze.Tests.Validation;

/// <summary>A validation report with the recording's ground-truth markers, to find the workload's regions by name.</summary>
internal sealed partial record Validated(ValidationReport Report, IReadOnlyList<FtraceMarker> Markers)
{
    /// <summary>The region the workload announced with <c>GT ... op=mmap name=NAME addr=0x...</c>.</summary>
    public RegionAgreement Region(string name)
    {
        foreach (var marker in Markers)
        {
            var m = MmapMarker().Match(marker.Text);
            if (m.Success && m.Groups[1].Value == name)
            {
                var start = ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return Report.Regions.Single(r => r.Start == start);
            }
        }

        throw new InvalidOperationException($"no GT op=mmap marker names region {name}");
    }

    /// <summary>Fault rows inside a region, with their page index in it.</summary>
    public IEnumerable<(OpAgreement Row, int Page)> FaultsIn(RegionAgreement region) =>
        Report.Rows.Where(r => r.Op == Ingest.OpCode.Fault && region.Contains(r.Event.Addr))
            .Select(r => (r, (int)((r.Event.Addr - region.Start) >> 12)));

    [GeneratedRegex(@"op=mmap name=(\w+) addr=0x([0-9a-f]+)")]
    private static partial Regex MmapMarker();
}
