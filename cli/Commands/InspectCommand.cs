using System.CommandLine;
using System.Globalization;
using MmReplay.Arrow;

namespace MmReplay.Cli.Commands;

/// <summary>`mmreplay inspect FILE`: format, schema with metadata, row and batch counts, first rows.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Arrow IPC file (.arrow) or stream (.arrows)" };
        var rows = new Option<int>("--rows", "-n") { Description = "How many rows to print", DefaultValueFactory = _ => 10 };
        var strict = new Option<bool>("--strict") { Description = "Verify the file as strictly as pyarrow would" };
        var command = new Command("inspect", "Print an Arrow file's schema, metadata, row count and first rows") { file, rows, strict };
        command.SetAction(result => Run(result.GetValue(file)!, result.GetValue(rows), result.GetValue(strict), Console.Out));
        return command;
    }

    public static int Run(FileInfo file, int rows, bool strict, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(output);
        if (!file.Exists)
        {
            Console.Error.WriteLine($"mmreplay inspect: {file.FullName}: no such file");
            return ExitCodes.NoInput;
        }

        try
        {
            using var reader = ArrowReader.Open(file.FullName, new ArrowReaderOptions { Strict = strict });
            Print(reader, file.FullName, Math.Max(0, rows), output);
            return ExitCodes.Ok;
        }
        catch (ArrowFormatException e)
        {
            Console.Error.WriteLine($"mmreplay inspect: {file.FullName}: {e.Message}");
            return ExitCodes.DataError;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"mmreplay inspect: {file.FullName}: {e.Message}");
            return ExitCodes.NoInput;
        }
    }

    private static void Print(ArrowReader reader, string path, int wanted, TextWriter output)
    {
        var schema = reader.Schema;
        output.WriteLine($"file:    {path}");
        output.WriteLine($"format:  {(reader.Format == ArrowFormat.File ? "Arrow IPC file" : "Arrow IPC stream")}");
        output.WriteLine("schema:");
        foreach (var field in schema.Fields)
        {
            output.WriteLine($"  {field.Name}: {field.Type}{(field.Nullable ? "" : " not null")}");
            PrintMetadata(field.Metadata, "      ", output);
        }

        if (schema.Metadata.Count > 0)
        {
            output.WriteLine("metadata:");
            PrintMetadata(schema.Metadata, "  ", output);
        }

        // Count every row (cheap: batches are decoded lazily per value) and keep the first ones as text.
        var shown = new List<string[]>();
        long total = 0;
        var batches = 0;
        foreach (var batch in reader.ReadRecordBatches())
        {
            batches++;
            for (var r = 0; r < batch.Length && shown.Count < wanted; r++)
            {
                var cells = new string[batch.Columns.Count];
                for (var c = 0; c < cells.Length; c++)
                {
                    cells[c] = Format(batch.Columns[c].GetValue(r));
                }

                shown.Add(cells);
            }

            total += batch.Length;
        }

        output.WriteLine($"rows:    {total.ToString("N0", CultureInfo.InvariantCulture)} in {batches} record batch{(batches == 1 ? "" : "es")}");
        if (shown.Count > 0)
        {
            output.WriteLine();
            PrintTable(schema, shown, output);
        }
    }

    private static void PrintMetadata(IReadOnlyList<KeyValuePair<string, string>> metadata, string indent, TextWriter output)
    {
        foreach (var pair in metadata)
        {
            output.WriteLine($"{indent}{pair.Key} = {pair.Value}");
        }
    }

    private static void PrintTable(ArrowSchema schema, List<string[]> rows, TextWriter output)
    {
        var widths = new int[schema.Fields.Count];
        for (var c = 0; c < widths.Length; c++)
        {
            widths[c] = schema.Fields[c].Name.Length;
            foreach (var row in rows)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        output.WriteLine(Line(widths, c => schema.Fields[c].Name));
        output.WriteLine(Line(widths, c => new string('-', widths[c])));
        foreach (var row in rows)
        {
            output.WriteLine(Line(widths, c => row[c]));
        }
    }

    private static string Line(int[] widths, Func<int, string> cell)
    {
        var parts = new string[widths.Length];
        for (var c = 0; c < widths.Length; c++)
        {
            parts[c] = cell(c).PadRight(widths[c]);
        }

        return string.Join("  ", parts).TrimEnd();
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string text => Printable(text.Length > 40 ? text[..37] + "..." : text),
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Keep the table on one line per row: escape control characters.</summary>
    private static string Printable(string text) =>
        text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}
