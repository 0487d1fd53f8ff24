using CsvHelper;

namespace MmReplay.Ingest;

/// <summary>
/// Writes rejects.csv (file,line,column,reason,raw) to "&lt;path&gt;.tmp" and renames it to <c>path</c> on
/// <see cref="Complete"/>; disposed without Complete, the partial file is deleted. Thread-safe.
/// </summary>
public sealed class RejectsCsvWriter : IRejectSink, IDisposable
{
    private readonly string _path;
    private readonly string _temp;
    private readonly Lock _gate = new();
    private CsvWriter? _writer;

    public RejectsCsvWriter(string path)
    {
        _path = path;
        _temp = path + ".tmp";
        _writer = CsvWriter.ToFile(_temp, CsvWriterOptions.Default with { NewLine = "\n" });
        _writer.WriteHeader(["file", "line", "column", "reason", "raw"]);
    }

    public long Count { get; private set; }

    public void Reject(in Rejection r)
    {
        lock (_gate)
        {
            var writer = _writer ?? throw new ObjectDisposedException(nameof(RejectsCsvWriter));
            writer.WriteField(r.File);
            writer.WriteField(r.Line, default);
            writer.WriteField(r.Column);
            writer.WriteField(r.Reason);
            writer.WriteField(r.RawText);
            writer.EndRecord();
            Count++;
        }
    }

    /// <summary>Flushes and renames the file into place.</summary>
    public void Complete() => Close(keep: true);

    public void Dispose() => Close(keep: false);

    private void Close(bool keep)
    {
        lock (_gate)
        {
            if (_writer is null)
            {
                return;
            }

            _writer.Dispose();
            _writer = null;
            if (keep)
            {
                File.Move(_temp, _path, overwrite: true);
            }
            else
            {
                File.Delete(_temp);
            }
        }
    }
}
