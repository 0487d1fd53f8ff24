namespace MmReplay.Analyze.Validation;

/// <summary>
/// Task-switch flushes (reason 0) of one CPU. They belong to CPUs, not ops (the event is logged under the task
/// switched away from), and the model sees CPUs only through the ops it replays: reported, not compared.
/// </summary>
public sealed class CpuTaskSwitches(int cpu)
{
    public int Cpu { get; } = cpu;

    public int RecordedFull { get; internal set; }

    public int RecordedNone { get; internal set; }

    public int PredictedFull { get; internal set; }

    public int PredictedNone { get; internal set; }
}
