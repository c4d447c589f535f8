using System.Collections.Immutable;
using System.Text;
using Glint.Plan;
using Glint.Storage;

namespace Glint.Execution;

/// <summary>Makes a stage's tasks: for every split (or gathered input) the SQL of its pipeline and where its rows go.</summary>
internal static class StageTasks
{
    public static ImmutableArray<TaskSpec> Tasks(Stage stage, RunContext run, IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> upstream)
    {
        var output = Output(stage, run);
        var tasks = ImmutableArray.CreateBuilder<TaskSpec>();
        foreach (var pipeline in stage.Pipelines)
        {
            switch (pipeline.Input)
            {
                case ScanInput scan:
                    foreach (var split in scan.Splits)
                        tasks.Add(new TaskSpec(new TaskId(stage.Id, tasks.Count),
                            $"{split.Files} file{(split.Files == 1 ? "" : "s")}, {Bytes.Format(split.Bytes)} of {scan.Source.Path}",
                            split.Bytes, split.Files,
                            new TaskWork(Compose(ScanSplit(scan.Source, split), pipeline.Operators), output, InputRows(scan.Source, split))));
                    break;
                case GatherInput gather:
                    // Before the upstream stage ran (Explain) its files are unknown; after, none means empty.
                    var known = upstream.TryGetValue(gather.Upstream, out var files);
                    files ??= [];
                    var source = known && files.Count == 0
                        ? Binder.EmptyRelation(gather.Schema)
                        : $"SELECT {Sql.SelectList(gather.Schema.Names)} FROM read_parquet(" +
                          (known ? Sql.List(files.Select(x => x.FullPath)) : $"[<files written by {gather.Upstream}>]") + ")";
                    tasks.Add(new TaskSpec(new TaskId(stage.Id, tasks.Count), $"gather of stage {gather.Upstream}",
                        files.Sum(x => x.Bytes), files.Count, new TaskWork(Compose(source, pipeline.Operators), output)));
                    break;
            }
        }
        return tasks.ToImmutable();
    }

    private static TaskOutput Output(Stage stage, RunContext run) => stage.Sink switch
    {
        TargetSink { Target: var t } => new WriteFilesOutput(run.StagingFolder(t.Path), t.Format, t.PartitionBy,
            run.Settings.TargetFileSize, $"part-{run.RunId}-"),
        ScratchSink => new WriteFilesOutput(run.ExchangeFolder(stage.Id), FileFormat.Parquet, [], run.Settings.TargetFileSize, "exchange-"),
        CollectSink => new CollectOutput(run.Settings.CollectMaxRows),
        CountSink => new CountOutput(),
        _ => throw new NotSupportedException(stage.Sink.GetType().Name),
    };

    /// <summary>The read of one split: whole files in one scan, each row range of a large file in its own.</summary>
    public static string ScanSplit(FileSource source, InputSplit split)
    {
        var parts = new List<string>();
        var whole = split.Slices.Where(s => s.Rows is null).Select(s => s.File.Path).ToList();
        if (whole.Count > 0) parts.Add(ScanSql.Render(source, whole));
        parts.AddRange(split.Slices.Where(s => s.Rows is not null).Select(s => ScanSql.Render(source, [s.File.Path], s.Rows)));
        return string.Join(" UNION ALL ", parts);
    }

    /// <summary>Exact input rows of a Parquet split, from its footers.</summary>
    private static ParquetInputRows? InputRows(FileSource source, InputSplit split) =>
        source.Format != FileFormat.Parquet ? null : new ParquetInputRows(
            [.. split.Slices.Where(s => s.Rows is null).Select(s => s.File.Path)],
            split.Slices.Where(s => s.Rows is not null).Sum(s => s.Rows!.Count));

    /// <summary>Chains the operators as CTEs over the input; each step reads the one before.</summary>
    public static string Compose(string input, ImmutableArray<PhysicalOperator> operators)
    {
        var sql = new StringBuilder("WITH step0 AS (").Append(input).Append(')');
        for (var i = 0; i < operators.Length; i++)
            sql.Append($",\n     step{i + 1} AS ({operators[i].Render($"step{i}")})");
        return sql.Append($"\nSELECT * FROM step{operators.Length}").ToString();
    }
}
