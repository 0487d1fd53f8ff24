namespace MmReplay.Ingest.Workloads;

/// <summary>A process of a workload: its pid and its threads, each with a home CPU given round robin.</summary>
public sealed class SimProcess
{
    private readonly Actor[] _threads;

    public SimProcess(WorkloadContext context, int threads)
    {
        ArgumentNullException.ThrowIfNull(context);
        _threads = new Actor[threads];
        for (var i = 0; i < threads; i++)
        {
            var id = context.NewPid();
            Pid = i == 0 ? id : Pid;
            _threads[i] = new Actor(context.NextCpu(), Pid, id);
        }
    }

    public int Pid { get; }

    /// <summary>The main thread (tid = pid).</summary>
    public Actor Main => _threads[0];

    public int ThreadCount => _threads.Length;

    public Actor Thread(int index) => _threads[index];

    public Actor AnyThread(Random random) => _threads[random.Next(_threads.Length)];
}
