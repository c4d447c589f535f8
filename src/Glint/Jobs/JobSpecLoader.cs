using Glint.Common;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Glint.Jobs;

/// <summary>Reads a YAML job spec, checks its structure and resolves relative paths against the spec's folder.</summary>
public static class JobSpecLoader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    /// <summary>A spec file, its ${name} placeholders filled from <paramref name="arguments"/> (see <see cref="SpecArguments"/>).</summary>
    public static JobSpec Load(string path, IReadOnlyDictionary<string, string>? arguments = null)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new SpecException($"job spec '{full}' does not exist");
        var text = SpecArguments.Apply(File.ReadAllText(full), arguments ?? new Dictionary<string, string>(), $"job spec '{full}'");
        return Parse(text, Path.GetDirectoryName(full)!, full);
    }

    public static JobSpec Parse(string yaml, string baseFolder, string origin = "job spec")
    {
        JobSpec? spec;
        try
        {
            SpecShape.Check(yaml, origin);
            spec = Yaml.Deserialize<JobSpec>(yaml);
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            throw new SpecException($"{origin} line {e.Start.Line}, column {e.Start.Column}: {Clean(inner)}", e);
        }
        if (spec is null) throw new SpecException($"{origin} is empty");
        foreach (var dq in spec.Transforms.Select(t => t.EvaluateDataQuality).OfType<DataQualitySpec>())
            dq.Ruleset = RulesetText(baseFolder, dq.Ruleset, origin);
        Check(spec, origin);
        foreach (var source in spec.Sources.Values.Where(s => s.Path is not null))
            source.Path = Resolve(baseFolder, source.Path!);
        foreach (var source in spec.Sources.Values.Where(s => s.Connection is not null && s.Connection.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase)))
            source.Connection = "sqlite:" + Resolve(baseFolder, source.Connection!["sqlite:".Length..]);
        foreach (var target in spec.Targets.Where(t => t.Path is not null))
            target.Path = Resolve(baseFolder, target.Path!);
        if (spec.Checkpoint is not null) spec.Checkpoint = Resolve(baseFolder, spec.Checkpoint);
        if (spec.DeadLetter?.Path is { } dead) spec.DeadLetter.Path = Resolve(baseFolder, dead);
        return spec;
    }

    /// <summary>on_failure and quarantine agree, and the ruleset parses (a mistake names its line and column) before any task.</summary>
    private static void CheckQuality(DataQualitySpec dq, string label, string origin, HashSet<string> known)
    {
        if (string.IsNullOrWhiteSpace(dq.Ruleset)) throw new SpecException($"{origin}: {label}: evaluate_data_quality needs a 'ruleset' (DQDL text or a .dqdl file)");
        if (dq.OnFailure is not ("fail" or "continue" or "quarantine"))
            throw new SpecException($"{origin}: {label}: on_failure is fail, continue or quarantine, not '{dq.OnFailure}'{Suggestions.DidYouMean(dq.OnFailure, ["fail", "continue", "quarantine"])}");
        if ((dq.OnFailure == "quarantine") != (dq.Quarantine is not null))
            throw new SpecException(dq.Quarantine is null
                ? $"{origin}: {label}: on_failure quarantine needs 'quarantine', the name a target writes the failing rows from"
                : $"{origin}: {label}: 'quarantine' goes with on_failure: quarantine");
        if (dq.Quarantine is { } q && !known.Add(q)) throw new SpecException($"{origin}: the name '{q}' is used twice");
        try { Quality.DqRuleset.Parse(dq.Ruleset); }
        catch (RulesetException e) { throw new SpecException($"{origin}: {label}: {e.Message}"); }
    }

    /// <summary>A ruleset given as a file (one line ending in .dqdl) is read; DQDL text is kept.</summary>
    private static string? RulesetText(string baseFolder, string? ruleset, string origin)
    {
        if (ruleset is null || ruleset.Contains('\n') || !ruleset.Trim().EndsWith(".dqdl", StringComparison.OrdinalIgnoreCase)) return ruleset;
        var path = Resolve(baseFolder, ruleset.Trim());
        return File.Exists(path) ? File.ReadAllText(path) : throw new SpecException($"{origin}: the ruleset file '{path}' does not exist");
    }

    private static string Resolve(string baseFolder, string path) =>
        Path.IsPathRooted(path) || Common.S3Uri.IsS3(path) ? path : Path.GetFullPath(Path.Combine(baseFolder, path));

    private static string Clean(string message) =>
        message.Replace("Property '", "unknown key '").Replace("' not found on type 'Glint.Jobs.", "' in ").TrimEnd('.') ;

    private static void Check(JobSpec spec, string origin)
    {
        if (string.IsNullOrWhiteSpace(spec.Name)) throw new SpecException($"{origin}: 'name' is required");
        if (spec.Sources.Count == 0) throw new SpecException($"{origin}: 'sources' must name at least one source");
        if (spec.Targets.Count == 0) throw new SpecException($"{origin}: 'targets' must list at least one target");
        StreamingSpec.Check(spec, origin);
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, source) in spec.Sources)
        {
            if (new[] { source.Path, source.Table, source.Connection, source.Nats is null ? null : "nats" }.Count(x => !string.IsNullOrWhiteSpace(x)) != 1)
                throw new SpecException($"{origin}: source '{name}' needs exactly one of 'path', a catalog 'table' (database.table), a database 'connection' or a 'nats' stream");
            if (source.PushDownPredicate is not null && source.Table is null)
                throw new SpecException($"{origin}: source '{name}': push_down_predicate goes with a catalog 'table'");
            known.Add(name);
        }
        foreach (var (t, i) in spec.Transforms.Select((t, i) => (t, i)))
        {
            var label = t.Name is null ? $"transform #{i + 1}" : $"transform '{t.Name}'";
            if (string.IsNullOrWhiteSpace(t.Name)) throw new SpecException($"{origin}: {label} needs a 'name'");
            if (!known.Add(t.Name)) throw new SpecException($"{origin}: the name '{t.Name}' is used twice");
            var aggregate = t.GroupBy is not null || t.Agg is not null ? (object)true : null;
            var operations = new object?[] { t.Sql, t.Filter, t.Select, t.WithColumns, t.MapSql, t.Union, t.Limit, aggregate, t.Distinct, t.DropDuplicates, t.Repartition, t.Coalesce, t.Join, t.Window, t.OrderBy, t.SortWithinPartitions, t.EvaluateDataQuality }
                .Count(o => o is not null);
            if (operations != 1)
                throw new SpecException($"{origin}: {label} must have exactly one of sql, filter, select, with_columns, map_sql, union, limit, group_by/agg, distinct, drop_duplicates, repartition, coalesce, join, window, order_by, sort_within_partitions, evaluate_data_quality (it has {operations})");
            if (t.EvaluateDataQuality is { } dq) CheckQuality(dq, label, origin, known);
            if (t.Salt is not null && t.GroupBy is null)
                throw new SpecException($"{origin}: {label}: salt goes with group_by");
            if (t.EventWindow is { } window) StreamingSpec.CheckWindow(spec, t, window, label, origin);
            if (t.RepartitionBy is not null && t.Repartition is null)
                throw new SpecException($"{origin}: {label}: repartition_by needs repartition (the number of partitions)");
            if (t.Join is not null && (t.Join.With is null || (t.Join.On.Count == 0) == (t.Join.LeftOn.Count == 0 && t.Join.RightOn.Count == 0)))
                throw new SpecException($"{origin}: {label}: join needs 'with' (the right side) and either 'on' (key columns named alike on both sides) or 'left_on' and 'right_on'");
            if (t.Join is { LeftOn: var l, RightOn: var r } && l.Count != r.Count)
                throw new SpecException($"{origin}: {label}: join has {l.Count} left_on key(s) but {r.Count} right_on key(s); they pair up in order");
            if (t.Join is { Salt: not null, LeftOn.Count: > 0 })
                throw new SpecException($"{origin}: {label}: a salted join takes 'on' (one key named alike on both sides)");
            var inputs = t.Union ?? (t.From is null ? [] : [t.From]);
            if (t.Join?.With is { } right) inputs = [.. inputs, right];
            if (t.Sql is not null && (t.From is not null || t.Union is not null))
                throw new SpecException($"{origin}: {label}: a sql transform names its inputs in its FROM clause; remove 'from'");
            if (t.Union is null && t.From is null && t.Sql is null) throw new SpecException($"{origin}: {label} needs 'from'");
            if (t.Union is not null && t.Union.Count < 2) throw new SpecException($"{origin}: {label}: union needs at least two inputs");
            foreach (var input in inputs.Where(x => !known.Contains(x) || string.Equals(x, t.Name, StringComparison.OrdinalIgnoreCase)))
                throw new SpecException($"{origin}: {label} reads '{input}', which is not a source or an earlier transform");
        }
        foreach (var (target, i) in spec.Targets.Select((t, i) => (t, i)))
        {
            var files = !string.IsNullOrWhiteSpace(target.Path) || !string.IsNullOrWhiteSpace(target.Table);
            if (files == !string.IsNullOrWhiteSpace(target.Connection))
                throw new SpecException($"{origin}: target #{i + 1} needs a 'path', a catalog 'table' (optionally with its 'path'), or a database 'connection' (with 'dbtable') — one of them");
            if (target.Connection is not null && string.IsNullOrWhiteSpace(target.Dbtable))
                throw new SpecException($"{origin}: target #{i + 1} writes to a database: name the table with 'dbtable'");
            if (target.From is null || !known.Contains(target.From))
                throw new SpecException($"{origin}: target '{target.Path}' reads '{target.From}', which is not a source or transform");
        }
        foreach (var t in spec.Transforms.Where(t => t.EvaluateDataQuality?.Quarantine is { } q && !spec.Targets.Any(x => string.Equals(x.From, q, StringComparison.OrdinalIgnoreCase))))
            throw new SpecException($"{origin}: transform '{t.Name}' quarantines rows as '{t.EvaluateDataQuality!.Quarantine}', but no target writes them (add a target with from: {t.EvaluateDataQuality.Quarantine})");
    }
}
