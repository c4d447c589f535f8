using System.Collections.Immutable;
using Glint.Execution;
using Glint.Plan;
using Glint.Storage;

namespace Glint.Api;

/// <summary>Writes a DataFrame to a folder: format, mode and partition columns.</summary>
public sealed class DataFrameWriter(DataFrame frame)
{
    private FileFormat format = FileFormat.Parquet;
    private WriteMode mode = WriteMode.ErrorIfExists;
    private ImmutableArray<string> partitionBy = [];

    public DataFrameWriter Format(string name) { format = FileFormats.Parse(name); return this; }
    public DataFrameWriter Mode(WriteMode value) { mode = value; return this; }
    public DataFrameWriter Mode(string value) { mode = WriteModes.Parse(value); return this; }
    public DataFrameWriter PartitionBy(params string[] columns) { partitionBy = [.. columns]; return this; }

    /// <summary>The action this writer describes, for running together with others.</summary>
    public PlannedAction ToAction(string path) =>
        new(frame.Plan, new TargetSink(new WriteTarget(Path.GetFullPath(path), format, mode, partitionBy)));

    /// <summary>Runs the write; nothing is visible at the target until every task succeeded and the commit ran.</summary>
    public RunSummary Save(string path, CancellationToken cancellation = default) =>
        frame.Session.Run([ToAction(path)], cancellation).Summary;

    public RunSummary Parquet(string path) => Format("parquet").Save(path);
    public RunSummary Csv(string path) => Format("csv").Save(path);
    public RunSummary Json(string path) => Format("json").Save(path);

    public string Explain(string path) => frame.Session.Explain([ToAction(path)]);
}
