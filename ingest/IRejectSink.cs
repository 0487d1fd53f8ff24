namespace MmReplay.Ingest;

/// <summary>Receives every rejected row, in trace order, from the reader's single ordering thread.</summary>
public interface IRejectSink
{
    void Reject(in Rejection r);
}
