using System.Globalization;
using Glint.Api;
using Glint.Common;

namespace Glint.Quality;

/// <summary>
/// A starter ruleset from the data's statistics, as Glue's rule recommendation proposes one: the row count's range, complete
/// and unique columns, the completeness others reach, observed numeric ranges and the allowed values of low-cardinality text.
/// </summary>
public static class RulesetRecommender
{
    /// <summary>Text columns with at most this many distinct values get a ColumnValues … in [ … ] rule.</summary>
    public const int MaxAllowedValues = 10;

    /// <summary>DQDL text that parses, and that the data it was recommended from passes.</summary>
    public static string Recommend(DataFrame data, CancellationToken cancellation = default)
    {
        var columns = data.Schema.Columns;
        var analyzers = string.Join(", ", new[] { "RowCount" }.Concat(columns.Select(c => $"AllStatistics {new DqString(new DqdlPosition(1, 1), c.Name)}")));
        var result = RulesetEvaluation.Plan("recommend", DqRuleset.Parse($"Analyzers = [ {analyzers} ]"), data).Run(cancellation);
        var metrics = result.Outcomes.SelectMany(o => o.Metrics).GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.First().Value);
        var rows = metrics["Dataset.*.RowCount"];
        var rules = new List<string> { $"RowCount between {Num(Math.Floor(rows / 2))} and {Num(Math.Ceiling(rows * 2) + 1)}", $"ColumnCount = {columns.Length}" };
        foreach (var column in columns)
        {
            var name = new DqString(new DqdlPosition(1, 1), column.Name).ToString();
            var completeness = metrics.GetValueOrDefault($"Column.{column.Name}.Completeness");
            var distinct = metrics.GetValueOrDefault($"Column.{column.Name}.DistinctValuesCount");
            if (completeness == 1) rules.Add($"IsComplete {name}");
            else if (completeness > 0) rules.Add($"Completeness {name} >= {Num(Math.Floor(completeness * 100) / 100)}");
            if (completeness == 1 && distinct == rows && rows > 1) rules.Add($"IsUnique {name}");
            // NULLs fail a ColumnValues rule, so a column with NULLs gets a threshold at its completeness.
            var threshold = completeness < 1 ? $" with threshold >= {Num(Math.Floor(completeness * 100) / 100)}" : "";
            if (metrics.TryGetValue($"Column.{column.Name}.Minimum", out var min) && metrics.TryGetValue($"Column.{column.Name}.Maximum", out var max))
            {
                rules.Add($"ColumnValues {name} >= {Num(min)}{threshold}");
                rules.Add($"ColumnValues {name} <= {Num(max)}{threshold}");
            }
            else if (column.Type == "VARCHAR" && distinct is > 0 and <= MaxAllowedValues && rows >= 2 * distinct)
                rules.Add($"ColumnValues {name} in [{string.Join(", ", Values(data, column, cancellation))}]{threshold}");
        }
        return "# Recommended by glint dq recommend from " + Num(rows) + " rows; review before use.\nRules = [\n    " + string.Join(",\n    ", rules) + "\n]\n";
    }

    private static IEnumerable<string> Values(DataFrame data, Column column, CancellationToken cancellation) =>
        data.Select(Sql.Ident(column.Name)).Filter($"{Sql.Ident(column.Name)} IS NOT NULL").Distinct().Collect(cancellation)
            .Select(r => (string)r[0]!).Order(StringComparer.Ordinal).Select(v => new DqString(new DqdlPosition(1, 1), v).ToString());

    private static string Num(double value) => value.ToString("0.##########", CultureInfo.InvariantCulture);
}
