using Glint.Plan;
using Glint.Storage;
using Glint.Storage.Databases;

namespace Glint.Execution;

/// <summary>Where a stage's task rows go, from the stage's sink: staged target files, a database staging table, exchange files, or the driver.</summary>
internal static class StageOutputs
{
    /// <summary>The output every task of <paramref name="stage"/> writes to.</summary>
    public static TaskOutput Of(Stage stage, RunContext run) => stage.Sink switch
    {
        TargetSink { Target: var t } => new WriteFilesOutput(run.StagingFolder(t.Path), t.Format, t.PartitionBy,
            run.Settings.TargetFileSize, $"part-{run.RunId}-") { Upload = Common.S3Uri.IsS3(t.Path) ? run.Settings.S3 : null },
        DatabaseTargetSink { Target: var d } => new DatabaseOutput(d, DatabaseTargetCommitter.StagingName(d, run.RunId)),
        ScratchSink => new WriteFilesOutput(run.ExchangeFolder(stage.Id), FileFormat.Parquet, [], run.Settings.TargetFileSize, "exchange-")
            { Upload = run.ExchangesOnS3 ? run.Settings.S3 : null },
        ShuffleSink => new WriteFilesOutput(run.ExchangeFolder(stage.Id), FileFormat.Parquet, [ShuffleSink.BucketColumn], run.Settings.TargetFileSize, "shuffle-")
            { Upload = run.ExchangesOnS3 ? run.Settings.S3 : null },
        CollectSink => new CollectOutput(run.Settings.CollectMaxRows),
        CountSink => new CountOutput(),
        _ => throw new NotSupportedException(stage.Sink.GetType().Name),
    };
}
