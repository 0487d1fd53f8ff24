using System.Reflection;
using System.Text;
using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;

namespace MmReplay.Analyze.Tests;

/// <summary>
/// docs/schemas.md must describe every table of the analyze assembly (every static TableSchema property) with
/// the same columns, types and order, and every dirty cause. A failure prints the section as it should read.
/// </summary>
public sealed class SchemaDocTests
{
    private static readonly string DocPath = Path.Combine(RepoRoot.Path, "docs", "schemas.md");

    [Fact]
    public void Every_table_in_the_assembly_is_documented_with_the_same_columns()
    {
        var documented = SchemaDoc.Parse(File.ReadAllLines(DocPath));
        var schemas = AllSchemas();
        Assert.NotEmpty(schemas);
        var problems = new StringBuilder();
        foreach (var schema in schemas)
        {
            var expected = SchemaDoc.Columns(schema.Columns);
            if (!documented.Tables.TryGetValue(schema.Name, out var actual) || !actual.SequenceEqual(expected))
            {
                problems.AppendLine($"docs/schemas.md: table `{schema.Name}` should read:").AppendLine(SchemaDoc.Section(schema));
            }
        }

        foreach (var name in documented.Tables.Keys)
        {
            if (!schemas.Exists(s => s.Name == name))
            {
                problems.AppendLine($"docs/schemas.md documents `{name}`, which no TableSchema in the analyze assembly defines");
            }
        }

        if (!documented.Common.SequenceEqual(SchemaDoc.Columns(TableSchema.CommonColumns)))
        {
            problems.AppendLine("docs/schemas.md: the common columns should read:").AppendLine(SchemaDoc.Rows(TableSchema.CommonColumns));
        }

        Assert.True(problems.Length == 0, problems.ToString());
    }

    [Fact]
    public void Every_dirty_cause_is_documented_with_its_rule()
    {
        var documented = SchemaDoc.Parse(File.ReadAllLines(DocPath));
        var expected = new List<string>();
        for (var i = 1; i < Vocabulary.DirtyCauses.Count; i++)
        {
            expected.Add($"{Vocabulary.DirtyCauses[i]} {Vocabulary.DirtyCauseRules[i]}".TrimEnd());
        }

        Assert.Equal(expected, documented.Causes);
    }

    [Fact]
    public void The_parser_sees_a_wrong_type_or_order()
    {
        // The check above must be able to fail: a swapped pair and a wrong type both change the parse.
        string[] doc =
        [
            "## Common columns", "| column | type | meaning |", "| --- | --- | --- |", "| `trace` | dictionary<int32, utf8> | x |",
            "## `t`", "one row", "| column | type | meaning |", "| --- | --- | --- |", "| `b` | int64 | y |", "| `a` | int32, nullable | z |",
        ];
        var parsed = SchemaDoc.Parse(doc);
        Assert.Equal(["b int64", "a int32, nullable"], parsed.Tables["t"]);
        Assert.NotEqual(SchemaDoc.Columns([new("a", MmReplay.Arrow.ArrowType.Int32, "", Nullable: true), new("b", MmReplay.Arrow.ArrowType.Int64, "")]), parsed.Tables["t"]);
    }

    private static List<TableSchema> AllSchemas()
    {
        var schemas = new List<TableSchema>();
        foreach (var type in typeof(ReplayRun).Assembly.GetTypes())
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            {
                if (property.PropertyType == typeof(TableSchema))
                {
                    schemas.Add((TableSchema)property.GetValue(null)!);
                }
            }
        }

        schemas.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return schemas;
    }
}
