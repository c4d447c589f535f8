using Glint.Api;

namespace Glint.Execution;

/// <summary>Where one run keeps its things: scratch for exchanges and slots, staging under each target.</summary>
public sealed record RunContext(RunId RunId, string ScratchFolder, GlintSettings Settings)
{
    /// <summary>Folder inside a target where attempts stage their files until the job commit.</summary>
    public const string StagingFolderName = "_glint_temporary";

    public string StagingFolder(string target) => Path.Combine(target, StagingFolderName, RunId.Value);

    public string ExchangeFolder(StageId stage) => Path.Combine(ScratchFolder, "exchange", stage.ToString());
}
