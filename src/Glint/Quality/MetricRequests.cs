using System.Globalization;
using System.Numerics;
using Glint.Api;
using Glint.Common;
using Glint.Plan;

namespace Glint.Quality;

/// <summary>
/// The figures a ruleset's rules ask for, gathered so that one pass computes them: every plain aggregate of every rule is
/// one column of a single aggregate over the data (partial per task, combined after), each distinct set of columns whose
/// value counts a rule needs is one grouped aggregate, and what reads other data (CustomSql, references) is one query each.
/// </summary>
internal sealed class MetricRequests(DataFrame primary)
{
    private readonly List<string> aggregates = [];
    private readonly List<DataFrame> frames = [];
    private readonly Dictionary<string, int> grouped = [];

    /// <summary>A column of the one aggregate over the data; its value once the run is done.</summary>
    public Func<MetricValues, double?> Aggregate(string sql)
    {
        var i = aggregates.IndexOf(sql);
        if (i < 0)
        {
            i = aggregates.Count;
            aggregates.Add(sql);
        }
        return v => v.Main(i);
    }

    /// <summary>A one-row query; its row once the run is done.</summary>
    public Func<MetricValues, object?[]?> Frame(DataFrame frame)
    {
        var i = frames.Count;
        frames.Add(frame);
        return v => v.Frame(i);
    }

    /// <summary>The value counts of some columns over the rows where <paramref name="where"/> holds and one of them is not NULL: groups, groups seen once, rows, Σ n·ln n.</summary>
    public Func<MetricValues, object?[]?> Counts(IReadOnlyList<string> columns, string where)
    {
        var key = string.Join("\u0001", columns) + "\u0002" + where;
        if (!grouped.TryGetValue(key, out var i))
        {
            var present = string.Join(" OR ", columns.Select(c => $"{Sql.Ident(c)} IS NOT NULL"));
            var counts = primary.Filter(where == "TRUE" ? present : $"({where}) AND ({present})")
                .GroupBy([.. columns]).Agg("count(*) AS n")
                .Agg("count(*) AS groups", "count(CASE WHEN n = 1 THEN 1 END) AS uniques", "sum(n) AS rows", "sum(n * ln(n)) AS nlogn");
            grouped[key] = i = frames.Count;
            frames.Add(counts);
        }
        return v => v.Frame(i);
    }

    /// <summary>The collecting actions, in the order <see cref="MetricValues"/> reads their rows.</summary>
    public IReadOnlyList<PlannedAction> Actions()
    {
        var all = new List<PlannedAction>();
        if (aggregates.Count > 0)
            all.Add(new PlannedAction(primary.Agg([.. aggregates.Select((a, i) => $"{a} AS m{i}")]).Plan, new CollectSink()));
        all.AddRange(frames.Select(f => new PlannedAction(f.Plan, new CollectSink())));
        return all;
    }

    /// <summary>The values, from the rows the actions collected.</summary>
    public MetricValues Values(IReadOnlyList<IReadOnlyList<object?[]>> rows) => new(rows, aggregates.Count > 0);
}

/// <summary>The collected rows of <see cref="MetricRequests.Actions"/>.</summary>
internal sealed class MetricValues(IReadOnlyList<IReadOnlyList<object?[]>> rows, bool hasMain)
{
    public double? Main(int column) => Number(rows[0].FirstOrDefault()?[column]);

    public object?[]? Frame(int i) => rows[i + (hasMain ? 1 : 0)].FirstOrDefault();

    /// <summary>A collected value as a double (DuckDB gives longs, decimals, HUGEINTs, doubles, booleans); null stays null.</summary>
    public static double? Number(object? value) => value switch
    {
        null or DBNull => null,
        BigInteger b => (double)b,
        bool b => b ? 1 : 0,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };
}
