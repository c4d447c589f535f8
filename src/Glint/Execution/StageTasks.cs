using System.Collections.Immutable;
using System.Text;
using Glint.Common;
using Glint.Plan;
using Glint.Storage;
using Glint.Storage.Databases;

namespace Glint.Execution;

/// <summary>Makes a stage's tasks: for every split (or gathered input) the SQL of its pipeline and where its rows go.</summary>
internal static class StageTasks
{
    public static ImmutableArray<TaskSpec> Tasks(Stage stage, RunContext run, IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> upstream) =>
        Tasks(stage, run, upstream, out _);

    /// <summary>The stage's tasks, with the adaptive decisions taken from its upstream stages' real sizes.</summary>
    public static ImmutableArray<TaskSpec> Tasks(Stage stage, RunContext run, IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> upstream,
        out ImmutableArray<string> decisions)
    {
        var adaptive = new Adaptive.ReducerPlanner(run.Settings, run.Slots);
        var output = Output(stage, run);
        var tasks = ImmutableArray.CreateBuilder<TaskSpec>();
        // A shuffle's map files are sorted into buckets once, not scanned again for every reducer.
        var buckets = new Dictionary<StageId, ILookup<int, WrittenFile>>();
        IReadOnlyList<WrittenFile> Bucket(StageId stage, int bucket)
        {
            if (!buckets.TryGetValue(stage, out var lookup))
                buckets[stage] = lookup = upstream[stage].ToLookup(f => ShuffleSink.BucketOf(f.RelativePath));
            return lookup[bucket].ToList();
        }
        void Add(string description, long bytes, int files, string input, ImmutableArray<PhysicalOperator> ops, string prelude, ParquetInputRows? rows = null,
            bool rejects = false, DatabaseRead? database = null, ImmutableArray<ObjectDownload> downloads = default, string? jsonRejects = null)
        {
            if (stage.Sink is ShuffleSink { Ranged: false } sink) ops = ops.Add(new BucketOp(BucketExpression(sink, tasks.Count)));
            var sql = Compose(input, ops, prelude);
            if (run.ExchangesOnS3) (sql, downloads) = LocalizeExchanges(sql, downloads, Path.Combine(run.ScratchFolder, "inputs", $"{stage.Id}-{tasks.Count}-x"));
            tasks.Add(new TaskSpec(new TaskId(stage.Id, tasks.Count), description, bytes, files,
                new TaskWork(sql, output, rows)
                {
                    CollectsRejects = rejects, Database = database, Downloads = downloads.IsDefault ? [] : downloads, JsonRejects = jsonRejects,
                }));
        }

        // Exchange files on S3: each task downloads the ones its SQL names into its own folder, and reads them there.
        Dictionary<string, WrittenFile>? exchangeFiles = null;
        (string, ImmutableArray<ObjectDownload>) LocalizeExchanges(string sql, ImmutableArray<ObjectDownload> downloads, string folder)
        {
            exchangeFiles ??= upstream.Values.SelectMany(f => f).Where(f => Common.S3Uri.IsS3(f.AttemptFolder))
                .ToDictionary(f => Sql.Literal(f.FullPath), f => f);
            var added = (downloads.IsDefault ? [] : downloads).ToBuilder();
            var localized = System.Text.RegularExpressions.Regex.Replace(sql, "'s3://(?:[^']|'')*'", m =>
            {
                if (!exchangeFiles.TryGetValue(m.Value, out var file)) return m.Value;
                var local = Path.Combine(folder, file.FullPath["s3://".Length..]);
                added.Add(new ObjectDownload(run.Settings.S3, file.FullPath, file.Bytes, local));
                return Sql.Literal(local);
            });
            return (localized, added.ToImmutable());
        }

        foreach (var pipeline in stage.Pipelines)
        {
            var prelude = StageReads(pipeline, upstream);
            var ops = pipeline.Operators;
            switch (pipeline.Input)
            {
                case ScanInput scan:
                    foreach (var split in scan.Splits)
                    {
                        // s3:// objects are downloaded by the task into its own folder (keeping their key paths, so Hive
                        // folders still name partitions) and read from there.
                        var (source, local, downloads) = scan.Source.S3 is { } s3
                            ? Localized(scan.Source, split, s3, Path.Combine(run.ScratchFolder, "inputs", $"{stage.Id}-{tasks.Count}"))
                            : (scan.Source, split, ImmutableArray<ObjectDownload>.Empty);
                        Add($"{split.Files} file{(split.Files == 1 ? "" : "s")}, {Bytes.Format(split.Bytes)} of {scan.Source.Path}",
                            split.Bytes, split.Files, ScanSplit(source, local), ops, prelude, InputRows(source, local),
                            scan.Source.Options.RecordErrors && scan.Source.Format == FileFormat.Csv, downloads: downloads,
                            jsonRejects: scan.Source.Options.RecordErrors && scan.Source.Format == FileFormat.Json
                                ? ScanSql.JsonRejects(source, local.Slices.Select(s => s.File.Path).Distinct())
                                : null);
                    }
                    break;
                case DatabaseScanInput database:
                    foreach (var split in database.Splits)
                        Add($"{split.Description} of {database.Source.Name}", database.Source.EstimatedBytes / database.Splits.Length, 0,
                            DatabaseStaging.Scan(database.Source.Columns), ops, prelude,
                            database: new DatabaseRead(database.Source.Connection, Storage.Databases.DatabaseSplits.Select(database.Source, split), database.Source.Columns));
                    break;
                case GatherInput gather:
                {
                    var (known, files) = Written(upstream, gather.Upstream);
                    Add($"gather of stage {gather.Upstream}", files.Sum(x => x.Bytes), files.Count,
                        Read(gather.Schema, known, files, $"files written by {gather.Upstream}"), ops, prelude);
                    break;
                }
                case ShuffleInput shuffle when upstream.ContainsKey(shuffle.Upstream):
                    foreach (var reducer in adaptive.Shuffle(shuffle, b => Bucket(shuffle.Upstream, b)))
                        Add(reducer.Description, reducer.Files.Sum(x => x.Bytes), reducer.Files.Count,
                            Read(shuffle.Schema, true, reducer.Files, reducer.Description), ops, prelude);
                    break;
                case ShuffleJoinInput join when upstream.ContainsKey(join.Left.Upstream) && upstream.ContainsKey(join.Right.Upstream):
                    foreach (var reducer in adaptive.Join(join, Bucket))
                    {
                        var sql = JoinNode.Render(join.Type, join.Keys, join.Residual, join.Left.Schema, join.Right.Schema,
                            $"({Read(join.Left.Schema, true, reducer.Left, "")})", $"({Read(join.Right.Schema, true, reducer.Right, "")})");
                        Add(reducer.Description, reducer.Left.Concat(reducer.Right).Sum(x => x.Bytes), reducer.Left.Count + reducer.Right.Count, sql, ops, prelude);
                    }
                    break;
                // Before the map stages have run (Explain): one task per bucket, reading placeholders.
                case ShuffleInput shuffle:
                    for (var bucket = 0; bucket < shuffle.Buckets; bucket++)
                        Add($"bucket {bucket} of {shuffle.Upstream}", 0, 0,
                            Read(shuffle.Schema, false, [], $"bucket {bucket} of {shuffle.Upstream}"), ops, prelude);
                    break;
                case ShuffleJoinInput join:
                    for (var bucket = 0; bucket < join.Left.Buckets; bucket++)
                    {
                        var sql = JoinNode.Render(join.Type, join.Keys, join.Residual, join.Left.Schema, join.Right.Schema,
                            $"({Read(join.Left.Schema, false, [], $"bucket {bucket} of {join.Left.Upstream}")})",
                            $"({Read(join.Right.Schema, false, [], $"bucket {bucket} of {join.Right.Upstream}")})");
                        Add($"bucket {bucket} of {join.Left.Upstream} ⋈ {join.Right.Upstream}", 0, 0, sql, ops, prelude);
                    }
                    break;
            }
        }
        decisions = adaptive.Decisions;
        return tasks.ToImmutable();
    }

    /// <summary>Files an upstream stage wrote; unknown before it ran, as when explaining.</summary>
    private static (bool Known, IReadOnlyList<WrittenFile> Files) Written(
        IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> upstream, StageId stage) =>
        upstream.TryGetValue(stage, out var files) ? (true, files) : (false, []);

    /// <summary>A relation over exchange files with the given schema; empty when there are none.</summary>
    private static string Read(Schema schema, bool known, IReadOnlyList<WrittenFile> files, string placeholder) =>
        known && files.Count == 0
            ? Binder.EmptyRelation(schema)
            : $"SELECT {Sql.SelectList(schema.Names)} FROM read_parquet(" +
              (known ? Sql.List(files.Select(f => f.FullPath)) : $"[<{placeholder}>]") + ", hive_partitioning=false)";

    /// <summary>CTEs naming what a pipeline's operators read whole from earlier stages (broadcast sides, samples).</summary>
    private static string StageReads(Pipeline pipeline, IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> upstream) =>
        string.Concat(pipeline.Operators.OfType<IReadsStage>().Select(op =>
        {
            var (known, files) = Written(upstream, op.Source);
            return $"{op.Relation} AS ({Read(op.SourceSchema, known, files, $"files written by {op.Source}")}),\n     ";
        }));

    /// <summary>Bucket of a row: hash of the keys, or round-robin offset by the task so small tasks do not all fill bucket 0.</summary>
    private static string BucketExpression(ShuffleSink sink, int task) =>
        sink.Buckets == 1 ? "0"
        : sink.HashExpressions.IsEmpty ? $"(row_number() OVER () + {task}) % {sink.Buckets}"
        : $"hash({string.Join(", ", sink.HashExpressions)}) % {sink.Buckets}";

    private static TaskOutput Output(Stage stage, RunContext run) => stage.Sink switch
    {
        TargetSink { Target: var t } => new WriteFilesOutput(run.StagingFolder(t.Path), t.Format, t.PartitionBy,
            run.Settings.TargetFileSize, $"part-{run.RunId}-"),
        DatabaseTargetSink { Target: var d } => new DatabaseOutput(d, DatabaseTargetCommitter.StagingName(d, run.RunId)),
        ScratchSink => new WriteFilesOutput(run.ExchangeFolder(stage.Id), FileFormat.Parquet, [], run.Settings.TargetFileSize, "exchange-")
            { Upload = run.ExchangesOnS3 ? run.Settings.S3 : null },
        ShuffleSink => new WriteFilesOutput(run.ExchangeFolder(stage.Id), FileFormat.Parquet, [ShuffleSink.BucketColumn], run.Settings.TargetFileSize, "shuffle-")
            { Upload = run.ExchangesOnS3 ? run.Settings.S3 : null },
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

    /// <summary>The split's objects mapped to local files under <paramref name="folder"/>, and the downloads that put them there.</summary>
    private static (FileSource, InputSplit, ImmutableArray<ObjectDownload>) Localized(FileSource source, InputSplit split, Common.S3Options s3, string folder)
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

    /// <summary>Chains the operators as CTEs over the input; each step reads the one before.</summary>
    public static string Compose(string input, ImmutableArray<PhysicalOperator> operators, string prelude = "")
    {
        var sql = new StringBuilder("WITH ").Append(prelude).Append("step0 AS (").Append(input).Append(')');
        for (var i = 0; i < operators.Length; i++)
            sql.Append($",\n     step{i + 1} AS ({operators[i].Render($"step{i}")})");
        return sql.Append($"\nSELECT * FROM step{operators.Length}").ToString();
    }
}
