using MmReplay.Ingest;

namespace MmReplay.Ingest.Tests;

/// <summary>Keeps rejects in memory for assertions.</summary>
public sealed class ListRejectSink : IRejectSink
{
    public List<Rejection> Rejections { get; } = [];

    public void Reject(in Rejection r) => Rejections.Add(r);
}
