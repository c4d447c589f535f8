using System.Collections.Immutable;
using Glint.Errors;
using Glint.Execution;
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
    public DataFrame Filter(string condition) => new(Session, Binder.Filter(Plan, condition));
    public DataFrame Where(string condition) => Filter(condition);
    /// <summary>A SELECT over the relation <c>input</c>, run on each partition separately; aggregates, windows, ORDER BY and LIMIT are refused.</summary>
    public DataFrame MapSql(string query) => new(Session, Binder.MapSql(Plan, query));
    /// <summary>All rows of both, columns matched by position (as Spark's union).</summary>
    public DataFrame Union(params DataFrame[] others) =>
        new(Session, Binder.Union([Plan, .. others.Select(o => o.Plan)]));
    public DataFrame Limit(long count) => count >= 0
        ? new(Session, new LimitNode(Plan, count))
        : throw new PlanException($"limit must not be negative ({count})");

    public DataFrameWriter Write() => new(this);

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
