using Glint.Common;

namespace Glint.Storage;

/// <summary>Where one run keeps its things: scratch for exchanges and slots, staging under each target.</summary>
public sealed record RunContext(RunId RunId, string ScratchFolder, GlintSettings Settings)
{
    /// <summary>Slots of the run's pool (adaptive execution aims to give each a task).</summary>
    public int Slots { get; init; } = 1;

    /// <summary>How many files a rendered file list names before "… N more": all for tasks that run, a few for explain.</summary>
    public int ListedFiles { get; init; } = int.MaxValue;

    /// <summary>Folder inside a target where attempts stage their files until the job commit.</summary>
    public const string StagingFolderName = "_glint_temporary";

    /// <summary>
    /// Where attempts stage a target's files: inside the target, in a hidden folder no reader lists. For an s3:// target
    /// it is a prefix there: each task uploads its files as it ends, and the commit copies the winners' server-side.
    /// </summary>
    public string StagingFolder(string target) => Common.S3Uri.IsS3(target)
        ? Common.S3Uri.Parse(target).Child($"{StagingFolderName}/{RunId.Value}").ToString()
        : Path.Combine(target, StagingFolderName, RunId.Value);

    /// <summary>Where a stage's exchange files go: the local scratch folder, or the run's prefix under an s3:// scratch setting.</summary>
    public string ExchangeFolder(StageId stage) => Path.Combine(ExchangeRoot, "exchange", stage.ToString());

    /// <summary>The run's exchange root: local scratch, or &lt;scratch&gt;/&lt;run id&gt; on S3.</summary>
    public string ExchangeRoot => Settings.Scratch is { } remote ? $"{remote}/{RunId}" : ScratchFolder;

    public bool ExchangesOnS3 => Settings.Scratch is not null;
}
