namespace MmReplay.Arrow;

/// <summary>How <see cref="ArrowWriter"/> frames and batches its output.</summary>
public sealed record ArrowWriterOptions
{
    /// <summary>File (<c>.arrow</c>, random access, the default) or stream (<c>.arrows</c>).</summary>
    public ArrowFormat Format { get; init; } = ArrowFormat.File;

    /// <summary>Rows per record batch; memory held by the writer is proportional to it.</summary>
    public int BatchRows { get; init; } = 64 * 1024;

    /// <summary>Body buffer alignment: 8 or 64 (Arrow's recommendation, good for SIMD and memory mapping).</summary>
    public int Alignment { get; init; } = 64;
}
