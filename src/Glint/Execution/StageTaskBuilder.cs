using System.Collections.Immutable;
using Glint.Common;
using Glint.Plan;
using Glint.Storage;
using Glint.Storage.Databases;

namespace Glint.Execution;

/// <summary>
/// Builds one stage's tasks: for every split, bucket or gathered input, the SQL of its pipeline and where its rows go.
/// Inputs are made local before anything is rendered: s3:// objects and exchange files become downloads into the task's
/// own folder, and the SQL names the local copies.
/// </summary>
internal sealed partial class StageTaskBuilder(Stage stage, RunContext run, IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> upstream)
{
    private readonly Adaptive.ReducerPlanner adaptive = new(run.Settings, run.Slots);
    private readonly TaskOutput output = StageOutputs.Of(stage, run);
    private readonly ImmutableArray<TaskSpec>.Builder tasks = ImmutableArray.CreateBuilder<TaskSpec>();
    private readonly Dictionary<StageId, ILookup<int, WrittenFile>> buckets = [];
    // Downloads of exchange files the task being built reads; taken by the next Add.
    private readonly Dictionary<string, ObjectDownload> exchangeDownloads = [];

    /// <summary>The adaptive decisions taken while building, from the upstream stages' real sizes.</summary>
    public ImmutableArray<Adaptive.AdaptiveDecision> Decisions => adaptive.Decisions;

    /// <summary>Every task of the stage, numbered in order.</summary>
    public ImmutableArray<TaskSpec> Build()
    {
        foreach (var pipeline in stage.Pipelines)
        {
            switch (pipeline.Input)
            {
                case ScanInput scan: AddScans(scan, pipeline); break;
                case DatabaseScanInput database: AddDatabaseReads(database, pipeline); break;
                case GatherInput gather: AddGather(gather, pipeline); break;
                case ShuffleInput shuffle: AddReducers(shuffle, pipeline); break;
                case ShuffleJoinInput join: AddJoinReducers(join, pipeline); break;
                case FusedInput or FusedJoinInput: AddFused(pipeline); break;
            }
        }
        return tasks.ToImmutable();
    }

    private void AddScans(ScanInput scan, Pipeline pipeline)
    {
        foreach (var split in scan.Splits)
        {
            // s3:// objects are downloaded by the task into its own folder (keeping their key paths, so Hive
            // folders still name partitions) and read from there.
            var (source, local, downloads) = scan.Source.S3 is { } s3
                ? Localized(scan.Source, split, s3, TaskFolder(""))
                : (scan.Source, split, ImmutableArray<ObjectDownload>.Empty);
            var json = scan.Source.Options.RecordErrors && scan.Source.Format == FileFormat.Json;
            Add($"{split.Files} file{(split.Files == 1 ? "" : "s")}, {Bytes.Format(split.Bytes)} of {scan.Source.Path}",
                split.Bytes, split.Files, StageTasks.ScanSplit(source, local, run.ListedFiles), pipeline, InputRows(source, local),
                rejects: scan.Source.Options.RecordErrors && scan.Source.Format == FileFormat.Csv, downloads: downloads,
                jsonRejects: json ? ScanSql.JsonRejects(source, local.Slices.Select(s => s.File.Path).Distinct(), run.ListedFiles) : null);
        }
    }

    private void AddDatabaseReads(DatabaseScanInput database, Pipeline pipeline)
    {
        foreach (var split in database.Splits)
            Add($"{split.Description} of {database.Source.Name}", database.Source.EstimatedBytes / database.Splits.Length, 0,
                DatabaseStaging.Scan(database.Source.Columns), pipeline,
                database: new DatabaseRead(database.Source.Connection, DatabaseSplits.Select(database.Source, split), database.Source.Columns));
    }

    private void AddGather(GatherInput gather, Pipeline pipeline)
    {
        var (known, files) = Written(gather.Upstream);
        Add($"gather of stage {gather.Upstream}", files.Sum(x => x.Bytes), files.Count,
            Read(gather.Schema, known, files, $"files written by {gather.Upstream}"), pipeline);
    }

    private void AddReducers(ShuffleInput shuffle, Pipeline pipeline)
    {
        if (!upstream.ContainsKey(shuffle.Upstream))
        {
            // Before the map stage has run (explain): one task per bucket, reading a placeholder.
            for (var bucket = 0; bucket < shuffle.Buckets; bucket++)
                Add($"bucket {bucket} of {shuffle.Upstream}", 0, 0,
                    Read(shuffle.Schema, false, [], $"bucket {bucket} of {shuffle.Upstream}"), pipeline);
            return;
        }
        foreach (var reducer in adaptive.Shuffle(shuffle, b => Bucket(shuffle.Upstream, b)))
        {
            var input = Read(shuffle.Schema, true, reducer.Files, reducer.Description);
            Add(reducer.Description, reducer.Files.Sum(x => x.Bytes), reducer.Files.Count, input, pipeline);
        }
    }

    private void AddJoinReducers(ShuffleJoinInput join, Pipeline pipeline)
    {
        if (!upstream.ContainsKey(join.Left.Upstream) || !upstream.ContainsKey(join.Right.Upstream))
        {
            for (var bucket = 0; bucket < join.Left.Buckets; bucket++)
                Add($"bucket {bucket} of {join.Left.Upstream} ⋈ {join.Right.Upstream}", 0, 0,
                    JoinSql(join, Read(join.Left.Schema, false, [], $"bucket {bucket} of {join.Left.Upstream}"),
                        Read(join.Right.Schema, false, [], $"bucket {bucket} of {join.Right.Upstream}")), pipeline);
            return;
        }
        foreach (var reducer in adaptive.Join(join, Bucket))
        {
            var sql = JoinSql(join, Read(join.Left.Schema, true, reducer.Left, ""), Read(join.Right.Schema, true, reducer.Right, ""));
            Add(reducer.Description, reducer.Left.Concat(reducer.Right).Sum(x => x.Bytes), reducer.Left.Count + reducer.Right.Count, sql, pipeline);
        }
    }

    private static string JoinSql(ShuffleJoinInput join, string left, string right) =>
        Plan.JoinSql.Render(join.Type, join.Keys, join.Residual, join.Left.Schema, join.Right.Schema, $"({left})", $"({right})");

    /// <summary>Adds the next task: the pipeline's operators (and a shuffle's bucket column) over its input, with what it downloads.</summary>
    private void Add(string description, long bytes, int files, string input, Pipeline pipeline, ParquetInputRows? rows = null,
        bool rejects = false, DatabaseRead? database = null, ImmutableArray<ObjectDownload> downloads = default, string? jsonRejects = null,
        int slots = 1)
    {
        var ops = pipeline.Operators;
        if (stage.Sink is ShuffleSink { Ranged: false } sink) ops = ops.Add(new BucketOp(BucketExpression(sink, tasks.Count)));
        var sql = StageTasks.Compose(input, ops, StageReads(pipeline, stage));
        var all = (downloads.IsDefault ? [] : downloads).AddRange(exchangeDownloads.Values);
        exchangeDownloads.Clear();
        tasks.Add(new TaskSpec(new TaskId(stage.Id, tasks.Count), description, bytes, files,
            new TaskWork(sql, output, rows) { CollectsRejects = rejects, Database = database, Downloads = all, JsonRejects = jsonRejects, Slots = slots }));
    }

    /// <summary>The folder the task being built downloads its inputs into.</summary>
    private string TaskFolder(string suffix) => Path.Combine(run.ScratchFolder, "inputs", $"{stage.Id}-{tasks.Count}{suffix}");

    /// <summary>A shuffle's map files, sorted into buckets once rather than scanned again for every reducer.</summary>
    private List<WrittenFile> Bucket(StageId map, int bucket)
    {
        if (!buckets.TryGetValue(map, out var lookup))
            buckets[map] = lookup = upstream[map].ToLookup(f => ShuffleSink.BucketOf(f.RelativePath));
        return [.. lookup[bucket]];
    }

    /// <summary>Files an upstream stage wrote; unknown before it ran, as when explaining.</summary>
    private (bool Known, IReadOnlyList<WrittenFile> Files) Written(StageId upstreamStage) =>
        upstream.TryGetValue(upstreamStage, out var files) ? (true, files) : (false, []);

    /// <summary>A relation over exchange files with the given schema; empty when there are none.</summary>
    private string Read(Schema schema, bool known, IReadOnlyList<WrittenFile> files, string placeholder) =>
        known && files.Count == 0
            ? Binder.EmptyRelation(schema)
            : $"SELECT {Sql.SelectList(schema.Names)} FROM read_parquet(" +
              (known ? Sql.List(files.Select(Local), run.ListedFiles) : $"[<{placeholder}>]") + ", hive_partitioning=false)";

    /// <summary>Where the task reads an exchange file: in place, or (exchanges on S3) its download in the task's own folder.</summary>
    private string Local(WrittenFile file)
    {
        if (!S3Uri.IsS3(file.AttemptFolder)) return file.FullPath;
        var local = Path.Combine(TaskFolder("-x"), file.FullPath["s3://".Length..]);
        exchangeDownloads.TryAdd(local, new ObjectDownload(run.Settings.S3, file.FullPath, file.Bytes, local));
        return local;
    }

    /// <summary>CTEs naming what a pipeline's operators read whole from earlier stages (broadcast sides, samples).</summary>
    private string StageReads(Pipeline pipeline, Stage owner) =>
        string.Concat(pipeline.Operators.OfType<IReadsStage>().Select(op =>
        {
            if (owner.Inlined.TryGetValue(op.Source, out var inlined))
                return $"{op.Relation} AS ({Fused(inlined)}),\n     ";
            var (known, files) = Written(op.Source);
            return $"{op.Relation} AS ({Read(op.SourceSchema, known, files, $"files written by {op.Source}")}),\n     ";
        }));

    /// <summary>Bucket of a row: hash of the keys, or round-robin offset by the task so small tasks do not all fill bucket 0.</summary>
    private static string BucketExpression(ShuffleSink sink, int task) =>
        sink.Buckets == 1 ? "0"
        : sink.HashExpressions.IsEmpty ? $"(row_number() OVER () + {task}) % {sink.Buckets}"
        : $"hash({string.Join(", ", sink.HashExpressions)}) % {sink.Buckets}";

    /// <summary>The split's objects mapped to local files under <paramref name="folder"/>, and the downloads that put them there.</summary>
    private static (FileSource, InputSplit, ImmutableArray<ObjectDownload>) Localized(FileSource source, InputSplit split, S3Options s3, string folder)
    {
        string Local(string uri) => Path.Combine(folder, uri["s3://".Length..]);
        var files = split.Slices.Select(s => s.File).DistinctBy(f => f.Path).ToList();
        var downloads = files.Select(f => new ObjectDownload(s3, f.Path, f.Length, Local(f.Path))).ToImmutableArray();
        var mapped = source with { Files = [.. files.Select(f => f with { Path = Local(f.Path) })] };
        var local = split with { Slices = [.. split.Slices.Select(s => s with { File = s.File with { Path = Local(s.File.Path) } })] };
        return (mapped, local, downloads);
    }

    /// <summary>Exact input rows of a Parquet split, from its footers.</summary>
    private static ParquetInputRows? InputRows(FileSource source, InputSplit split) =>
        source.Format != FileFormat.Parquet ? null : new ParquetInputRows(
            [.. split.Slices.Where(s => s.Rows is null).Select(s => s.File.Path)],
            split.Slices.Where(s => s.Rows is not null).Sum(s => s.Rows!.Count));
}
