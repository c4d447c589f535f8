using System.Collections.Immutable;
using Glint.Api;
using Glint.Common;
using Glint.Execution;

namespace Glint.Quality;

internal static partial class RuleChecks
{
    private static readonly string[] NumericTypes = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE"];

    /// <summary>Rules on value counts (one grouped aggregate per set of columns): uniqueness, distinct values, entropy, primary keys.</summary>
    private static Finish Frequencies(Leaf leaf)
    {
        var call = leaf.Call;
        var columns = call.Parameters.Select((_, i) => leaf.Column(i)).ToList();
        var names = call.Parameters.Select(p => leaf.Ctx.Primary.Schema.Require(p, call.Type).Name).ToList();
        var counts = leaf.Ctx.Requests.Counts(names, leaf.Where);
        var rows = leaf.Count();
        var complete = columns.Select(c => leaf.Ctx.Requests.Aggregate(Leaf.CountWhere(leaf.And($"{c} IS NOT NULL")))).ToList();
        double? Of(MetricValues v, int i) => MetricValues.Number(counts(v)?[i]);
        Func<MetricValues, double?> uniqueness = v => Ratio(Of(v, 1), rows(v));
        return call.Type switch
        {
            "Uniqueness" => leaf.Metric(leaf.Key("Uniqueness"), uniqueness),
            "UniqueValueRatio" => leaf.Metric(leaf.Key("UniqueValueRatio"), v => rows(v) is > 0 ? Ratio(Of(v, 1), Of(v, 0)) ?? 0 : null),
            "DistinctValuesCount" => leaf.Metric(leaf.Key("DistinctValuesCount"), v => rows(v) is > 0 ? Of(v, 0) : null),
            "Entropy" => leaf.Metric(leaf.Key("Entropy"), v => Entropy(rows(v), Of(v, 2), Of(v, 3))),
            "IsUnique" => v => uniqueness(v) is { } u
                ? leaf.Result(u == 1, $"{leaf.Key("Uniqueness")} is {Show(u)}: not every row has a value of its own", (leaf.Key("Uniqueness"), u))
                : leaf.NoRows(),
            _ => v =>
            {
                if (uniqueness(v) is not { } u) return leaf.NoRows();
                var nulls = complete.Select(c => rows(v) - c(v)).ToList();
                var metrics = names.Select((n, i) => ($"Column.{n}.Completeness", complete[i](v)!.Value / rows(v)!.Value)).Append((leaf.Key("Uniqueness"), u));
                return leaf.Result(u == 1 && nulls.All(n => n == 0), u == 1 ? "a key column has NULL values" : $"{leaf.Key("Uniqueness")} is {Show(u)}: keys repeat", [.. metrics]);
            },
        };
    }

    /// <summary>−Σ p·ln p with p = n / rows (rows counts NULLs too, as DQDL's reference evaluator does).</summary>
    private static double? Entropy(double? rows, double? nonNull, double? nLogN) =>
        rows is not > 0 ? null : nonNull is not > 0 ? 0 : nonNull.Value / rows.Value * Math.Log(rows.Value) - nLogN!.Value / rows.Value;

    private static Finish AllStatistics(Leaf leaf)
    {
        var column = leaf.Ctx.Primary.Schema.Require(leaf.Call.Parameters[0], "AllStatistics");
        var c = leaf.Column(0);
        var r = leaf.Ctx.Requests;
        var rows = leaf.Count();
        var present = r.Aggregate(Leaf.CountWhere(leaf.And($"{c} IS NOT NULL")));
        var counts = r.Counts([column.Name], leaf.Where);
        var numeric = NumericTypes.Contains(column.Type) || column.Type.StartsWith("DECIMAL", StringComparison.Ordinal);
        var stats = numeric
            ? new[] { "Mean", "Sum", "StandardDeviation", "Minimum", "Maximum" }.Zip(new[] { Mean(leaf), Sum(leaf), Moments(leaf, sqrt: true),
                r.Aggregate($"min({leaf.Only($"CAST({c} AS DOUBLE)")})"), r.Aggregate($"max({leaf.Only($"CAST({c} AS DOUBLE)")})") }).ToList()
            : [];
        return v =>
        {
            if (rows(v) is not > 0) return leaf.NoRows();
            var metrics = new List<(string, double)> { (leaf.Key("Completeness"), present(v)!.Value / rows(v)!.Value),
                (leaf.Key("DistinctValuesCount"), MetricValues.Number(counts(v)?[0]) ?? 0) };
            metrics.AddRange(stats.Where(s => s.Second(v) is not null).Select(s => (leaf.Key(s.First), s.Second(v)!.Value)));
            return leaf.Result(true, "", [.. metrics]);
        };
    }

    /// <summary>DetectAnomalies: the watched metric is an anomaly when it lies more than three standard deviations from its mean over the job's last 10 runs.</summary>
    private static Finish Anomalies(Leaf leaf)
    {
        var call = leaf.Call;
        var inner = new DqRuleCall(call.At, call.Parameters[0], [.. call.Parameters.Skip(1)], null, null, ImmutableDictionary<string, string>.Empty, null);
        if (!RuleType.All.TryGetValue(inner.Type, out var type) || type.Condition != ConditionKind.Number)
            throw new PlanException($"DetectAnomalies watches a metric rule (RowCount, Completeness, Mean …), not '{inner.Type}'", inner.Type);
        if (inner.Parameters.Length != type.MinParameters)
            throw new PlanException($"DetectAnomalies \"{inner.Type}\" needs {type.MinParameters} column name(s) after it", inner.Type);
        var watched = new Leaf(inner, leaf.Ctx, analyzer: true);
        var metric = PlanCall(inner, watched);
        var key = watched.MainMetric!;
        return v =>
        {
            var result = metric(v);
            if (!result.Metrics.TryGetValue(key, out var x)) return result with { Outcome = QualityOutcome.Error };
            var history = leaf.Ctx.History(call.ToString(), key, 10);
            if (history.Count < 3) return new RuleResult(QualityOutcome.Passed, $"{history.Count} earlier runs; anomalies are looked for from 3 on", result.Metrics);
            var mean = history.Average();
            var sd = Math.Sqrt(history.Sum(h => (h - mean) * (h - mean)) / history.Count);
            var ok = Math.Abs(x - mean) <= 3 * sd;
            return new RuleResult(ok ? QualityOutcome.Passed : QualityOutcome.Failed,
                ok ? null : $"{key} is {Show(x)}, outside {Show(mean - 3 * sd)} to {Show(mean + 3 * sd)} (mean ± 3σ of the last {history.Count} runs)", result.Metrics);
        };
    }

    /// <summary>Rules that read other data: CustomSql, referential integrity, dataset, row count, schema and aggregate matches.</summary>
    private static Finish PlanDataset(DqRuleCall call, Leaf leaf) => call.Type switch
    {
        "CustomSql" => CustomSql(leaf),
        "ReferentialIntegrity" => ReferentialIntegrity(leaf),
        "DatasetMatch" => DatasetMatch(leaf),
        "RowCountMatch" => RowCountMatch(leaf),
        "SchemaMatch" => SchemaMatch(leaf),
        "AggregateMatch" => AggregateMatch(leaf),
        _ => throw new PlanException($"rule type {call.Type} is not evaluated", call.Type),
    };

    private static IReadOnlyDictionary<string, DataFrame> Inputs(RuleContext ctx) =>
        new Dictionary<string, DataFrame>(ctx.References, StringComparer.OrdinalIgnoreCase) { ["primary"] = ctx.Primary };

    /// <summary>Reference data by alias: one the job or command named, else a catalog table ("db.table").</summary>
    private static DataFrame Reference(RuleContext ctx, string alias)
    {
        if (ctx.References.TryGetValue(alias, out var frame)) return frame;
        if (alias.Contains('.')) return ctx.Primary.Session.Table(alias);
        throw new PlanException($"no reference data named '{alias}'{Suggestions.DidYouMean(alias, ctx.References.Keys)}; " +
            "name a job source or transform, give --reference <name>=<path or db.table> to glint dq check, or name a catalog table as db.table", alias);
    }

    private static Finish CustomSql(Leaf leaf)
    {
        var query = leaf.Ctx.Primary.Session.Sql(PrimaryName.Quoted(leaf.Call.Parameters[0]), Inputs(leaf.Ctx));
        if (query.Schema.Columns.Length != 1)
            throw new PlanException($"CustomSql must return one column (a number), not {query.Schema.Columns.Length}", leaf.Call.Parameters[0]);
        var row = leaf.Ctx.Requests.Frame(query.Limit(2));
        return leaf.Metric("Dataset.*.CustomSQL", v => MetricValues.Number(row(v)?[0]));
    }

    private static Finish ReferentialIntegrity(Leaf leaf)
    {
        var left = leaf.Call.Parameters[0].Split(',', StringSplitOptions.TrimEntries);
        var (alias, right) = Qualified(leaf.Call.Parameters[1]);
        if (left.Length != right.Length)
            throw new PlanException($"ReferentialIntegrity pairs {left.Length} column(s) with {right.Length}", leaf.Call.Parameters[1]);
        var reference = Reference(leaf.Ctx, alias);
        var keyed = reference.Select([.. right.Select((c, i) => $"{Sql.Ident(reference.Schema.Require(c, alias).Name)} AS \"__ref{i}\"")]);
        foreach (var c in left) leaf.Ctx.Primary.Schema.Require(c, "ReferentialIntegrity");
        var found = leaf.Ctx.Requests.Frame(leaf.Ctx.Primary.Join(keyed, left, [.. right.Select((_, i) => $"__ref{i}")], "semi").Agg("count(*)"));
        var rows = leaf.Count();
        return leaf.Metric($"Column.{leaf.Call.Parameters[0]}.ReferentialIntegrity", v => Ratio(MetricValues.Number(found(v)?[0]), rows(v)));
    }

    /// <summary>"alias.column" or "alias.{a,b}" (the alias may itself be db.table).</summary>
    private static (string Alias, string[] Columns) Qualified(string text)
    {
        var brace = text.IndexOf(".{", StringComparison.Ordinal);
        if (brace > 0 && text.EndsWith('}')) return (text[..brace], text[(brace + 2)..^1].Split(',', StringSplitOptions.TrimEntries));
        var dot = text.LastIndexOf('.');
        if (dot <= 0) throw new PlanException($"\"{text}\" must name the reference and its column(s): \"reference.column\" or \"reference.{{a,b}}\"", text);
        return (text[..dot], [text[(dot + 1)..]]);
    }

    private static Finish DatasetMatch(Leaf leaf)
    {
        var p = leaf.Call.Parameters;
        var reference = Reference(leaf.Ctx, p[0]);
        var primary = leaf.Ctx.Primary;
        var keys = Mappings(p[1]);
        var matched = p.Length > 2 ? Mappings(p[2])
            : primary.Schema.Names.Where(n => !keys.Any(k => k.Left.Equals(n, StringComparison.OrdinalIgnoreCase)) && reference.Schema.Find(n) is not null)
                .Select(n => (Left: n, Right: n)).ToList();
        foreach (var (l, _) in keys.Concat(matched)) primary.Schema.Require(l, "DatasetMatch");
        var selected = reference.Select([.. keys.Select((k, i) => $"{Sql.Ident(reference.Schema.Require(k.Right, p[0]).Name)} AS \"__k{i}\""),
            .. matched.Select((m, i) => $"{Sql.Ident(reference.Schema.Require(m.Right, p[0]).Name)} AS \"__m{i}\"")]);
        var condition = matched.Count == 0 ? null : string.Join(" AND ", matched.Select((m, i) => $"l.{Sql.Ident(m.Left)} IS NOT DISTINCT FROM r.\"__m{i}\""));
        var joined = primary.Join(selected, [.. keys.Select(k => k.Left)], [.. keys.Select((_, i) => $"__k{i}")], "inner", false, condition).Agg("count(*)");
        var found = leaf.Ctx.Requests.Frame(joined);
        var rows = leaf.Count();
        return leaf.Metric("Dataset.*.DatasetMatch", v => Ratio(MetricValues.Number(found(v)?[0]), rows(v)));
    }

    /// <summary>"a->b,c->d" (or "a,c" for the same names on both sides).</summary>
    private static List<(string Left, string Right)> Mappings(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(m =>
        {
            var parts = m.Split("->", StringSplitOptions.TrimEntries);
            return parts.Length == 2 ? (parts[0], parts[1]) : (parts[0], parts[0]);
        })];

    private static Finish RowCountMatch(Leaf leaf)
    {
        var other = leaf.Ctx.Requests.Frame(Reference(leaf.Ctx, leaf.Call.Parameters[0]).Agg("count(*)"));
        var rows = leaf.Count();
        return leaf.Metric("Dataset.*.RowCountMatch", v => Ratio(rows(v), MetricValues.Number(other(v)?[0])));
    }

    private static Finish SchemaMatch(Leaf leaf)
    {
        var (mine, theirs) = (leaf.Ctx.Primary.Schema, Reference(leaf.Ctx, leaf.Call.Parameters[0]).Schema);
        var same = mine.Columns.Count(c => theirs.Find(c.Name) is { } o && o.Type == c.Type);
        return leaf.Metric("Dataset.*.SchemaMatch", _ => (double)same / Math.Max(mine.Columns.Length, theirs.Columns.Length));
    }

    private static Finish AggregateMatch(Leaf leaf)
    {
        var inputs = Inputs(leaf.Ctx);
        Func<MetricValues, object?[]?> Value(string expression)
        {
            var alias = leaf.Ctx.References.Keys.FirstOrDefault(k => expression.Contains(k + ".", StringComparison.OrdinalIgnoreCase)) ?? "primary";
            return leaf.Ctx.Requests.Frame(leaf.Ctx.Primary.Session.Sql($"SELECT {expression} FROM {Sql.Ident(alias)} AS {Sql.Ident(alias)}", inputs));
        }
        var (first, second) = (Value(leaf.Call.Parameters[0]), Value(leaf.Call.Parameters[1]));
        return leaf.Metric("Dataset.*.AggregateMatch", v =>
        {
            var (a, b) = (MetricValues.Number(first(v)?[0]), MetricValues.Number(second(v)?[0]));
            return b == 0 ? a == 0 ? 1 : null : a / b;
        });
    }
}
