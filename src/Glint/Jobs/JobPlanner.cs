using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;
using Glint.Storage;

namespace Glint.Jobs;

/// <summary>How a run narrows its sources once they are resolved: file sources and database sources.</summary>
public sealed record SourceRewrites(
    Func<string, FileSource, FileSource>? Files = null,
    Func<string, Storage.Databases.DatabaseSource, Storage.Databases.DatabaseSource>? Databases = null);

/// <summary>Turns a job spec into session options and the write actions of one run.</summary>
public static class JobPlanner
{
    /// <summary>Session options from the spec, then the command line's overrides.</summary>
    public static SessionOptions Options(JobSpec spec, SessionOptions defaults, string? workerType = null, int? workers = null,
        IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        var type = workerType ?? spec.WorkerType;
        var count = workers ?? spec.NumberOfWorkers ?? defaults.NumberOfWorkers;
        SessionOptions.CheckWorkers(count);
        // The local pool's size limit is checked once the pool is known (a cluster's executors bring their own): SessionOptions.Checked.
        return defaults with
        {
            WorkerType = type is null ? defaults.WorkerType : WorkerType.Parse(type),
            NumberOfWorkers = count,
            Settings = defaults.Settings.With(spec.Settings).With(settings ?? []),
        };
    }

    /// <param name="sources">rewrites each source once resolved (job bookmarks keep only new and changed files, or rows past the last key)</param>
    public static IReadOnlyList<PlannedAction> Actions(JobSpec spec, GlintSession session, SourceRewrites? sources = null) =>
        Plan(spec, session, sources).Actions;

    /// <summary>The run's actions (its targets, then the metrics of its quality gates) and the gate that decides on them before the commit.</summary>
    /// <param name="history">each ruleset's metric history, by transform name (dynamic rules); none for a spec never run</param>
    public static JobPlan Plan(JobSpec spec, GlintSession session, SourceRewrites? sources = null, Func<string, Quality.MetricHistory>? history = null)
    {
        var gates = new QualityGates();
        var frames = Build(spec, session, sources, gates, history);
        IReadOnlyList<PlannedAction> targets = [.. spec.Targets.Select(target => Target(target, frames))];
        return new JobPlan([.. targets, .. gates.Actions], gates.Gate());
    }

    private static PlannedAction Target(TargetSpec target, IReadOnlyDictionary<string, DataFrame> frames)
    {
        {
            var writer = frames[target.From!].Write().PartitionBy([.. target.PartitionBy]);
            if (target.Format is not null) writer.Format(target.Format);
            if (target.Mode is not null) writer.Mode(target.Mode);
            if (target.Connection is { } connection)
                return writer.UpsertKeys([.. target.UpsertKeys]).ToDatabaseAction(connection, target.Dbtable!);
            return target.Table is { } table ? writer.ToTableAction(table, target.Path) : writer.ToAction(target.Path!);
        }
    }

    /// <summary>Every source and transform of the spec as a DataFrame, by name.</summary>
    public static IReadOnlyDictionary<string, DataFrame> Frames(JobSpec spec, GlintSession session, SourceRewrites? sources = null) =>
        Build(spec, session, sources, new QualityGates(), null);

    private static Dictionary<string, DataFrame> Build(JobSpec spec, GlintSession session, SourceRewrites? sources, QualityGates gates,
        Func<string, Quality.MetricHistory>? history)
    {
        var frames = new Dictionary<string, DataFrame>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, source) in spec.Sources)
        {
            if (source.Table is { } table)
            {
                frames[name] = session.Table(table, source.PushDownPredicate);
                continue;
            }
            var reader = source.Connection is null ? session.Read.Format(source.Format) : session.Read;
            foreach (var (k, v) in source.Options) reader.Option(k, v);
            var frame = source.Connection is { } connection ? reader.Database(connection) : reader.Load(source.Path!);
            frames[name] = frame.Plan switch
            {
                ScanNode scan when sources?.Files is { } files => new DataFrame(session, new ScanNode(files(name, scan.Source))),
                DatabaseScanNode scan when sources?.Databases is { } databases => new DataFrame(session, new DatabaseScanNode(databases(name, scan.Source))),
                _ => frame,
            };
        }
        foreach (var t in spec.Transforms)
        {
            try
            {
                if (t.EvaluateDataQuality is { } dq) gates.Add(t.Name!, dq, frames[t.From!], frames, history?.Invoke(t.Name!));
                else frames[t.Name!] = Apply(t, frames, session);
            }
            catch (PlanException e) { throw new PlanException($"transform '{t.Name}': {e.Message}", e.Subject, e); }
        }
        return frames;
    }

    private static DataFrame Apply(TransformSpec t, Dictionary<string, DataFrame> frames, GlintSession session)
    {
        if (t.Sql is not null) return session.Sql(t.Sql, frames);
        if (t.Union is not null)
            return frames[t.Union[0]].Union([.. t.Union.Skip(1).Select(n => frames[n])]);
        var input = frames[t.From!];
        if (t.Filter is not null) return input.Filter(t.Filter);
        if (t.Select is not null) return input.Select([.. t.Select]);
        if (t.MapSql is not null) return input.MapSql(t.MapSql);
        if (t.Limit is not null) return input.Limit(t.Limit.Value);
        if (t.GroupBy is not null || t.Agg is not null)
            return t.Salt is { } saltBuckets
                ? input.GroupBy([.. t.GroupBy ?? []]).Agg(saltBuckets, [.. t.Agg ?? []])
                : input.GroupBy([.. t.GroupBy ?? []]).Agg([.. t.Agg ?? []]);
        if (t.Distinct is not null) return t.Distinct.Value ? input.Distinct() : input;
        if (t.OrderBy is not null) return input.OrderBy([.. t.OrderBy]);
        if (t.SortWithinPartitions is not null) return input.SortWithinPartitions([.. t.SortWithinPartitions]);
        if (t.Window is not null) return input.Window([.. t.Window]);
        if (t.DropDuplicates is not null) return input.DropDuplicates([.. t.DropDuplicates]);
        if (t.Coalesce is not null) return input.Coalesce(t.Coalesce.Value);
        if (t.Repartition is not null) return input.Repartition(t.Repartition.Value, [.. t.RepartitionBy ?? []]);
        if (t.Join is { Salt: { } salt } salted)
            return input.Join(frames[salted.With!], [.. salted.On], salted.How, salt.Buckets, [.. salt.HotKeys], salted.Condition);
        if (t.Join is { LeftOn.Count: > 0 } keyed)
            return input.Join(frames[keyed.With!], [.. keyed.LeftOn], [.. keyed.RightOn], keyed.How, keyed.Broadcast, keyed.Condition);
        if (t.Join is { } join) return input.Join(frames[join.With!], [.. join.On], join.How, join.Broadcast, join.Condition);
        return t.WithColumns!.Aggregate(input, (df, kv) => df.WithColumn(kv.Key, kv.Value));
    }
}
