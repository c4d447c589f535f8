namespace Glint.Jobs;

/// <summary>A job as written in YAML (docs/job-spec.md): sources, ordered transforms and targets.</summary>
public sealed class JobSpec
{
    public string? Name { get; set; }
    public string? WorkerType { get; set; }
    public int? NumberOfWorkers { get; set; }
    public Dictionary<string, string> Settings { get; set; } = [];
    public Dictionary<string, SourceSpec> Sources { get; set; } = [];
    public List<TransformSpec> Transforms { get; set; } = [];
    public List<TargetSpec> Targets { get; set; } = [];
    /// <summary>batch (one run over what the sources hold) or streaming (micro-batches from a stream source; docs/streaming.md).</summary>
    public string Type { get; set; } = "batch";
    /// <summary>Streaming: when a micro-batch starts (every interval, once, or until the stream is drained).</summary>
    public TriggerSpec? Trigger { get; set; }
    /// <summary>Streaming: the folder (or s3:// prefix) where each committed batch records the sequences it read up to.</summary>
    public string? Checkpoint { get; set; }
    /// <summary>Streaming: where messages that do not parse or fit the schema go, with their bytes, sequence, partition and reason.</summary>
    public DeadLetterSpec? DeadLetter { get; set; }
    /// <summary>Streaming: a batch with a larger share of dead letters stops the job before its commit.</summary>
    public double? MaxDeadLetterRatio { get; set; }
}

/// <summary>When a streaming job's micro-batches run: every <see cref="Interval"/>, or once, or until nothing is left (available_now).</summary>
public sealed class TriggerSpec
{
    /// <summary>A duration (10s, 1m): a batch starts this long after the previous one started, or at once if it took longer.</summary>
    public string? Interval { get; set; }
    /// <summary>Run one batch of what is there now, then stop.</summary>
    public bool Once { get; set; }
    /// <summary>Run batches until the stream is drained, then stop.</summary>
    public bool AvailableNow { get; set; }
}

/// <summary>A tumbling event-time window: rows grouped by window of <see cref="Size"/> over <see cref="Column"/>, closed once the watermark passes.</summary>
public sealed class EventWindowSpec
{
    /// <summary>The event-time column (a TIMESTAMP).</summary>
    public string? Column { get; set; }
    /// <summary>The window's length (5m, 1h).</summary>
    public string? Size { get; set; }
    /// <summary>How late an event may be: the watermark is the newest event time seen minus this.</summary>
    public string Watermark { get; set; } = "0s";
}

/// <summary>A streaming job's dead-letter target: a folder (or s3:// prefix) of Parquet files committed with each batch.</summary>
public sealed class DeadLetterSpec
{
    public string? Path { get; set; }
}

/// <summary>A NATS JetStream stream read as a source: each subject is a partition, read from its committed sequence on.</summary>
public sealed class NatsSourceSpec
{
    /// <summary>The server (nats://host:port); NATS_URL when not given.</summary>
    public string? Url { get; set; }
    public string? Stream { get; set; }
    /// <summary>Subject filters (wildcards allowed) whose subjects are the partitions; all the stream's subjects when empty.</summary>
    public List<string> Subjects { get; set; } = [];
    /// <summary>At most this many messages of one partition go into one batch.</summary>
    public int MaxMessagesPerPartition { get; set; } = 100_000;
}

/// <summary>A named source: files at a path, a catalog table, or a relational database.</summary>
public sealed class SourceSpec
{
    public string? Path { get; set; }
    /// <summary>A database: a PostgreSQL URL or connection string, or sqlite:&lt;file&gt;; options name the dbtable or query and how to split it.</summary>
    public string? Connection { get; set; }
    /// <summary>A catalog table, "database.table" (instead of path).</summary>
    public string? Table { get; set; }
    /// <summary>With table: a condition on partition columns that prunes partitions in the metastore before any listing.</summary>
    public string? PushDownPredicate { get; set; }
    /// <summary>A NATS JetStream stream (streaming jobs only; instead of path): the messages' payloads in <see cref="Format"/>.</summary>
    public NatsSourceSpec? Nats { get; set; }
    public string Format { get; set; } = "parquet";
    public Dictionary<string, string> Options { get; set; } = [];
}

/// <summary>One named step; exactly one of the operations is set.</summary>
public sealed class TransformSpec
{
    public string? Name { get; set; }
    public string? From { get; set; }
    /// <summary>A SELECT whose FROM names the job's sources and earlier transforms.</summary>
    public string? Sql { get; set; }
    public string? Filter { get; set; }
    public List<string>? Select { get; set; }
    public Dictionary<string, string>? WithColumns { get; set; }
    public string? MapSql { get; set; }
    public List<string>? Union { get; set; }
    public long? Limit { get; set; }
    /// <summary>Key columns; with <see cref="Agg"/> (a global aggregate when only agg is given).</summary>
    public List<string>? GroupBy { get; set; }
    public List<string>? Agg { get; set; }
    /// <summary>Spread partial aggregates over this many random buckets before the final shuffle (hot keys).</summary>
    public int? Salt { get; set; }
    /// <summary>Streaming, with group_by/agg: an event-time window per group, emitted once the watermark passes its end.</summary>
    public EventWindowSpec? EventWindow { get; set; }
    public bool? Distinct { get; set; }
    /// <summary>Keep one row per distinct value of these columns.</summary>
    public List<string>? DropDuplicates { get; set; }
    /// <summary>At most this many tasks for the file splits below, without a shuffle.</summary>
    public int? Coalesce { get; set; }
    /// <summary>Number of partitions; hashed by <see cref="RepartitionBy"/> when given, else round-robin.</summary>
    public int? Repartition { get; set; }
    public List<string>? RepartitionBy { get; set; }
    public JoinSpec? Join { get; set; }
    /// <summary>Window-function columns ("… OVER (PARTITION BY …) AS name").</summary>
    public List<string>? Window { get; set; }
    /// <summary>Sort keys for a total order ("amount DESC", "id").</summary>
    public List<string>? OrderBy { get; set; }
    /// <summary>Sort keys applied within each task only.</summary>
    public List<string>? SortWithinPartitions { get; set; }
    /// <summary>A DQDL ruleset evaluated on the input (docs/data-quality.md): outputs the input's rows, and fails, continues or quarantines.</summary>
    public DataQualitySpec? EvaluateDataQuality { get; set; }
}

/// <summary>A quality gate: a DQDL ruleset, what a failing rule does, and where quarantined rows go.</summary>
public sealed class DataQualitySpec
{
    /// <summary>The ruleset's DQDL text, or a file holding it (a path ending in .dqdl, relative to the spec).</summary>
    public string? Ruleset { get; set; }
    /// <summary>fail (stop before the commit, targets untouched), continue (record the outcomes) or quarantine (failing rows to <see cref="Quarantine"/>).</summary>
    public string OnFailure { get; set; } = "fail";
    /// <summary>With on_failure quarantine: the name of the rows that failed a row-level rule, which a target writes.</summary>
    public string? Quarantine { get; set; }
    /// <summary>Adds DataQualityRulesPass, DataQualityRulesFail, DataQualityRulesSkip and DataQualityEvaluationResult to the rows.</summary>
    public bool RowLevelColumns { get; set; }
}

/// <summary>The right side and keys of a join whose left side is the transform's <c>from</c>.</summary>
public sealed class JoinSpec
{
    public string? With { get; set; }
    public List<string> On { get; set; } = [];
    /// <summary>With <see cref="RightOn"/>, instead of <see cref="On"/>: keys named differently on each side, paired in order.</summary>
    public List<string> LeftOn { get; set; } = [];
    public List<string> RightOn { get; set; } = [];
    public string How { get; set; } = "inner";
    public bool Broadcast { get; set; }
    /// <summary>An extra condition on matching rows; the sides are aliased l and r.</summary>
    public string? Condition { get; set; }
    public SaltSpec? Salt { get; set; }
}

/// <summary>Spread the rows of hot key values over several buckets (shuffle joins).</summary>
public sealed class SaltSpec
{
    public int Buckets { get; set; } = 8;
    public List<string> HotKeys { get; set; } = [];
}

/// <summary>A folder or prefix the job writes, a catalog table, or a database table.</summary>
public sealed class TargetSpec
{
    public string? From { get; set; }
    public string? Path { get; set; }
    /// <summary>A catalog table, "database.table": created on the first write, its partitions registered after the run commits.</summary>
    public string? Table { get; set; }
    public string? Format { get; set; }
    public List<string> PartitionBy { get; set; } = [];
    public string? Mode { get; set; }
    /// <summary>A PostgreSQL database (instead of path): the rows go into <see cref="Dbtable"/> in one transaction.</summary>
    public string? Connection { get; set; }
    public string? Dbtable { get; set; }
    /// <summary>With mode upsert: the columns that identify a row (a unique index must exist on them).</summary>
    public List<string> UpsertKeys { get; set; } = [];
}
