using System.Text;
using System.Threading.Channels;
using CsvHelper;
using MmReplay.Ingest.Io;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Reads a CSV trace (trace format v1) with CsvHelper 34: one thread scans, <see cref="TraceReaderOptions.Parallelism"/>
/// workers parse rows into events (<see cref="CsvRowParser"/>), and <see cref="EventSequencer"/> puts them back in
/// trace order into pooled batches. Memory stays bounded by the channel capacity and CsvHelper's buffers.
/// </summary>
public sealed class CsvTraceReader : ITraceReader
{
    private readonly TraceInput _input;
    private readonly TraceReaderOptions _options;
    private readonly IRejectSink? _rejects;

    public CsvTraceReader(TraceInput input, TraceReaderOptions options, IRejectSink? rejects)
    {
        _input = input;
        _options = options;
        _rejects = rejects;
        Info = new TraceInfo(input.Path, TraceFormat.Csv, input.Gzip, input.PageSize, input.Length);
    }

    public TraceInfo Info { get; }

    public Task ReadAsync(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        return Task.Factory.StartNew(() => Pump(output, cancel), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public void Dispose() => _input.Dispose();

    private void Pump(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        try
        {
            using var sequencer = new EventSequencer(Info, _input.DisplayName, _rejects, _options, output, () => _input.BytesRead, cancel);
            Read(sequencer, output, cancel);
            output.TryComplete();
        }
        catch (Exception e)
        {
            var error = Unwrap(e);
            output.TryComplete(error);
            if (error == e)
            {
                throw;
            }

            throw error;
        }
        finally
        {
            _input.Dispose();
        }
    }

    private void Read(EventSequencer sequencer, ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        // A plain file read in parallel gives the text of a late reject back by its offset (RawRecordReader), so the
        // scanning thread, which all workers wait on, need not look into every row's fields.
        var rereadable = _options.Parallelism != 1 && !_input.Gzip && _input.Path != "-";
        using var rawRecords = rereadable ? new RawRecordReader(_input.Path) : null;
        sequencer.RawRecords = rawRecords;
        var timeColumn = -1;
        ulong highestTime = 0;
        var options = Options(sequencer, hasHeader: true) with
        {
            // Parallel only (one thread captures in its own loop, without parsing the time twice): runs on the scanning
            // thread, in input order, and keeps the text of rows whose time is below an earlier row's, for the sequencer
            // to quote if it rejects them. Never skips.
            ShouldSkipRecord = _options.Parallelism == 1 || rereadable ? null : row =>
            {
                if (timeColumn >= 0 && Csv.FieldParser.TryDecimal(row.GetSpan(timeColumn), out var time))
                {
                    if (time < highestTime)
                    {
                        sequencer.Capture(new RawCapture(row.RowNumber, Encoding.UTF8.GetString(row.RawRecord)));
                    }
                    else
                    {
                        highestTime = time;
                    }
                }

                return false;
            },
        };

        using var csv = CsvReader.Create(_input.Stream, options, leaveOpen: true);
        csv.ReadHeader();
        var columns = CsvColumns.Resolve(csv.Headers, _input.DisplayName, csv.Headers.Count == 0 ? 1 : csv.LineNumber);
        timeColumn = columns.TimeNs;
        sequencer.HasTime = columns.TimeNs >= 0;
        if (rereadable && ReadInChunks(csv, columns, output, cancel))
        {
            return;
        }

        var parser = new CsvRowParser(columns, _input.PageSize, sequencer.Devices);
        if (_options.Parallelism == 1)
        {
            ReadInPlace(csv, parser, sequencer, EndOfInput, cancel);
        }
        else
        {
            ReadParallel(csv, parser, sequencer, cancel);
        }
    }

    /// <summary>
    /// A plain file is read by one-thread readers over its chunks at once (<see cref="CsvChunkReader"/>); false when it
    /// is too small to split or its first chunk does not split, to read it as a stream.
    /// </summary>
    private bool ReadInChunks(CsvReader csv, CsvColumns columns, ChannelWriter<EventBatch> output, CancellationToken cancel) =>
        new CsvChunkReader(_input.Path, _input.DisplayName, Info, _rejects, _options, columns, csv.LineNumber).Read(output, cancel);

    /// <summary>
    /// One thread: each row is parsed straight into its slot of the current batch (no copy of the event). A bad row
    /// is held until the next one is read, so the last row is known to be last (a file that ends mid-row).
    /// </summary>
    internal static void ReadInPlace(CsvReader csv, CsvRowParser parser, EventSequencer sequencer, Func<bool> endsMidRow, CancellationToken cancel)
    {
        RowError? held = null;
        long heldLine = 0;
        while (csv.Read())
        {
            if (held is not null)
            {
                sequencer.Reject(held, heldLine, endsMidRow: false);
                held = null;
            }

            var line = csv.LineNumber;
            ref var ev = ref sequencer.Next(line);
            var error = parser.Fill(csv, ref ev);
            if (error is null)
            {
                if (!sequencer.Accept(ref ev))
                {
                    sequencer.RejectBackwards(in ev, Encoding.UTF8.GetString(csv.RawRecord));
                }
            }
            else
            {
                sequencer.Drop();
                error.Raw = Encoding.UTF8.GetString(csv.RawRecord);
                (held, heldLine) = (error, line);
            }

            cancel.ThrowIfCancellationRequested();
        }

        var midRow = endsMidRow();
        if (held is not null)
        {
            sequencer.Reject(held, heldLine, endsMidRow: midRow && sequencer.NothingSkippedAfter(heldLine));
        }

        sequencer.Complete(midRow);
    }

    /// <summary>
    /// Workers parse rows into values; the sequencer takes them in trace order as they come, except a bad row, held
    /// until the next one as in <see cref="ReadInPlace"/> (a valid row is never copied again to be held).
    /// </summary>
    private void ReadParallel(CsvReader csv, CsvRowParser parser, EventSequencer sequencer, CancellationToken cancel)
    {
        var held = default(ParsedRow);
        var holding = false;
        foreach (var row in csv.ParallelEnumerate(parser.Parse, _options.Parallelism))
        {
            if (holding)
            {
                sequencer.Add(in held, endsMidRow: false);
                holding = false;
            }

            if (row.Error is null)
            {
                sequencer.Add(in row, endsMidRow: false);
            }
            else
            {
                (held, holding) = (row, true);
            }

            cancel.ThrowIfCancellationRequested();
        }

        var midRow = EndOfInput();
        if (holding)
        {
            sequencer.Add(in held, endsMidRow: midRow && sequencer.NothingSkippedAfter(held.Event.Line));
        }

        sequencer.Complete(midRow);
    }

    /// <summary>Checks the input ended cleanly (gzip trailer); true when it has no final line break.</summary>
    private bool EndOfInput()
    {
        _input.CheckComplete();
        return !_input.EndsWithLineBreak;
    }

    /// <summary>CsvHelper settings for trace format v1; malformed records go to <paramref name="sequencer"/> to be rejected in order.</summary>
    internal static CsvReaderOptions Options(EventSequencer sequencer, bool hasHeader) => CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = hasHeader,
        CommentPrefix = '#',
        SkipEmptyLines = true,
        TrimWhitespace = false,
        AllowLineBreaksInQuotes = true,
        TrackLineNumbers = true,
        DetectSeparatorHint = false,
        FieldCountMismatch = CsvFieldCountHandling.Allow, // the parser rejects it, naming the missing column
        MalformedData = CsvMalformedDataHandling.Skip, // Recover would repair bad quoting silently
        OnMalformedRecord = m => sequencer.Skip(new SkippedRecord(m.LineNumber, MalformedReason(m.Reason), m.RawRecord)),
    };

    private static string MalformedReason(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "bad quoting: a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "bad quoting: text after the closing quote of a field",
        CsvMalformedReason.UnterminatedQuote => "file ends mid-row: a quoted field is never closed",
        _ => "malformed row: " + reason,
    };

    /// <summary>A corrupt gzip stream surfaces as InvalidDataException, possibly wrapped by CsvHelper's workers.</summary>
    private Exception Unwrap(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is TraceFormatException or OperationCanceledException)
            {
                return inner;
            }

            if (inner is InvalidDataException bad)
            {
                return new TraceFormatException(_input.DisplayName, 0, "", "corrupt gzip: " + bad.Message);
            }
        }

        return e;
    }
}
