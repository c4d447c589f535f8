using System.Collections.Immutable;
using Glint.Common.Options;

namespace Glint.Common;

/// <summary>Engine settings; names and defaults follow Spark and Glue where one exists (docs/settings.md).</summary>
public sealed record GlintSettings
{
    /// <summary>Target bytes of one input split (Spark's maxPartitionBytes, Glue's groupSize).</summary>
    public long MaxPartitionBytes { get; init; } = 128L << 20;
    /// <summary>What opening a file costs when packing files into splits, in bytes.</summary>
    public long OpenCostInBytes { get; init; } = 256L << 10;
    /// <summary>Splits to aim for at least, so every slot gets a few tasks; 0 means 2 × slots.</summary>
    public int MinPartitions { get; init; }
    /// <summary>Pack small files into shared splits ("inPartition", Glue's default) or give every file its own task ("none").</summary>
    public bool GroupFiles { get; init; } = true;
    /// <summary>Split Parquet files larger than a split into row-group ranges when that gives the slots more tasks.</summary>
    public bool SplitLargeFiles { get; init; } = true;
    /// <summary>Attempts per task before the run fails (Spark's spark.task.maxFailures).</summary>
    public int TaskMaxAttempts { get; init; } = 4;
    /// <summary>Largest output file of an unpartitioned write before a task starts a new one.</summary>
    public long TargetFileSize { get; init; } = 128L << 20;
    /// <summary>Most rows Collect returns before it refuses.</summary>
    public long CollectMaxRows { get; init; } = 1_000_000;
    /// <summary>Buckets of a shuffle (Spark's spark.sql.shuffle.partitions); null ("auto") sizes them from the input estimate.</summary>
    public int? ShufflePartitions { get; init; }
    /// <summary>Re-plan reducers from the real shuffle sizes: coalesce, split skew, switch to broadcast (Spark's spark.sql.adaptive.enabled).</summary>
    public bool AdaptiveEnabled { get; init; } = true;
    /// <summary>Target bytes of one reducer task when coalescing shuffle buckets (spark.sql.adaptive.advisoryPartitionSizeInBytes).</summary>
    public long AdvisoryPartitionSize { get; init; } = 64L << 20;
    /// <summary>A join bucket is skewed above this many times the median bucket … (spark.sql.adaptive.skewJoin.skewedPartitionFactor).</summary>
    public double SkewFactor { get; init; } = 5;
    /// <summary>… and above this many bytes (spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes).</summary>
    public long SkewThreshold { get; init; } = 256L << 20;
    /// <summary>In cluster mode, start executors as tasks wait and stop idle ones, number_of_workers being the most (Glue's --enable-auto-scaling).</summary>
    public bool EnableAutoScaling { get; init; }
    /// <summary>Price of one node-hour of an always-on cluster (a 4 vCPU / 16 GB node, EC2 plus EMR), for the advisor's comparison.</summary>
    public double DollarsPerNodeHour { get; init; } = 0.24;
    /// <summary>Largest estimated input of a join side that is broadcast instead of shuffled; -1 turns broadcasting off.</summary>
    public long BroadcastThreshold { get; init; } = 10L << 20;
    /// <summary>Keep the run's scratch folder even when the run succeeds.</summary>
    public bool KeepScratch { get; init; }
    /// <summary>Price of one DPU-hour in dollars, for the cost the meter reports (Glue's 0.44).</summary>
    public double DollarsPerDpuHour { get; init; } = DefaultDollarsPerDpuHour;

    /// <summary>Glue's price of one DPU-hour, the default of dpu_hour_price.</summary>
    public const double DefaultDollarsPerDpuHour = 0.44;
    /// <summary>A run is stopped (targets untouched) once its DPU-seconds would pass this; 0 means no cap.</summary>
    public double MaxDpuSeconds { get; init; }
    /// <summary>A run is stopped once its cost in dollars would pass this; 0 means no cap.</summary>
    public double MaxCost { get; init; }
    /// <summary>Most error records a run may have (a count, or a fraction of the rows when below 1); null means no limit.</summary>
    public double? ErrorThreshold { get; init; }
    /// <summary>Most error records one stage may have (count or fraction); null means no limit.</summary>
    public double? StageErrorThreshold { get; init; }
    /// <summary>Folder the run's error records are written to (JSON lines); default $GLINT_HOME/errors.</summary>
    public string? ErrorPath { get; init; }
    /// <summary>Where s3:// paths go: endpoint, region, path-style addressing and credentials profile (defaults from the AWS environment variables).</summary>
    public S3Options S3 { get; init; } = S3Options.FromEnvironment();
    /// <summary>Where exchange (shuffle, broadcast, gather) files go: null for the run's local scratch folder, or an s3:// prefix (as Glue's S3 shuffle plugin).</summary>
    public string? Scratch { get; init; }
    /// <summary>In local mode, compute an exchange's rows inside its reader's one wide task (true, "fuse") or write them to files as a cluster does (false, "files").</summary>
    public bool FuseLocalExchanges { get; init; } = true;

    /// <summary>Every setting, declared once: the key list, the parser, <c>glint settings</c> and the table in docs/settings.md come from here.</summary>
    public static readonly OptionSet<GlintSettings> Declared = new("setting", "setting",
    [
        new("max_partition_bytes", "`128MB`",
            "target bytes of one input split (Spark's `spark.sql.files.maxPartitionBytes`, Glue's `groupSize`)",
            (s, v) => s with { MaxPartitionBytes = v.Bytes(positive: true) }) { Aliases = ["group_size"] },
        new("open_cost_in_bytes", "`256KB`",
            "what a file costs when packing files into splits, so many tiny files make fewer, larger tasks",
            (s, v) => s with { OpenCostInBytes = v.Bytes() }),
        new("min_partitions", "`0` (= 2 × slots)",
            "splits to aim for at least: the split size shrinks to total bytes / this, so every slot gets work",
            (s, v) => s with { MinPartitions = (int)v.Whole(0, int.MaxValue) }),
        new("group_files", "`inPartition`",
            "`inPartition` packs small files into shared splits; `none` gives every file its own task",
            (s, v) => s with { GroupFiles = v.Choice(("inPartition|true", true), ("none|false", false)) }),
        new("split_large_files", "`true`",
            "split a Parquet file larger than a split into row-group ranges, only when the slots would otherwise idle",
            (s, v) => s with { SplitLargeFiles = v.Bool() }),
        new("task_max_attempts", "`4`",
            "attempts per task before the run fails (Spark's `spark.task.maxFailures`); after a transient failure (a dropped database connection, a throttled or unreachable object store) the next attempt waits 0.2 s, 0.4 s, 0.8 s … (at most 5 s) without holding a slot",
            (s, v) => s with { TaskMaxAttempts = (int)v.Whole(1, int.MaxValue) }),
        new("target_file_size", "`128MB`",
            "largest output file of an unpartitioned write before a task starts another",
            (s, v) => s with { TargetFileSize = v.Bytes(positive: true) }),
        new("collect_max_rows", "`1000000`",
            "most rows `Collect` returns before refusing",
            (s, v) => s with { CollectMaxRows = v.Whole(1) }),
        new("shuffle_partitions", "`auto`",
            "buckets of every shuffle (Spark's `spark.sql.shuffle.partitions`); `auto` gives one bucket per 16 MB of estimated input, between 4 per slot and 200. Adaptive execution then coalesces them, so this bounds how finely data can be cut, not the number of tasks. A global aggregate uses one",
            (s, v) => s with { ShufflePartitions = v.Trimmed.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : (int)v.Whole(1, int.MaxValue) }),
        new("adaptive_enabled", "`true`",
            "re-plan each reducer stage from the real sizes of the shuffle it reads (Spark's `spark.sql.adaptive.enabled`): coalesce small buckets, split skewed join buckets, switch a shuffle join to a broadcast join ([adaptive.md](adaptive.md))",
            (s, v) => s with { AdaptiveEnabled = v.Bool() }),
        new("advisory_partition_size", "`64MB`",
            "target bytes of one reducer when coalescing buckets (`spark.sql.adaptive.advisoryPartitionSizeInBytes`); lowered for small data so every slot still gets a task (never below 1 MB)",
            (s, v) => s with { AdvisoryPartitionSize = v.Bytes(positive: true) }),
        new("skew_factor", "`5`",
            "a join bucket is skewed when it is over this many times the median bucket of its side … (`skewJoin.skewedPartitionFactor`)",
            (s, v) => s with { SkewFactor = v.Number() }),
        new("skew_threshold", "`256MB`",
            "… and over this many bytes (`skewJoin.skewedPartitionThresholdInBytes`)",
            (s, v) => s with { SkewThreshold = v.Bytes() }),
        new("enable_auto_scaling", "`false`",
            "with `--cluster`: the driver starts executor processes while tasks wait and stops idle ones; `number_of_workers` is the most, `worker_type` their size; billed from each executor's active time ([cluster.md](cluster.md#auto-scaling))",
            (s, v) => s with { EnableAutoScaling = v.Bool() }),
        new("node_hour_price", "`0.24`",
            "dollars per node-hour of an always-on 4 vCPU / 16 GB cluster node (EC2 plus EMR), for `glint advise`'s comparison",
            (s, v) => s with { DollarsPerNodeHour = v.Number() }),
        new("broadcast_threshold", "`10MB`",
            "a join side whose source files total at most this is broadcast instead of shuffled; with adaptive execution, also a shuffled side whose map outputs turned out at most this; `-1` never broadcasts",
            (s, v) => s with { BroadcastThreshold = v.Trimmed == "-1" ? -1 : v.Bytes() }),
        new("keep_scratch", "`false`",
            "keep the run's scratch folder (`$GLINT_HOME/scratch/<run-id>`) after the run; without it the scratch goes whether the run succeeds or fails",
            (s, v) => s with { KeepScratch = v.Bool() }),
        new("dpu_hour_price", "`0.44`",
            "dollars per DPU-hour, for the cost the run summary and `glint runs` report",
            (s, v) => s with { DollarsPerDpuHour = v.Number() }),
        new("max_dpu_seconds", "`0` (no cap)",
            "stop a run once workers × DPUs × seconds pass this; it fails with a `cost cap` error and changes no target. A cap below the pool's 60 s billing minimum is refused before any task (it could not lower the bill)",
            (s, v) => s with { MaxDpuSeconds = v.Number() }),
        new("max_cost", "`0` (no cap)",
            "the same cap in dollars at `dpu_hour_price`, e.g. `max_cost: 0.50`",
            (s, v) => s with { MaxCost = v.Number() }),
        new("error_threshold", "(none)",
            "most error records a run may have: a count (`100`) or, below 1, a fraction of the rows read (`0.01`); over it the run fails before its commit",
            (s, v) => s with { ErrorThreshold = v.Number() }),
        new("stage_error_threshold", "(none)",
            "the same per stage",
            (s, v) => s with { StageErrorThreshold = v.Number() }),
        new("error_path", "`$GLINT_HOME/errors`",
            "folder of the runs' error-record files (`errors-<run-id>.json`, JSON lines)",
            (s, v) => s with { ErrorPath = v.NonBlank("a folder") }),
        new("s3_endpoint", "`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, else AWS",
            "an S3-compatible server, e.g. `http://127.0.0.1:9000`; setting it turns on path-style addressing ([object-stores.md](object-stores.md))",
            (s, v) => s with { S3 = s.S3 with { Endpoint = HttpUrl(v), PathStyle = true } }),
        new("s3_region", "`AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`",
            "the region requests are signed for",
            (s, v) => s with { S3 = s.S3 with { Region = v.Trimmed } }),
        new("s3_path_style", "`true` with an endpoint, else `false`",
            "`bucket` in the path (`http://host/bucket/key`) instead of the host name",
            (s, v) => s with { S3 = s.S3 with { PathStyle = v.Bool() } }),
        new("scratch", "`local`",
            "where exchange files (shuffle buckets, broadcast sides, gathers) go: the run's local scratch folder, or an `s3://bucket/prefix` — map tasks upload their outputs under `<prefix>/<run id>/exchange/`, reducers download what they read; removed after the run unless `keep_scratch` ([object-stores.md](object-stores.md#scratch-on-s3))",
            (s, v) => s with { Scratch = ScratchPrefix(v) }),
        new("local_exchange", "`fuse`",
            "in local mode, `fuse` computes a shuffle's (or broadcast's, gather's) rows inside the one task that reads them, on a DuckDB widened to every slot, so no rows cross files; `files` writes every exchange to scratch files as a cluster does, to test a job locally exactly as it will run distributed ([shuffle.md](shuffle.md#fused-exchanges))",
            (s, v) => s with { FuseLocalExchanges = v.Choice(("fuse", true), ("files", false)) }),
        new("s3_profile", "`AWS_PROFILE`, else the default chain",
            "a profile of `~/.aws/credentials` / `~/.aws/config`; keys themselves are never settings",
            (s, v) => s with { S3 = s.S3 with { Profile = v.Trimmed } }),
    ]);

    /// <summary>Every accepted setting key, names and aliases.</summary>
    public static ImmutableArray<string> Keys => Declared.Keys;

    /// <summary>Applies one key=value as given on the command line or in a job spec.</summary>
    public GlintSettings With(string key, string value) => Declared.Apply(this, key, value);

    /// <summary>Applies key=value pairs in order.</summary>
    public GlintSettings With(IEnumerable<KeyValuePair<string, string>> values) => Declared.Apply(this, values);

    private static string HttpUrl(OptionValue v) =>
        Uri.TryCreate(v.Trimmed, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? v.Trimmed : throw v.Invalid("an http(s) URL");

    private static string? ScratchPrefix(OptionValue v) =>
        v.Trimmed is "" or "local" ? null
            : S3Uri.IsS3(v.Trimmed) ? S3Uri.Parse(v.Trimmed).ToString().TrimEnd('/')
            : throw v.Invalid("local (the run's scratch folder) or an s3://bucket/prefix");

    /// <summary>The DPU-seconds a run may use before it is stopped: the smaller of max_dpu_seconds and max_cost; null when neither is set.</summary>
    public double? DpuSecondsCap()
    {
        var caps = new List<double>();
        if (MaxDpuSeconds > 0) caps.Add(MaxDpuSeconds);
        if (MaxCost > 0 && DollarsPerDpuHour > 0) caps.Add(MaxCost / DollarsPerDpuHour * 3600);
        return caps.Count == 0 ? null : caps.Min();
    }
}
