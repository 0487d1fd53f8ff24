namespace MmReplay.Oracle;

/// <summary>A trace the guest cannot run as written (e.g. a fork creating a pid that already runs), naming the trace line.</summary>
public sealed class OracleTranslationException : Exception
{
    public OracleTranslationException()
    {
    }

    public OracleTranslationException(string message) : base(message)
    {
    }

    public OracleTranslationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public OracleTranslationException(long line, string message) : base($"line {line}: {message}")
    {
        Line = line;
    }

    public long Line { get; }
}
