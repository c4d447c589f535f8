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
        sb.AppendLine($"== Physical plan: {plan.Stages.Length} stage{(plan.Stages.Length == 1 ? "" : "s")}, {plan.Stages.Sum(s => s.TaskCount)} tasks on {options.PoolText()} ==");
        // Explain names the first two files of a long list; the split lines give the counts.
        var run = new RunContext(new RunId("<run-id>"), Path.Combine(options.Home, "scratch", "<run-id>"), options.Settings) { ListedFiles = 2 };
        foreach (var stage in plan.Stages)
        {
            var after = stage.DependsOn.IsEmpty ? "" : $" after {string.Join(", ", stage.DependsOn)}";
            sb.AppendLine($"Stage {stage.Id}: {stage.TaskCount} task{(stage.TaskCount == 1 ? "" : "s")}{after} → {SinkLine(stage.Sink)}");
            foreach (var pipeline in stage.Pipelines)
            {
                var steps = pipeline.Operators.Select(o => o.Describe());
                switch (pipeline.Input)
                {
                    case ScanInput scan:
                        sb.AppendLine($"  pipeline: scan {scan.Source} → {string.Join(" → ", steps.DefaultIfEmpty("output"))}");
                        Splits(scan, sb, allSplits);
                        break;
                    case DatabaseScanInput database:
                        sb.AppendLine($"  pipeline: read {database.Source} → {string.Join(" → ", steps.DefaultIfEmpty("output"))}");
                        sb.AppendLine($"    {database.Splits.Length} split{(database.Splits.Length == 1 ? "" : "s")}: " +
                                      string.Join("; ", database.Splits.Take(allSplits ? int.MaxValue : 8).Select(s => s.Description)) +
                                      (!allSplits && database.Splits.Length > 8 ? $"; … {database.Splits.Length - 8} more" : ""));
                        break;
                    case GatherInput gather:
                        sb.AppendLine($"  pipeline: gather output of {gather.Upstream} (exchange: single partition) → {string.Join(" → ", steps)}");
                        break;
                    case ShuffleInput shuffle:
                        sb.AppendLine($"  pipeline: bucket i of {shuffle.Upstream} (one task per non-empty bucket of {shuffle.Buckets}) → {string.Join(" → ", steps.DefaultIfEmpty("output"))}");
                        if (options.Settings.AdaptiveEnabled && shuffle.Adaptive && shuffle.Buckets > 1)
                            sb.AppendLine($"    adaptive: neighbouring buckets coalesced up to {Bytes.Format(options.Settings.AdvisoryPartitionSize)} per task once {shuffle.Upstream} has run");
                        break;
                    case ShuffleJoinInput join:
                        sb.AppendLine($"  pipeline: bucket i of {join.Left.Upstream} {join.Type.ToString().ToLowerInvariant()} join bucket i of {join.Right.Upstream} using [{string.Join(", ", join.Keys)}] (shuffle hash join, {join.Left.Buckets} buckets) → {string.Join(" → ", steps.DefaultIfEmpty("output"))}");
                        if (options.Settings.AdaptiveEnabled)
                            sb.AppendLine("    adaptive: once both sides have run, " +
                                          (options.Settings.BroadcastThreshold >= 0 ? $"a side under {Bytes.Format(options.Settings.BroadcastThreshold)} is broadcast instead; " : "") +
                                          $"buckets coalesced up to {Bytes.Format(options.Settings.AdvisoryPartitionSize)}; a bucket over {options.Settings.SkewFactor.ToString(System.Globalization.CultureInfo.InvariantCulture)} × the median and {Bytes.Format(options.Settings.SkewThreshold)} is split");
                        break;
                }
            }
            var first = StageTasks.Tasks(stage, run, new Dictionary<StageId, IReadOnlyList<WrittenFile>>()).FirstOrDefault();
            if (first is not null)
            {
                sb.AppendLine($"  task {first.Id} ({first.Description}) runs:");
                foreach (var line in OutputSql.Statement(first, new TaskAttemptId(first.Id, 1)).Split('\n'))
                    sb.AppendLine("    " + line);
            }
        }
        return sb.ToString();
    }

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
