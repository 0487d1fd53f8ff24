namespace MmReplay.Ingest;

/// <summary>Thrown under <see cref="TraceReaderOptions.Strict"/> at the first rejected row (exit code 65).</summary>
public sealed class TraceRejectedException : TraceFormatException
{
    public TraceRejectedException(Rejection rejection)
        : base(rejection.File, rejection.Line, rejection.Column, rejection.Reason)
    {
        Rejection = rejection;
    }

    public TraceRejectedException()
    {
    }

    public TraceRejectedException(string message)
        : base(message)
    {
    }

    public TraceRejectedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public Rejection Rejection { get; }
}
