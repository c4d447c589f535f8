using Glint.Common;

namespace Glint.Catalog;

/// <summary>
/// Where a recorded run's outcome lands (the metastore's runs and bookmarks). The commit coordinator writes a run's
/// completion into its journal before the commit point and applies it after; recovery applies it for a dead run.
/// </summary>
public interface IRunLedger
{
    /// <summary>Where this ledger lives (a SQLite file or a PostgreSQL database, without secrets): a journal names it.</summary>
    string Identity { get; }

    /// <summary>Records a committed run's success and advances its bookmarks; a run already recorded as succeeded is left alone.</summary>
    void Complete(RunId runId, string completion);

    /// <summary>A run whose process died before its commit: recorded as FAILED when still RUNNING.</summary>
    void Abandon(RunId runId, string reason);
}
