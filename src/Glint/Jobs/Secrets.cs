using System.Collections.Immutable;
using Glint.Common;
using Glint.Storage;
using YamlDotNet.RepresentationModel;

namespace Glint.Jobs;

/// <summary>
/// Keeps credentials out of the metastore: a stored job's spec, its default arguments and a run's arguments may not
/// hold a secret (connection strings take the password from PGPASSWORD or ~/.pgpass, S3 keys from the AWS environment
/// or profiles). What counts as a secret is <see cref="Redaction"/>'s to say; a spec is checked on its YAML values
/// as parsed (escapes undone), not only on its text.
/// </summary>
internal static class Secrets
{
    private const string Advice = "leave it out and set PGPASSWORD or ~/.pgpass (S3: AWS_SECRET_ACCESS_KEY or a profile)";

    /// <summary>Refuses a job whose spec or default arguments carry a secret in clear text, or that could read one input twice.</summary>
    public static void CheckStorable(JobDefinition job)
    {
        if (job.Bookmarks != BookmarkOption.Disable && job.MaxConcurrentRuns > 1)
            throw new SpecException(JobRunner.ConcurrentBookmarks(job.Name, job.MaxConcurrentRuns));
        if (InSpec(job.Spec))
            throw new SpecException($"job '{job.Name}': its spec holds a password or secret key, and the metastore never stores one in clear text; {Advice}");
        CheckArguments(job.DefaultArguments, $"job '{job.Name}'", job.Spec);
    }

    /// <summary>
    /// Refuses arguments (default or given to one run) whose name or value is a secret, or that fill a secret's place in
    /// <paramref name="spec"/> (e.g. <c>Password=${pw}</c>).
    /// </summary>
    public static void CheckArguments(IReadOnlyDictionary<string, string> arguments, string owner, string? spec = null)
    {
        var secret = arguments.FirstOrDefault(a => Redaction.IsSecretName(a.Key) || Redaction.HasSecret(a.Value) || FillsSecret(spec, a.Key, arguments));
        if (secret.Key is not null)
            throw new SpecException($"{owner}: the argument '{secret.Key}' holds a password or secret, and the metastore never stores one in clear text; {Advice}");
    }

    /// <summary>Whether a line of the spec using ${name} holds a secret once its placeholders are filled.</summary>
    private static bool FillsSecret(string? spec, string name, IReadOnlyDictionary<string, string> arguments) =>
        spec is not null && spec.Split('\n').Where(l => l.Contains("${" + name + "}", StringComparison.Ordinal))
            .Any(l => Redaction.HasSecret(arguments.Aggregate(l, (text, a) => text.Replace("${" + a.Key + "}", a.Value, StringComparison.Ordinal))));

    /// <summary>Run arguments as shown: every secret inside a value masked (refused ones never get here).</summary>
    public static ImmutableDictionary<string, string> Redacted(ImmutableDictionary<string, string> arguments) =>
        arguments.ToImmutableDictionary(a => a.Key, a => Redaction.IsSecretName(a.Key) ? "***" : Redaction.Redact(a.Value));

    /// <summary>Whether any YAML scalar of the spec (or, if it does not parse, its text) holds a secret.</summary>
    private static bool InSpec(string spec)
    {
        if (Redaction.HasSecret(spec)) return true;
        var yaml = new YamlStream();
        try { yaml.Load(new StringReader(spec)); }
        catch (YamlDotNet.Core.YamlException) { return false; }
        return yaml.Documents.Any(d => Scalars(d.RootNode).Any(Redaction.HasSecret));
    }

    private static IEnumerable<string> Scalars(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value is { } v ? [v] : [],
        YamlSequenceNode q => q.Children.SelectMany(Scalars),
        YamlMappingNode m => m.Children.SelectMany(kv => KeyValue(kv.Key, kv.Value)),
        _ => [],
    };

    /// <summary>A mapping entry's key and value, and "key=value" so that <c>password: x</c> counts too.</summary>
    private static IEnumerable<string> KeyValue(YamlNode key, YamlNode value)
    {
        foreach (var s in Scalars(key).Concat(Scalars(value))) yield return s;
        if (key is YamlScalarNode { Value: { } k } && value is YamlScalarNode { Value: { Length: > 0 } v }) yield return $"{k}={v}";
    }
}
