using System.Text;
using MmReplay.Analyze.Tables;

namespace MmReplay.Analyze.Tests;

/// <summary>
/// Reads docs/schemas.md: "## `name`" starts a table, "## Common columns" the common columns and "## Dirty
/// causes" the cause list; rows of "| `column` | type | meaning |" tables follow. Columns are compared as
/// "name type" strings, the type as ArrowType prints it plus ", nullable".
/// </summary>
internal sealed class SchemaDoc
{
    public Dictionary<string, List<string>> Tables { get; } = [];

    public List<string> Common { get; } = [];

    /// <summary>"cause rule" per row of the dirty-causes table.</summary>
    public List<string> Causes { get; } = [];

    public static SchemaDoc Parse(IEnumerable<string> lines)
    {
        var doc = new SchemaDoc();
        List<string>? target = null;
        var causes = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                var title = line[3..].Trim();
                causes = title == "Dirty causes";
                target = title == "Common columns" ? doc.Common
                    : title.StartsWith('`') && title.EndsWith('`') ? doc.Tables[title.Trim('`')] = []
                    : null;
                continue;
            }

            if (!line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Trim('|').Split('|');
            var name = cells[0].Trim().Trim('`');
            if (causes)
            {
                doc.Causes.Add($"{name} {cells[1].Trim()}".TrimEnd());
            }
            else
            {
                target?.Add($"{name} {cells[1].Trim()}");
            }
        }

        return doc;
    }

    public static List<string> Columns(IReadOnlyList<ColumnSpec> columns)
    {
        var list = new List<string>();
        foreach (var c in columns)
        {
            list.Add($"{c.Name} {TypeName(c)}");
        }

        return list;
    }

    public static string Section(TableSchema schema) =>
        $"## `{schema.Name}`\n\nOne row: {schema.RowMeaning}.\n\n{Rows(schema.Columns)}";

    public static string Rows(IReadOnlyList<ColumnSpec> columns)
    {
        var text = new StringBuilder("| column | type | meaning |\n| --- | --- | --- |\n");
        foreach (var c in columns)
        {
            text.Append($"| `{c.Name}` | {TypeName(c)} | {c.Description} |\n");
        }

        return text.ToString();
    }

    private static string TypeName(ColumnSpec c) => c.Type + (c.Nullable ? ", nullable" : "");
}
