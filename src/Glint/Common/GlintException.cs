namespace Glint.Common;

/// <summary>Base of every error Glint reports to users; the message is one clear line naming the offending thing.</summary>
public abstract class GlintException : Exception
{
    protected GlintException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Short category shown before the message, e.g. "plan error".</summary>
    public abstract string Category { get; }

    /// <summary>Whether retrying the same work could succeed (see <see cref="Execution.ErrorClassifier"/>).</summary>
    public virtual bool IsRetryable => false;
}

/// <summary>The plan cannot be built: unknown column, an expression that does not type-check, an unsupported operation.</summary>
public sealed class PlanException(string message, string? subject = null, Exception? inner = null) : GlintException(message, inner)
{
    /// <summary>The expression, column or operation at fault.</summary>
    public string? Subject { get; } = subject;
    public override string Category => "plan error";
}

/// <summary>A source cannot be read: missing path, empty folder, malformed or unreadable file.</summary>
public sealed class SourceException(string path, string message, Exception? inner = null) : GlintException(message, inner)
{
    public string Path { get; } = path;
    public override string Category => "source error";
}

/// <summary>A target cannot be written as asked: it exists in ErrorIfExists mode, lies inside a source, or a partition value cannot name a folder.</summary>
public sealed class TargetException(string path, string message, Exception? inner = null) : GlintException(message, inner)
{
    public string Path { get; } = path;
    public override string Category => "target error";
}

/// <summary>A setting, worker type, format or option is unknown or has a bad value.</summary>
public sealed class ConfigException(string key, string message) : GlintException(message)
{
    public string Key { get; } = key;
    public override string Category => "configuration error";
}

/// <summary>A job spec file is malformed or refers to something that does not exist.</summary>
public sealed class SpecException(string message, Exception? inner = null) : GlintException(message, inner)
{
    public override string Category => "job spec error";
}

/// <summary>A task failed on all its attempts (or with a fatal error), failing the run.</summary>
public sealed class TaskFailedException(string taskId, int attempts, string message, Exception? inner = null)
    : GlintException(message, inner)
{
    public string TaskId { get; } = taskId;
    public int Attempts { get; } = attempts;
    public override string Category => "task failed";
}

/// <summary>The run was cancelled (Ctrl+C or a token); no target was changed.</summary>
public sealed class RunCancelledException(string message) : GlintException(message)
{
    public override string Category => "cancelled";
}

/// <summary>A failure of the kind that may pass on retry (I/O hiccup, lost resource, injected fault).</summary>
public sealed class TransientException(string message, Exception? inner = null) : GlintException(message, inner)
{
    public override string Category => "transient error";
    public override bool IsRetryable => true;
}

/// <summary>The executor running a task attempt left the cluster (killed, crashed, declared dead): the attempt is re-run elsewhere, not counted as a failure.</summary>
public sealed class ExecutorLostException(string executor, string message) : GlintException(message)
{
    public string Executor { get; } = executor;
    public override string Category => "executor lost";
    public override bool IsRetryable => true;
}

/// <summary>A task attempt failed on a remote executor; whether it may pass on retry was decided there, where the error was known.</summary>
public sealed class RemoteTaskException(string message, bool retryable) : GlintException(message)
{
    public override string Category => "task error";
    public override bool IsRetryable => retryable;
}

/// <summary>The catalog cannot do what was asked: unknown database or table, a name taken, a bad partition predicate.</summary>
public sealed class CatalogException(string name, string message, Exception? inner = null) : GlintException(message, inner)
{
    /// <summary>The database, table, column or predicate at fault.</summary>
    public string Name { get; } = name;
    public override string Category => "catalog error";
}

/// <summary>Another process changed a catalog table since it was read (optimistic versioning); read it again and retry.</summary>
public sealed class ConcurrentUpdateException(string table, long expected, string message) : GlintException(message)
{
    public string Table { get; } = table;
    public long ExpectedVersion { get; } = expected;
    public override string Category => "concurrent update";
    public override bool IsRetryable => true;
}

/// <summary>A run reached its cost cap (max_dpu_seconds or max_cost) and was stopped; no target was changed.</summary>
public sealed class CostCapException(string message) : GlintException(message)
{
    public override string Category => "cost cap";
}

/// <summary>A run had more error records (malformed input rows) than its thresholds allow; no target was changed.</summary>
public sealed class ErrorThresholdException(string message) : GlintException(message)
{
    public override string Category => "error threshold";
}

/// <summary>A named thing (job, run, bookmark source, table) does not exist.</summary>
public sealed class NotFoundException(string kind, string name, string? hint = null)
    : GlintException($"{kind} '{name}' does not exist{(hint is null ? "" : $"; {hint}")}")
{
    /// <summary>What kind of thing was asked for: job, run, source …</summary>
    public string Kind { get; } = kind;
    public string Name { get; } = name;
    public override string Category => "not found";
}

/// <summary>A job already has as many runs in progress as it allows (its max concurrent runs); the start is refused and nothing is recorded.</summary>
public sealed class ConcurrentRunsException(string job, string message) : GlintException(message)
{
    public string Job { get; } = job;
    public override string Category => "concurrent runs";
}

/// <summary>A DQDL ruleset does not parse or names a rule wrongly; the message names the line and column.</summary>
public sealed class RulesetException(string message) : GlintException(message)
{
    public override string Category => "ruleset error";
}

/// <summary>A data-quality gate with on_failure: fail saw a rule fail: the run stops before its commit and no target changes.</summary>
public sealed class DataQualityException(string message) : GlintException(message)
{
    public override string Category => "data quality";
}
