using Glint.Plan;

namespace Glint.Execution;

/// <summary>How a stage is named in progress, summaries and reports: by what its sink does.</summary>
internal static class StageNames
{
    public static string Of(Stage stage) => stage.Sink switch
    {
        TargetSink t => $"write {t.Target.Path}",
        DatabaseTargetSink d => $"write table {d.Target.Table}",
        ScratchSink => "exchange",
        ShuffleSink s => $"shuffle map ({s.Buckets} buckets)",
        CollectSink => "collect",
        CountSink => "count",
        _ => stage.Sink.GetType().Name,
    };
}
