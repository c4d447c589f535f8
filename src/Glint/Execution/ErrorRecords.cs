using System.Text.Json;
using Glint.Common;

namespace Glint.Execution;

/// <summary>
/// Error records of a run (Glue's error DynamicFrame): the malformed rows its tasks rejected are
/// written to a JSON-lines file, and the run fails before its commit when a threshold is passed.
/// </summary>
internal static class ErrorRecords
{
    /// <summary>Quotes and non-ASCII text as themselves (the file is for people and jq), not as \u escapes.</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (long Count, string? File) Check(RunId run, IReadOnlyDictionary<StageId, IReadOnlyDictionary<TaskId, TaskResult>> results, SessionOptions options)
    {
        var byStage = results.ToDictionary(r => r.Key, r => r.Value.Values.SelectMany(t => t.Errors).ToList());
        var all = byStage.Values.SelectMany(e => e).ToList();
        if (all.Count == 0) return (0, null);
        var folder = Path.GetFullPath(options.Settings.ErrorPath ?? Path.Combine(options.Home, "errors"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"errors-{run}.json");
        using (var writer = new StreamWriter(file))
            foreach (var e in all)
                writer.WriteLine(JsonSerializer.Serialize(new { file = e.File, line = e.Line, kind = e.Kind, reason = e.Reason, raw = e.RawText }, Readable));

        string Sample() => string.Join("; ", all.Take(3).Select(e => $"{Path.GetFileName(e.File)} line {e.Line}: {e.Kind}"));
        foreach (var (stage, errors) in byStage.Where(kv => kv.Value.Count > 0))
        {
            var rows = results[stage].Values.Sum(t => t.RowsOut) + errors.Count;
            if (Exceeds(errors.Count, rows, options.Settings.StageErrorThreshold))
                throw new ErrorThresholdException(
                    $"stage {stage} rejected {errors.Count} of {rows} input rows, over stage_error_threshold {options.Settings.StageErrorThreshold}; no target was changed (records in {file}; {Sample()})");
        }
        var total = results.Where(r => byStage[r.Key].Count > 0).Sum(r => r.Value.Values.Sum(t => t.RowsOut)) + all.Count;
        if (Exceeds(all.Count, total, options.Settings.ErrorThreshold))
            throw new ErrorThresholdException(
                $"the run rejected {all.Count} of {total} input rows, over error_threshold {options.Settings.ErrorThreshold}; no target was changed (records in {file}; {Sample()})");
        return (all.Count, file);
    }

    /// <summary>A threshold of 1 or more is a count; below 1, a fraction of the rows read.</summary>
    private static bool Exceeds(long errors, long rows, double? threshold) =>
        threshold is { } t && (t >= 1 ? errors > t : errors > t * rows);
}
