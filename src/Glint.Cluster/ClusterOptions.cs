using Glint.Common;

namespace Glint.Cluster;

/// <summary>Which cluster a process joins: its name, and the Redis server that keeps its membership.</summary>
/// <param name="Name">the cluster's name (Orleans' ClusterId): executors and drivers of one name find each other</param>
/// <param name="Membership">Redis as host:port (or a StackExchange.Redis configuration string)</param>
public sealed record ClusterOptions(string Name, string Membership)
{
    /// <summary>The cluster secret file (see <see cref="ClusterSecret"/>); null for a cluster without TLS.</summary>
    public string? Secret { get; init; }

    /// <summary>The environment variable giving <see cref="Membership"/> when --membership is not given.</summary>
    public const string MembershipVariable = "GLINT_CLUSTER_MEMBERSHIP";

    /// <summary>Orleans' ServiceId: every Glint cluster shares it; the cluster name tells them apart.</summary>
    public const string ServiceId = "glint";

    public static ClusterOptions From(string? name, string? membership, string? secret = null)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ConfigException("--cluster", $"--cluster needs a name of letters, digits, '-' and '_', not '{name}'");
        var redis = membership ?? Environment.GetEnvironmentVariable(MembershipVariable);
        if (string.IsNullOrWhiteSpace(redis))
            throw new ConfigException("--membership", $"cluster '{name}' needs its membership store: --membership <redis host:port> or {MembershipVariable}");
        var secretFile = secret ?? Environment.GetEnvironmentVariable(ClusterSecret.Variable);
        return new ClusterOptions(name, redis.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? redis["redis://".Length..] : redis)
        {
            Secret = string.IsNullOrWhiteSpace(secretFile) ? null : Path.GetFullPath(secretFile),
        };
    }
}
