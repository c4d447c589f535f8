using System.Collections.Immutable;
using System.Globalization;

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
    public Common.S3Options S3 { get; init; } = Common.S3Options.FromEnvironment();
    /// <summary>Where exchange (shuffle, broadcast, gather) files go: null for the run's local scratch folder, or an s3:// prefix (as Glue's S3 shuffle plugin).</summary>
    public string? Scratch { get; init; }

    public static readonly ImmutableArray<string> Keys =
    [
        "max_partition_bytes", "group_size", "open_cost_in_bytes", "min_partitions", "group_files", "split_large_files",
        "task_max_attempts", "target_file_size", "collect_max_rows", "shuffle_partitions", "broadcast_threshold", "keep_scratch",
        "dpu_hour_price", "max_dpu_seconds", "max_cost", "error_threshold", "stage_error_threshold", "error_path",
        "s3_endpoint", "s3_region", "s3_path_style", "s3_profile", "scratch",
        "adaptive_enabled", "advisory_partition_size", "skew_factor", "skew_threshold", "node_hour_price", "enable_auto_scaling",
    ];

    /// <summary>Applies one key=value as given on the command line or in a job spec.</summary>
    public GlintSettings With(string key, string value) => key.Trim().ToLowerInvariant() switch
    {
        "max_partition_bytes" or "group_size" => this with { MaxPartitionBytes = Positive(key, Bytes.Parse(key, value)) },
        "open_cost_in_bytes" => this with { OpenCostInBytes = Bytes.Parse(key, value) },
        "min_partitions" => this with { MinPartitions = (int)Int(key, value, 0) },
        "group_files" => this with { GroupFiles = value.Trim().ToLowerInvariant() switch
            {
                "inpartition" or "true" => true,
                "none" or "false" => false,
                _ => throw new ConfigException(key, $"setting 'group_files' must be inPartition or none, not '{value}'"),
            } },
        "split_large_files" => this with { SplitLargeFiles = Bool(key, value) },
        "task_max_attempts" => this with { TaskMaxAttempts = (int)Int(key, value, 1) },
        "target_file_size" => this with { TargetFileSize = Positive(key, Bytes.Parse(key, value)) },
        "collect_max_rows" => this with { CollectMaxRows = Int(key, value, 1) },
        "shuffle_partitions" => this with { ShufflePartitions = value.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : (int)Int(key, value, 1) },
        "adaptive_enabled" => this with { AdaptiveEnabled = Bool(key, value) },
        "enable_auto_scaling" => this with { EnableAutoScaling = Bool(key, value) },
        "advisory_partition_size" => this with { AdvisoryPartitionSize = Positive(key, Bytes.Parse(key, value)) },
        "skew_factor" => this with { SkewFactor = Number(key, value) },
        "skew_threshold" => this with { SkewThreshold = Bytes.Parse(key, value) },
        "node_hour_price" => this with { DollarsPerNodeHour = Number(key, value.TrimStart('$')) },
        "broadcast_threshold" => this with { BroadcastThreshold = value.Trim() == "-1" ? -1 : Bytes.Parse(key, value) },
        "keep_scratch" => this with { KeepScratch = Bool(key, value) },
        "dpu_hour_price" => this with { DollarsPerDpuHour = Number(key, value) },
        "max_dpu_seconds" => this with { MaxDpuSeconds = Number(key, value) },
        "max_cost" => this with { MaxCost = Number(key, value.TrimStart('$')) },
        "error_threshold" => this with { ErrorThreshold = Number(key, value) },
        "stage_error_threshold" => this with { StageErrorThreshold = Number(key, value) },
        "error_path" => this with { ErrorPath = value.Trim().Length > 0 ? value.Trim() : throw new ConfigException(key, "setting 'error_path' needs a folder") },
        "s3_endpoint" => this with { S3 = S3 with { Endpoint = Uri.TryCreate(value.Trim(), UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? value.Trim() : throw new ConfigException(key, $"setting 's3_endpoint' must be an http(s) URL, not '{value}'"), PathStyle = true } },
        "s3_region" => this with { S3 = S3 with { Region = value.Trim() } },
        "s3_path_style" => this with { S3 = S3 with { PathStyle = Bool(key, value) } },
        "s3_profile" => this with { S3 = S3 with { Profile = value.Trim() } },
        "scratch" => this with
        {
            Scratch = value.Trim() is var v && (v.Length == 0 || v == "local") ? null
                : Common.S3Uri.IsS3(v) ? Common.S3Uri.Parse(v).ToString().TrimEnd('/')
                : throw new ConfigException(key, $"setting 'scratch' is local (the run's scratch folder) or an s3://bucket/prefix, not '{value}'"),
        },
        _ => throw new ConfigException(key, $"unknown setting '{key}'; known settings: {string.Join(", ", Keys)}"),
    };

    private static double Number(string key, string value) =>
        double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n : throw new ConfigException(key, $"setting '{key}' must be a number of at least 0, not '{value}'");

    /// <summary>The DPU-seconds a run may use before it is stopped: the smaller of max_dpu_seconds and max_cost; null when neither is set.</summary>
    public double? DpuSecondsCap()
    {
        var caps = new List<double>();
        if (MaxDpuSeconds > 0) caps.Add(MaxDpuSeconds);
        if (MaxCost > 0 && DollarsPerDpuHour > 0) caps.Add(MaxCost / DollarsPerDpuHour * 3600);
        return caps.Count == 0 ? null : caps.Min();
    }

    public GlintSettings With(IEnumerable<KeyValuePair<string, string>> values) =>
        values.Aggregate(this, (s, kv) => s.With(kv.Key, kv.Value));

    private static long Positive(string key, long value) =>
        value > 0 ? value : throw new ConfigException(key, $"setting '{key}' must be greater than zero");

    private static long Int(string key, string value, long min) =>
        long.TryParse(value.Trim().Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n : throw new ConfigException(key, $"setting '{key}' must be a whole number of at least {min}, not '{value}'");

    private static bool Bool(string key, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw new ConfigException(key, $"setting '{key}' must be true or false, not '{value}'"),
    };
}
