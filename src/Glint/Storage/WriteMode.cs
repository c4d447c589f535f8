using Glint.Common;

namespace Glint.Storage;

/// <summary>What a write does with what is already at the target.</summary>
public enum WriteMode
{
    /// <summary>Fail before any task if the target holds data (the default, as Spark's).</summary>
    ErrorIfExists,
    /// <summary>Add files next to the existing ones.</summary>
    Append,
    /// <summary>Replace everything at the target.</summary>
    Overwrite,
    /// <summary>Replace only the partitions this run wrote (Spark's partitionOverwriteMode=dynamic).</summary>
    OverwritePartitions,
}

internal static class WriteModes
{
    public static WriteMode Parse(string text) => text.Trim().Replace("_", "").Replace("-", "").ToLowerInvariant() switch
    {
        "errorifexists" or "error" => WriteMode.ErrorIfExists,
        "append" => WriteMode.Append,
        "overwrite" => WriteMode.Overwrite,
        "overwritepartitions" => WriteMode.OverwritePartitions,
        _ => throw new ConfigException("mode", $"unknown write mode '{text}'; expected error_if_exists, append, overwrite or overwrite_partitions"),
    };
}
