using System.Globalization;
using System.Text.Json;

namespace MmReplay.Arrow.Tests;

/// <summary>Compares a written value with what a node reader printed (see tools/arrow-interop/*.mjs).</summary>
internal static class ExpectedCells
{
    /// <summary>dump.mjs (arrow-js): 64-bit integers and timestamps as strings, non-finite floats as strings.</summary>
    public static bool MatchesArrowJs(ArrowTypeId type, object? expected, JsonElement actual)
    {
        if (expected is null)
        {
            return actual.ValueKind == JsonValueKind.Null;
        }

        return type switch
        {
            ArrowTypeId.Int64 or ArrowTypeId.UInt64 or ArrowTypeId.Timestamp =>
                actual.ValueKind == JsonValueKind.String && actual.GetString() == Invariant(expected),
            ArrowTypeId.Float32 => MatchesFloat((float)expected, actual),
            ArrowTypeId.Float64 => MatchesFloat((double)expected, actual),
            ArrowTypeId.Bool => actual.ValueKind is JsonValueKind.True or JsonValueKind.False && actual.GetBoolean() == (bool)expected,
            ArrowTypeId.Utf8 or ArrowTypeId.Dictionary => actual.ValueKind == JsonValueKind.String && actual.GetString() == (string)expected,
            _ => actual.ValueKind == JsonValueKind.Number && actual.GetRawText() == Invariant(expected),
        };
    }

    /// <summary>polars-check.mjs: every value cast to text by polars (bools and datetimes via int64).</summary>
    public static bool MatchesPolars(ArrowTypeId type, object? expected, JsonElement actual)
    {
        if (expected is null)
        {
            return actual.ValueKind == JsonValueKind.Null;
        }

        var text = actual.GetString();
        return type switch
        {
            ArrowTypeId.Float32 => SameFloat((float)expected, (float)ParsePolarsFloat(text)), // polars prints float32's shortest form
            ArrowTypeId.Float64 => SameFloat((double)expected, ParsePolarsFloat(text)),
            ArrowTypeId.Bool => text == ((bool)expected ? "1" : "0"),
            _ => text == Invariant(expected),
        };
    }

    private static bool MatchesFloat(double expected, JsonElement actual) =>
        double.IsFinite(expected)
            ? actual.ValueKind == JsonValueKind.Number && actual.GetDouble() == expected
            : actual.ValueKind == JsonValueKind.String && actual.GetString() == JsName(expected);

    private static string JsName(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    private static bool SameFloat(double expected, double actual) =>
        double.IsNaN(expected) ? double.IsNaN(actual) : expected == actual;

    private static double ParsePolarsFloat(string? text) => text switch
    {
        "NaN" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Invariant(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;
}
