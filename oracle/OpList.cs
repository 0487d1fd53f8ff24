using System.Globalization;
using System.Text;

namespace MmReplay.Oracle;

/// <summary>
/// A trace translated for the guest: its processes (the first runs the first op), its files, the ops in trace
/// order, and the ops that were skipped. <see cref="ToText"/> is the file the guest runtime reads.
/// </summary>
public sealed class OpList
{
    public OpList(IReadOnlyList<GuestProcess> processes, IReadOnlyList<GuestFile> files, IReadOnlyList<GuestOp> ops, IReadOnlyList<SkippedOp> skipped)
    {
        Processes = processes;
        Files = files;
        Ops = ops;
        Skipped = skipped;
    }

    public IReadOnlyList<GuestProcess> Processes { get; }
    public IReadOnlyList<GuestFile> Files { get; }
    public IReadOnlyList<GuestOp> Ops { get; }
    public IReadOnlyList<SkippedOp> Skipped { get; }

    /// <summary>The op-list text (docs/oracle.md, "Op lists"); numbers in hex except lines, pids and sizes.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append("mmoracle v1\n");
        foreach (GuestProcess process in Processes)
            text.Append(CultureInfo.InvariantCulture, $"pid {process.Pid} {(process.Initial ? 1 : 0)}\n");
        foreach (GuestFile file in Files)
            text.Append(CultureInfo.InvariantCulture, $"file {file.Id} {file.Size}\n");
        foreach (GuestOp op in Ops)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"op {op.Line} {op.Pid} {op.Name} {op.Addr:x} {op.Len:x} {op.A:x} {op.B:x} {op.C:x} {op.D:x}\n");
        }
        return text.ToString();
    }
}
