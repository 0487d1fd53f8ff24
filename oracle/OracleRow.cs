namespace MmReplay.Oracle;

/// <summary>One row of the <c>oracle</c> table (docs/schemas.md): a kernel observation beside the model's.</summary>
public sealed record OracleRow(
    string Trace, string Policy, ulong Seed, string Kernel, long Line, int Pid, string Op, string Observation, ulong Addr,
    ulong? KernelValue, ulong? ModelValue, int? KernelFaults, int? ModelFaults, bool Agree, string Note)
{
    public override string ToString() =>
        $"{Trace} line {Line} pid {Pid} {Op} {Observation} 0x{Addr:x}: kernel {Show(KernelValue, KernelFaults)}, model {Show(ModelValue, ModelFaults)}" +
        (Note.Length > 0 ? $" ({Note})" : "");

    private static string Show(ulong? value, int? faults) =>
        faults is { } f ? $"{f} fault(s)" : value is { } v ? $"0x{v:x}" : "nothing";
}
