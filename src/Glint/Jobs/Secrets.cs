using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Glint.Errors;

namespace Glint.Jobs;

/// <summary>
/// Keeps credentials out of the metastore: a stored job's spec and default arguments may not hold a password
/// (connection strings take it from PGPASSWORD or ~/.pgpass, S3 keys from the AWS environment or profiles), and run
/// arguments that look like secrets are stored redacted.
/// </summary>
public static partial class Secrets
{
    [GeneratedRegex(@"(?i)(password|pwd)\s*=\s*[^;&\s""']+|postgres(?:ql)?://[^:/@\s""']+:[^@\s""']+@|aws_secret_access_key\s*[:=]")]
    private static partial Regex Credential();

    /// <summary>Refuses a job whose spec or default arguments carry a password in clear text.</summary>
    public static void CheckStorable(JobDefinition job)
    {
        var where = Credential().IsMatch(job.Spec) ? "its spec"
            : job.DefaultArguments.FirstOrDefault(a => Credential().IsMatch(a.Value) || IsSecretName(a.Key)) is { Key: not null } a ? $"its argument '{a.Key}'"
            : null;
        if (where is not null)
            throw new SpecException($"job '{job.Name}': {where} holds a password, and the metastore never stores one in clear text; " +
                                    "leave it out of the connection and set PGPASSWORD or ~/.pgpass (S3: AWS_SECRET_ACCESS_KEY or a profile)");
    }

    /// <summary>Run arguments as stored: values of secret-looking names, and passwords inside values, replaced by ***.</summary>
    public static ImmutableDictionary<string, string> Redacted(ImmutableDictionary<string, string> arguments) =>
        arguments.ToImmutableDictionary(a => a.Key, a => IsSecretName(a.Key) ? "***" : Storage.Databases.DatabaseConnection.Redact(a.Value));

    private static bool IsSecretName(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase) ||
        name.Contains("token", StringComparison.OrdinalIgnoreCase);
}
