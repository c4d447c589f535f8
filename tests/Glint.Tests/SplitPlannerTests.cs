using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>How input files become splits: packing small files by bytes, splitting large Parquet files by row groups.</summary>
public sealed class SplitPlannerTests
{
    private static PhysicalPlan Plan(DataFrame frame) => frame.Session.Plan([new PlannedAction(frame.Plan, new CollectSink())]);

    private static GlintSession Session(string home, GlintSettings settings, int slots = 2) =>
        new(new SessionOptions { Home = home, Settings = settings, WorkerType = new Execution.WorkerType("test", slots, 4L << 30, 1) });

    private static void WriteFiles(string folder, int files, int rowsEach)
    {
        Directory.CreateDirectory(folder);
        for (var i = 0; i < files; i++)
            Reference.Execute($"COPY (SELECT range AS id, range % 10 AS k FROM range({i * rowsEach}, {(i + 1) * rowsEach})) TO '{folder}/f{i:D3}.parquet' (FORMAT PARQUET)");
    }

    [Fact]
    public void Small_files_are_packed_so_the_task_count_follows_bytes_not_files()
    {
        using var dir = new TempFolder("small");
        WriteFiles(dir["in"], 120, 300);
        var files = Directory.GetFiles(dir["in"]).Length;
        Assert.True(files > 50, $"expected many small files, got {files}");

        var settings = new GlintSettings { MaxPartitionBytes = 64 << 10, OpenCostInBytes = 1 << 10, MinPartitions = 1 };
        var grouped = Plan(Session(dir["home"], settings).Read.Parquet(dir["in"]));
        var perFile = Plan(Session(dir["home"], settings with { GroupFiles = false }).Read.Parquet(dir["in"]));

        var totalCost = Directory.GetFiles(dir["in"]).Sum(f => new FileInfo(f).Length + (1 << 10));
        var groupedTasks = grouped.Stages[0].TaskCount;
        Assert.Equal(files, perFile.Stages[0].TaskCount);
        Assert.InRange(groupedTasks, (int)(totalCost / (64 << 10)), (int)(totalCost / (64 << 10)) * 2 + 1);
        Assert.All(SplitSearch.Scans(grouped).Single().Splits, s => Assert.True(s.Files > 1));
        // Every file lands in exactly one split.
        Assert.Equal(files, SplitSearch.Scans(grouped).Single().Splits.Sum(s => s.Slices.Length));
    }

    [Fact]
    public void Min_partitions_shrinks_splits_so_every_slot_gets_work()
    {
        using var dir = new TempFolder("minparts");
        WriteFiles(dir["in"], 40, 2000);
        var plan = Plan(Session(dir["home"], new GlintSettings { OpenCostInBytes = 0 }, slots: 4).Read.Parquet(dir["in"]));
        Assert.InRange(plan.Stages[0].TaskCount, 8, 10); // default min_partitions = 2 × 4 slots
    }

    [Fact]
    public void A_large_parquet_file_is_split_by_row_groups_and_reads_every_row_once()
    {
        using var dir = new TempFolder("bigfile");
        Reference.Execute($"COPY (SELECT range AS id, hash(range) % 1000 AS v, 'row ' || range AS label FROM range(200000)) TO '{dir["big.parquet"]}' (FORMAT PARQUET, ROW_GROUP_SIZE 10000)");
        var size = new FileInfo(dir["big.parquet"]).Length;
        var session = Session(dir["home"], new GlintSettings { MaxPartitionBytes = size / 4 + 1, OpenCostInBytes = 0, MinPartitions = 1 }, slots: 8);
        var frame = session.Read.Parquet(dir["big.parquet"]).Filter("v < 500").WithColumn("double_v", "v * 2");

        var scan = SplitSearch.Scans(Plan(frame)).Single();
        Assert.InRange(scan.Splits.Length, 4, 5);
        Assert.All(scan.Splits, s => Assert.NotNull(s.Slices.Single().Rows));
        Assert.Equal(200000, scan.Splits.Sum(s => s.Slices.Single().Rows!.Count));

        var expected = Reference.Canonical(Reference.Query($"SELECT *, v * 2 AS double_v FROM read_parquet('{dir["big.parquet"]}') WHERE v < 500"));
        AssertRows.Equal(expected, Reference.Canonical(frame.Collect()));
    }

    [Fact]
    public void A_large_file_is_not_split_when_whole_files_already_keep_the_slots_busy()
    {
        using var dir = new TempFolder("nosplit");
        Directory.CreateDirectory(dir["in"]);
        for (var i = 0; i < 4; i++)
            Reference.Execute($"COPY (SELECT range AS id FROM range(50000)) TO '{dir[$"in/f{i}.parquet"]}' (FORMAT PARQUET, ROW_GROUP_SIZE 5000)");
        var size = new FileInfo(dir["in/f0.parquet"]).Length;
        var plan = Plan(Session(dir["home"], new GlintSettings { MaxPartitionBytes = size / 2, OpenCostInBytes = 0 }, slots: 2).Read.Parquet(dir["in"]));
        var scan = SplitSearch.Scans(plan).Single();
        Assert.Equal(4, scan.Splits.Length);
        Assert.All(scan.Splits, s => Assert.Null(s.Slices.Single().Rows));
    }
}
