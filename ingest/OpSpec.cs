namespace MmReplay.Ingest;

/// <summary>What one op of trace format v1 takes: its name, its address rule, and its allowed and required args.</summary>
public readonly record struct OpSpec(OpCode Op, string Name, AddrRule Addr, ArgKeys Allowed, ArgKeys Required)
{
    /// <summary>Ops whose <c>value=</c> defaults to the data row number.</summary>
    public bool IsWrite => Op is OpCode.Write or OpCode.DmaWrite or OpCode.DevWrite;

    /// <summary>Ops that name a device (dev=), whose id is its index in the trace's device table.</summary>
    public bool UsesDevice => (Allowed & ArgKeys.Dev) != 0;
}
