using System.Text;
using Glint.Common;
using Glint.Plan;
using Glint.Storage;

namespace Glint.Execution;

/// <summary>Renders a plan for people: the logical tree, then each stage with its tasks, splits and the SQL a task runs.</summary>
internal static class Explainer
{
    public static string Explain(IReadOnlyList<PlannedAction> actions, PhysicalPlan plan, SessionOptions options, bool allSplits = false)
    {
        var sb = new StringBuilder();
        sb.AppendLine("== Logical plan ==");
        foreach (var action in actions)
        {
            sb.AppendLine(SinkLine(action.Sink));
            Tree(action.Root, 1, sb);
        }
        sb.AppendLine();
        var placed = options.Place(plan);
        var running = placed.Stages.ToDictionary(s => s.Id);
        var fused = placed.Exchanges.Values.Count(d => d.Fused);
        sb.AppendLine($"== Physical plan: {plan.Stages.Length} stage{(plan.Stages.Length == 1 ? "" : "s")}, {placed.Stages.Sum(s => s.TaskCount)} tasks on {options.PoolText()}" +
                      (fused > 0 ? $"; {fused} exchange{(fused == 1 ? "" : "s")} fused ==" : " =="));
        // Explain names the first two files of a long list (the split lines give the counts); --all-splits names every one,
        // so the task SQL shown is the SQL that runs.
        var run = new RunContext(new RunId("<run-id>"), Path.Combine(options.Home, "scratch", "<run-id>"), options.Settings) { ListedFiles = allSplits ? int.MaxValue : 2 };
        foreach (var stage in plan.Stages)
        {
            var runs = running.GetValueOrDefault(stage.Id);
            sb.AppendLine(StageLine(stage, runs));
            if (placed.Exchanges.GetValueOrDefault(stage.Id) is { } exchange)
                sb.AppendLine(exchange switch
                {
                    { Fused: true } => $"  exchange: fused, computed inside {exchange.Into}'s task ({exchange.Why})",
                    { Runs: false } => $"  exchange: not needed ({exchange.Why})",
                    _ => $"  exchange: materialised as files ({exchange.Why})",
                });
            for (var i = 0; i < stage.Pipelines.Length; i++)
            {
                // Adaptive re-planning applies to reducers reading files, not to a fused pipeline or a stage that has no tasks.
                var fusedHere = runs is null || Stage.IsFused(runs.Pipelines[i]);
                // A fused pipeline is shown as it runs (a final aggregate over its partial step there is one whole aggregate).
                var shown = runs is not null && fusedHere ? runs.Pipelines[i] : stage.Pipelines[i];
                Pipeline(shown, fusedHere ? options.Settings with { AdaptiveEnabled = false } : options.Settings, sb, allSplits, fusedHere && runs is not null);
            }
            if (runs is null) continue;
            var first = StageTasks.Tasks(runs, run, new Dictionary<StageId, IReadOnlyList<WrittenFile>>()).FirstOrDefault();
            if (first is not null)
            {
                sb.AppendLine($"  task {first.Id} ({first.Description}) runs:");
                foreach (var line in OutputSql.Statement(first, new TaskAttemptId(first.Id, 1)).Split('\n'))
                    sb.AppendLine("    " + line);
            }
        }
        return sb.ToString();
    }

    /// <summary>The stage's headline: its tasks and the slots each takes, or where its rows are computed when it does not run.</summary>
    private static string StageLine(Stage stage, Stage? runs)
    {
        if (runs is null) return $"Stage {stage.Id}: no tasks of its own → {SinkLine(stage.Sink)}";
        var after = runs.DependsOn.IsEmpty ? "" : $" after {string.Join(", ", runs.DependsOn)}";
        var wide = runs.WideTaskSlots;
        var slots = wide == 1 ? "1 slot" : $"{wide} slots (fused: one DuckDB with {wide} threads)";
        return $"Stage {stage.Id}: {runs.TaskCount} task{(runs.TaskCount == 1 ? "" : "s")} × {slots}{after} → {SinkLine(stage.Sink)}";
    }

    private static void Pipeline(Pipeline pipeline, GlintSettings settings, StringBuilder sb, bool allSplits, bool fused)
    {
        var steps = string.Join(" → ", pipeline.Operators.Select(o => o.Describe()).DefaultIfEmpty("output"));
        if (fused)
        {
            var read = string.Join(" and ", StageOf(pipeline.Input));
            sb.AppendLine($"  pipeline: all rows of {read} computed in this stage's one task (fused) → {steps}");
            return;
        }
        switch (pipeline.Input)
        {
            case ScanInput scan:
                sb.AppendLine($"  pipeline: scan {scan.Source} → {steps}");
                Splits(scan, sb, allSplits);
                break;
            case DatabaseScanInput database:
                sb.AppendLine($"  pipeline: read {database.Source} → {steps}");
                sb.AppendLine($"    {database.Splits.Length} split{(database.Splits.Length == 1 ? "" : "s")}: " +
                              string.Join("; ", database.Splits.Take(allSplits ? int.MaxValue : 8).Select(s => s.Description)) +
                              (!allSplits && database.Splits.Length > 8 ? $"; … {database.Splits.Length - 8} more" : ""));
                break;
            case GatherInput gather:
                sb.AppendLine($"  pipeline: gather output of {gather.Upstream} (exchange: single partition) → {steps}");
                break;
            case ShuffleInput shuffle:
                sb.AppendLine($"  pipeline: bucket i of {shuffle.Upstream} (one task per non-empty bucket of {shuffle.Buckets}) → {steps}");
                if (settings.AdaptiveEnabled && shuffle.Adaptive && shuffle.Buckets > 1)
                    sb.AppendLine($"    adaptive: neighbouring buckets coalesced up to {Bytes.Format(settings.AdvisoryPartitionSize)} per task once {shuffle.Upstream} has run");
                break;
            case ShuffleJoinInput join:
                sb.AppendLine($"  pipeline: bucket i of {join.Left.Upstream} {join.Type.ToString().ToLowerInvariant()} join bucket i of {join.Right.Upstream} using [{string.Join(", ", join.Keys)}] (shuffle hash join, {join.Left.Buckets} buckets) → {steps}");
                if (settings.AdaptiveEnabled)
                    sb.AppendLine("    adaptive: once both sides have run, " +
                                  (settings.BroadcastThreshold >= 0 ? $"a side under {Bytes.Format(settings.BroadcastThreshold)} is broadcast instead; " : "") +
                                  $"buckets coalesced up to {Bytes.Format(settings.AdvisoryPartitionSize)}; a bucket over {settings.SkewFactor.ToString(System.Globalization.CultureInfo.InvariantCulture)} × the median and {Bytes.Format(settings.SkewThreshold)} is split");
                break;
        }
    }

    private static IEnumerable<StageId> StageOf(StageInput input) => input switch
    {
        GatherInput g => [g.Upstream],
        ShuffleInput s => [s.Upstream],
        ShuffleJoinInput j => [j.Left.Upstream, j.Right.Upstream],
        FusedInput f => [f.Producer.Id],
        FusedJoinInput j => [.. StageOf(j.Left), .. StageOf(j.Right)],
        _ => [],
    };

    private static void Splits(ScanInput scan, StringBuilder sb, bool all)
    {
        var sizes = scan.Splits.Select(s => s.Bytes).Order().ToList();
        if (sizes.Count == 0) return;
        sb.AppendLine($"    {scan.Splits.Length} splits from {scan.Source.Files.Length} files ({Bytes.Format(scan.Source.TotalBytes)}): " +
                      $"bytes per split min {Bytes.Format(sizes[0])}, median {Bytes.Format(sizes[sizes.Count / 2])}, max {Bytes.Format(sizes[^1])}; " +
                      $"files per split {scan.Splits.Min(s => s.Files)}..{scan.Splits.Max(s => s.Files)}");
        var shown = all ? scan.Splits : scan.Splits.Take(8);
        foreach (var split in shown)
        {
            var ranges = split.Slices.Count(s => s.Rows is not null);
            sb.AppendLine($"      split {split.Index}: {split.Files} file{(split.Files == 1 ? "" : "s")}, {Bytes.Format(split.Bytes)}" +
                          (ranges > 0 ? $", {ranges} row-group range{(ranges == 1 ? "" : "s")}" : ""));
        }
        if (!all && scan.Splits.Length > 8) sb.AppendLine($"      … {scan.Splits.Length - 8} more splits");
    }

    private static void Tree(LogicalNode node, int depth, StringBuilder sb)
    {
        sb.Append(new string(' ', depth * 2)).AppendLine(node.Describe());
        foreach (var child in node.Children) Tree(child, depth + 1, sb);
    }

    private static string SinkLine(StageSink sink) => sink switch
    {
        TargetSink t => $"Write {t.Target}",
        DatabaseTargetSink d => $"Write {d.Target}",
        ScratchSink => "exchange to scratch",
        ShuffleSink { Ranged: true } s => $"shuffle by sampled ranges into {s.Buckets} buckets",
        ShuffleSink { HashExpressions.IsEmpty: true } s => $"shuffle round-robin into {s.Buckets} buckets",
        ShuffleSink s => $"shuffle by hash({string.Join(", ", s.HashExpressions)}) into {s.Buckets} bucket{(s.Buckets == 1 ? "" : "s")}",
        CollectSink => "Collect",
        CountSink => "Count",
        _ => sink.GetType().Name,
    };
}
