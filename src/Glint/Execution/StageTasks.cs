using System.Collections.Immutable;
using System.Text;
using Glint.Common;
using Glint.Plan;
using Glint.Storage;

namespace Glint.Execution;

/// <summary>Makes a stage's tasks: for every split (or gathered input) the SQL of its pipeline and where its rows go.</summary>
internal static class StageTasks
{
    public static ImmutableArray<TaskSpec> Tasks(Stage stage, RunContext run, IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> upstream) =>
        Tasks(stage, run, upstream, out _);

    /// <summary>The stage's tasks, with the adaptive decisions taken from its upstream stages' real sizes.</summary>
    public static ImmutableArray<TaskSpec> Tasks(Stage stage, RunContext run, IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> upstream,
        out ImmutableArray<Adaptive.AdaptiveDecision> decisions)
    {
        var builder = new StageTaskBuilder(stage, run, upstream);
        var tasks = builder.Build();
        decisions = builder.Decisions;
        return tasks;
    }

    /// <summary>The read of one split: whole files in one scan, each row range of a large file in its own.</summary>
    public static string ScanSplit(FileSource source, InputSplit split, int listed = int.MaxValue)
    {
        var parts = new List<string>();
        var whole = split.Slices.Where(s => s.Rows is null).Select(s => s.File.Path).ToList();
        if (whole.Count > 0) parts.Add(ScanSql.Render(source, whole, listed: listed));
        parts.AddRange(split.Slices.Where(s => s.Rows is not null).Select(s => ScanSql.Render(source, [s.File.Path], s.Rows, listed)));
        return string.Join(" UNION ALL ", parts);
    }

    /// <summary>Chains the operators as CTEs over the input; each step reads the one before.</summary>
    public static string Compose(string input, ImmutableArray<PhysicalOperator> operators, string prelude = "")
    {
        var sql = new StringBuilder("WITH ").Append(prelude).Append("step0 AS (").Append(input).Append(')');
        for (var i = 0; i < operators.Length; i++)
            sql.Append($",\n     step{i + 1} AS ({operators[i].Render($"step{i}")})");
        return sql.Append($"\nSELECT * FROM step{operators.Length}").ToString();
    }
}
