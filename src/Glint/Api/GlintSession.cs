using System.Collections.Concurrent;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;
using Glint.SqlFrontend;

namespace Glint.Api;

/// <summary>Entry point of the DataFrame API: reads sources and runs actions on a local worker pool.</summary>
public sealed class GlintSession(SessionOptions? options = null)
{
    public SessionOptions Options { get; } = (options ?? new SessionOptions()).Checked();

    private readonly ConcurrentDictionary<string, DataFrame> tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<IMetastore> catalog = new(() => Metastores.Open((options ?? new SessionOptions()).Metastore, (options ?? new SessionOptions()).Home));

    /// <summary>The data catalog (opened on first use).</summary>
    public IMetastore Catalog => catalog.Value;

    /// <summary>
    /// A catalog table by name ("db.table"). A push-down predicate on partition columns prunes
    /// partitions in the metastore, so only the kept partitions' folders are listed.
    /// </summary>
    public DataFrame Table(string name, string? pushDownPredicate = null) =>
        new(this, CatalogTables.Node(Catalog, name, pushDownPredicate, Options.Settings.S3));

    /// <summary>Starts reading a file source.</summary>
    public DataFrameReader Read => new(this);

    /// <summary>Names a DataFrame for <see cref="Sql(string)"/> (as Spark's createOrReplaceTempView).</summary>
    public void RegisterTable(string name, DataFrame frame)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new PlanException("a table needs a name", "name");
        tables[name] = frame;
    }

    /// <summary>A SELECT over the tables registered with <see cref="RegisterTable"/>, planned into distributed stages.</summary>
    public DataFrame Sql(string query) => Sql(query, tables);

    /// <summary>A SELECT whose FROM names the given DataFrames; it may read nothing else.</summary>
    /// <remarks>Qualified names (db.table) read catalog tables.</remarks>
    public DataFrame Sql(string query, IReadOnlyDictionary<string, DataFrame> inputs) =>
        new(this, SqlPlanner.Plan(query, inputs.ToDictionary(kv => kv.Key, kv => kv.Value.Plan, StringComparer.OrdinalIgnoreCase),
            (database, name) => CatalogTables.Node(Catalog, CatalogSource.Find(Catalog, $"{database}.{name}"), null, listFiles: false, Options.Settings.S3)));

    /// <summary>Plans and runs several actions as one run; their targets commit together after every task succeeded.</summary>
    /// <param name="gate">checks the collected rows of the run before its commit, and may stop it (data-quality rules)</param>
    public RunOutcome Run(IReadOnlyList<PlannedAction> actions, CancellationToken cancellation = default, RunGate? gate = null)
    {
        actions = Optimized(actions);
        var plan = PlanRewritten(actions);
        // Catalog tables learn of their new files and partitions as part of the commit (and of its recovery).
        var tables = actions.Where(a => a.Sink is TargetSink { Target.Table: not null })
            .Select(a => new Execution.Commit.CatalogRegistration(((TargetSink)a.Sink).Target, a.Root.Schema)).ToList();
        return new RunDriver(Options).Execute(plan, cancellation, tables, gate);
    }

    /// <summary>The physical plan of some actions, checked but not run.</summary>
    public PhysicalPlan Plan(IReadOnlyList<PlannedAction> actions) => PlanRewritten(Optimized(actions));

    /// <summary>Explain text of some actions.</summary>
    public string Explain(IReadOnlyList<PlannedAction> actions, bool allSplits = false)
    {
        actions = Optimized(actions);
        return Explainer.Explain(actions, PlanRewritten(actions), Options, allSplits);
    }

    /// <summary>The physical plan of actions the logical rewrites have already been applied to (they run once per action list).</summary>
    private PhysicalPlan PlanRewritten(IReadOnlyList<PlannedAction> actions) => new PhysicalPlanner(Options.Settings, Options.Slots).Plan(actions);

    /// <summary>The actions with logical rewrites applied: scans narrowed to the columns read above a shuffle (idempotent).</summary>
    private static IReadOnlyList<PlannedAction> Optimized(IReadOnlyList<PlannedAction> actions) =>
        [.. actions.Zip(SqlFrontend.ColumnPruning.Apply([.. actions.Select(a => a.Root)]), (a, root) => a with { Root = root })];
}
