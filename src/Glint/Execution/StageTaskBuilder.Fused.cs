using Glint.Plan;
using Glint.Storage;

namespace Glint.Execution;

// Fused pipelines: one task whose query computes the fused stages too, over whole inputs.
internal sealed partial class StageTaskBuilder
{
    // What the fused task being built reads: s3:// objects to download, and the Parquet files whose footers count its input rows.
    private readonly List<ObjectDownload> fusedDownloads = [];
    private readonly List<string> fusedParquet = [];
    private bool fusedRowsUnknown;
    private long fusedBytes;
    private int fusedFiles;

    /// <summary>The one task of a fused pipeline: every input whole, on the stage's wide slots.</summary>
    private void AddFused(Pipeline pipeline)
    {
        fusedDownloads.Clear();
        fusedParquet.Clear();
        fusedRowsUnknown = false;
        (fusedBytes, fusedFiles) = (0, 0);
        var input = Whole(pipeline.Input);
        var rows = fusedRowsUnknown ? null : new ParquetInputRows([.. fusedParquet.Distinct()], 0);
        Add($"{Describe(pipeline.Input)}, fused", fusedBytes, fusedFiles, input, pipeline, rows, downloads: [.. fusedDownloads], slots: stage.WideTaskSlots);
    }

    /// <summary>A relation with every row of the input: a whole source, all files of an exchange, or a fused stage's query.</summary>
    private string Whole(StageInput input) => input switch
    {
        ScanInput scan => WholeScan(scan),
        GatherInput gather => WholeExchange(gather),
        FusedInput fused => Fused(fused.Producer),
        FusedJoinInput join => Plan.JoinSql.Render(join.Type, join.Keys, join.Residual, join.LeftSchema, join.RightSchema,
            $"({Whole(join.Left)})", $"({Whole(join.Right)})"),
        _ => throw new InvalidOperationException($"a fused task cannot read {input.GetType().Name}"),
    };

    /// <summary>The rows a fused stage would have written to its exchange, as one query.</summary>
    private string Fused(Stage producer)
    {
        var parts = producer.Pipelines.Select(p => $"({StageTasks.Compose(Whole(p.Input), p.Operators, StageReads(p, producer))})");
        return $"SELECT {Common.Sql.SelectList(producer.Schema.Names)} FROM ({string.Join("\nUNION ALL ", parts)})";
    }

    /// <summary>Every split of a source in one scan: a file cut into row-group ranges is read whole.</summary>
    private string WholeScan(ScanInput scan)
    {
        var files = scan.Splits.SelectMany(s => s.Slices).Select(s => s.File).DistinctBy(f => f.Path).ToList();
        if (files.Count == 0) return Binder.EmptyRelation(scan.Source.Schema);
        var whole = new InputSplit(0, [.. files.Select(f => new FileSlice(f, null, f.Length))]);
        (fusedBytes, fusedFiles) = (fusedBytes + whole.Bytes, fusedFiles + files.Count);
        var (source, local) = (scan.Source, whole);
        if (scan.Source.S3 is { } s3)
        {
            (source, local, var downloads) = Localized(scan.Source, whole, s3, TaskFolder("-f"));
            fusedDownloads.AddRange(downloads);
        }
        if (scan.Source.Format == FileFormat.Parquet) fusedParquet.AddRange(local.Slices.Select(s => s.File.Path));
        else fusedRowsUnknown = true;
        return StageTasks.ScanSplit(source, local, run.ListedFiles);
    }

    /// <summary>Every file a materialised exchange wrote (all its buckets).</summary>
    private string WholeExchange(GatherInput gather)
    {
        var (known, files) = Written(gather.Upstream);
        (fusedBytes, fusedFiles) = (fusedBytes + files.Sum(f => f.Bytes), fusedFiles + files.Count);
        return Read(gather.Schema, known, files, $"files written by {gather.Upstream}");
    }

    private static string Describe(StageInput input) => input switch
    {
        FusedInput f => $"all of {f.Producer.Id}",
        FusedJoinInput j => $"{Describe(j.Left)} ⋈ {Describe(j.Right)}",
        GatherInput g => $"all of {g.Upstream}",
        ScanInput s => $"all of {s.Source.Path}",
        _ => input.GetType().Name,
    };
}
