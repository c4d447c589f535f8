using System.Collections.Immutable;
using Glint.Common;
using Glint.Storage;

namespace Glint.Execution;

/// <summary>One task: a partition of a stage, with everything a slot needs to run it.</summary>
public sealed record TaskSpec(TaskId Id, string Description, long InputBytes, int InputFiles, TaskWork Work);

/// <summary>
/// What a task does on its slot: run a query and deliver its rows somewhere. <paramref name="InputRows"/>,
/// when set, counts the task's input rows exactly from Parquet footers; CSV and JSON inputs are not counted
/// (DuckDB's own scan counters turned out to be estimates, off by 7× on CSV).
/// </summary>
public sealed record TaskWork(string Query, TaskOutput Output, ParquetInputRows? InputRows = null)
{
    /// <summary>The task scans CSV with on_error: record; the rows DuckDB rejected come back as error records.</summary>
    public bool CollectsRejects { get; init; }

    /// <summary>The task scans JSON with on_error: record: this query gives the lines it rejected.</summary>
    public string? JsonRejects { get; init; }

    /// <summary>The task first reads its split of a database into its slot; <see cref="Query"/> reads it from there.</summary>
    public DatabaseRead? Database { get; init; }

    /// <summary>Slots of one executor the task takes (Spark's spark.task.cpus): its slot's DuckDB runs it with that many threads and that much memory.</summary>
    public int Slots { get; init; } = 1;

    /// <summary>Objects the task downloads before its query runs (which reads them locally) and deletes after.</summary>
    public ImmutableArray<ObjectDownload> Downloads { get; init; } = [];
}

/// <summary>An s3:// object a task reads, and the local file it is downloaded to.</summary>
public sealed record ObjectDownload(Common.S3Options S3, string Uri, long Size, string LocalPath);

/// <summary>A database split a task reads: the statement sent to the database and the columns it returns.</summary>
public sealed record DatabaseRead(Storage.Databases.DatabaseConnection Connection, string Select, ImmutableArray<Storage.Databases.DatabaseColumn> Columns);

/// <summary>A malformed input row that did not fail the run: where it was, why, and its raw text.</summary>
public sealed record ErrorRecord(string File, long Line, string Kind, string Reason, string RawText);

/// <summary>Input rows of a Parquet split: whole files counted from their footers, plus rows of row-group ranges.</summary>
public sealed record ParquetInputRows(ImmutableArray<string> WholeFiles, long RangedRows)
{
    public long Count() => WholeFiles.Sum(ParquetFooter.RowCount) + RangedRows;
}

/// <summary>Where a task's rows go.</summary>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(WriteFilesOutput), "files")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(DatabaseOutput), "database")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CollectOutput), "collect")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CountOutput), "count")]
public abstract record TaskOutput;

/// <summary>Write files under <paramref name="StagingFolder"/>/&lt;attempt&gt;/ (never visible until the job commit).</summary>
internal sealed record WriteFilesOutput(
    string StagingFolder, FileFormat Format, ImmutableArray<string> PartitionBy, long TargetFileSize, string FilePrefix) : TaskOutput
{
    /// <summary>Set when <see cref="StagingFolder"/> is an s3:// prefix (an s3:// target, or exchanges on S3): the task writes locally, then uploads.</summary>
    public Common.S3Options? Upload { get; init; }
}

/// <summary>COPY the rows into a database target's staging table (the job commit moves them into the table).</summary>
internal sealed record DatabaseOutput(Storage.Databases.DatabaseTarget Target, string StagingTable) : TaskOutput;

/// <summary>Return the rows to the driver.</summary>
internal sealed record CollectOutput(long MaxRows) : TaskOutput;

/// <summary>Return only the number of rows.</summary>
internal sealed record CountOutput : TaskOutput;

/// <summary>What a successful attempt produced.</summary>
public sealed record TaskResult(long? RowsIn, long RowsOut, ImmutableArray<WrittenFile> Files, IReadOnlyList<object?[]>? Rows)
{
    /// <summary>Input rows the task rejected (CSV with on_error: record).</summary>
    public ImmutableArray<ErrorRecord> Errors { get; init; } = [];

    public long BytesOut => Files.Sum(f => f.Bytes);
}

/// <summary>One attempt as it happened: where, when and how it ended.</summary>
public sealed record TaskAttemptRecord(
    TaskAttemptId Id, string Slot, DateTime StartedUtc, DateTime EndedUtc, bool Succeeded, string? Error, TaskResult? Result)
{
    public TimeSpan Duration => EndedUtc - StartedUtc;

    /// <summary>Bytes the task reads (its split, or the exchange files of its buckets): the order the scheduler queues tasks in.</summary>
    public long InputBytes { get; init; }

    /// <summary>What the task read, as its spec describes it ("bucket 5 of s1 ⋈ s2", "3 files, 12 MB of …"): names a straggler.</summary>
    public string? Description { get; init; }

    /// <summary>Slots the attempt took: 1, or k for a fused stage's wide task (its slot's DuckDB ran k threads).</summary>
    public int Slots { get; init; } = 1;
}
