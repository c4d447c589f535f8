using Glint.Common;
using Glint.Plan;

namespace Glint.Api;

/// <summary>A lazy, immutable relation. Transformations check their SQL at once and return a new DataFrame; actions run tasks.</summary>
public sealed class DataFrame
{
    internal DataFrame(GlintSession session, LogicalNode plan)
    {
        Session = session;
        Plan = plan;
    }

    public GlintSession Session { get; }
    public LogicalNode Plan { get; }
    public Schema Schema => Plan.Schema;

    public DataFrame Select(params string[] expressions) => new(Session, Binder.Project(Plan, [.. expressions]));
    public DataFrame WithColumn(string name, string expression) => new(Session, Binder.WithColumn(Plan, name, expression));
    /// <summary>Rows where the condition holds; its conjuncts on partition columns also prune the files read (as a SQL WHERE does).</summary>
    public DataFrame Filter(string condition)
    {
        var filter = Binder.Filter(Plan, condition);
        return new(Session, filter with { Input = SqlFrontend.FilterPushdown.Prune(Plan, condition) });
    }
    public DataFrame Where(string condition) => Filter(condition);
    /// <summary>A SELECT over the relation <c>input</c>, run on each partition separately; aggregates, windows, ORDER BY and LIMIT are refused.</summary>
    public DataFrame MapSql(string query) => new(Session, Binder.MapSql(Plan, query));
    /// <summary>All rows of both, columns matched by position (as Spark's union).</summary>
    public DataFrame Union(params DataFrame[] others) =>
        new(Session, Binder.Union([Plan, .. others.Select(o => o.Plan)]));
    public DataFrame Limit(long count) => count >= 0
        ? new(Session, new LimitNode(Plan, count))
        : throw new PlanException($"limit must not be negative ({count})");

    /// <summary>Groups by key columns; finish with <c>GroupedData.Agg</c>.</summary>
    public GroupedData GroupBy(params string[] keys) => new(this, [.. keys]);

    /// <summary>One row per group of all rows (an aggregate without keys).</summary>
    public DataFrame Agg(params string[] aggregates) => GroupBy().Agg(aggregates);

    /// <summary>Distinct rows (a shuffle on all columns, deduplicated before and after it).</summary>
    public DataFrame Distinct() => new(Session, new DistinctNode(Plan, []));

    /// <summary>One row per distinct value of the columns (which row is unspecified), as Spark's dropDuplicates.</summary>
    public DataFrame DropDuplicates(params string[] columns)
    {
        foreach (var c in columns) Schema.Require(c, "drop_duplicates");
        return new(Session, new DistinctNode(Plan, [.. columns]));
    }

    /// <summary>At most <paramref name="partitions"/> tasks for the file splits below, without a shuffle.</summary>
    public DataFrame Coalesce(int partitions) => partitions >= 1
        ? new(Session, new CoalesceNode(Plan, partitions))
        : throw new PlanException($"coalesce: the number of partitions must be at least 1, not {partitions}");

    /// <summary>Redistributes rows into <paramref name="partitions"/> partitions: by a hash of the columns, or round-robin without columns.</summary>
    public DataFrame Repartition(int partitions, params string[] columns) =>
        new(Session, WideBinder.Repartition(Plan, partitions, [.. columns]));

    /// <summary>Equi-join on key columns present on both sides; how is inner, left, right, full, semi or anti.</summary>
    /// <param name="condition">an extra condition on matching rows, e.g. "l.amount > r.credit" (sides aliased l and r)</param>
    public DataFrame Join(DataFrame other, string[] on, string how = "inner", bool broadcast = false, string? condition = null) =>
        new(Session, WideBinder.Join(Plan, other.Plan, [.. on], JoinTypes.Parse(how), broadcast, condition));

    /// <summary>A join on keys named differently on each side (Glue's <c>Join.apply(frame1, frame2, keys1, keys2)</c>); both sides' key columns stay.</summary>
    public DataFrame Join(DataFrame other, string[] leftOn, string[] rightOn, string how = "inner", bool broadcast = false, string? condition = null) =>
        new(Session, WideBinder.Join(Plan, other.Plan, [.. leftOn], [.. rightOn], JoinTypes.Parse(how), broadcast, condition));

    /// <summary>A shuffle join that spreads the rows of known hot key values over <paramref name="saltBuckets"/> buckets.</summary>
    public DataFrame Join(DataFrame other, string[] on, string how, int saltBuckets, string[] hotKeys, string? condition = null) =>
        new(Session, WideBinder.Salted(WideBinder.Join(Plan, other.Plan, [.. on], JoinTypes.Parse(how), broadcast: false, condition), saltBuckets, [.. hotKeys]));

    /// <summary>Adds window-function columns, e.g. "row_number() OVER (PARTITION BY customer ORDER BY ts) AS rn".</summary>
    public DataFrame Window(params string[] columns) => new(Session, WideBinder.Window(Plan, [.. columns]));

    /// <summary>A total order across tasks and output files, e.g. OrderBy("amount DESC", "id"); range-partitioned on sampled boundaries.</summary>
    public DataFrame OrderBy(params string[] keys) => new(Session, WideBinder.Sort(Plan, keys, global: true));

    /// <summary>Sorts the rows of each task only (no shuffle).</summary>
    public DataFrame SortWithinPartitions(params string[] keys) => new(Session, WideBinder.Sort(Plan, keys, global: false));

    public DataFrameWriter Write() => new(this);

    /// <summary>Names this DataFrame for the session's SQL (Spark's createOrReplaceTempView).</summary>
    public void CreateOrReplaceTempView(string name) => Session.RegisterTable(name, this);

    /// <summary>Number of rows.</summary>
    public long Count(CancellationToken cancellation = default)
    {
        var outcome = Session.Run([new PlannedAction(Plan, new CountSink())], cancellation);
        return outcome.Counts.Values.Single();
    }

    /// <summary>All rows, for small results (at most the collect_max_rows setting).</summary>
    public IReadOnlyList<object?[]> Collect(CancellationToken cancellation = default)
    {
        var outcome = Session.Run([new PlannedAction(Plan, new CollectSink())], cancellation);
        return outcome.Rows.Values.Single();
    }

    public string Explain(bool allSplits = false) => Session.Explain([new PlannedAction(Plan, new CollectSink())], allSplits);
}
