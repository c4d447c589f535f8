using System.Collections.Immutable;
using System.Security.Cryptography;
using Amazon.Runtime;
using Glint.Api;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Storage;
using Glint.Storage.ObjectStores;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// S3-compatible stores (a real s3rver started by ./test.sh): uploads checked byte for byte, sources read in parallel
/// through task-local staging, targets committed with the manifest last, failures that leave targets as they were,
/// and bookmarks over objects.
/// </summary>
[Trait("needs", "s3")]
public sealed class ObjectStoreTests : IDisposable
{
    private readonly TempFolder dir = new("s3");
    public void Dispose() => dir.Dispose();

    private GlintSession Session(GlintSettings? settings = null) =>
        new(new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"], Settings = S3Server.Settings(settings) });

    private static string Sha(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Uploads_and_downloads_are_byte_for_byte_including_multipart_and_paged_listings()
    {
        var options = S3Server.Options with { PartSize = 5L << 20, PageSize = 7 };
        var store = new ObjectStore(options);
        var prefix = S3Uri.Parse(S3Server.NewPrefix("bytes"));
        var big = dir["big.bin"];
        var random = new Random(7);
        var bytes = new byte[(11L << 20) + 12345];
        random.NextBytes(bytes);
        File.WriteAllBytes(big, bytes);
        store.Upload(big, prefix.Child("big.bin"));
        for (var i = 0; i < 20; i++)
        {
            File.WriteAllText(dir[$"small-{i}.txt"], $"object {i} ✓\n");
            store.Upload(dir[$"small-{i}.txt"], prefix.Child($"small/{i:D2}.txt"));
        }

        var listed = store.List(prefix with { Key = prefix.Prefix });
        Assert.Equal(21, listed.Length); // three pages of 7 and more
        var size = listed.Single(o => o.Uri.Key.EndsWith("big.bin")).Size;
        Assert.Equal(bytes.Length, size);
        store.Download(prefix.Child("big.bin"), dir["back/big.bin"], size);
        Assert.Equal(Sha(big), Sha(dir["back/big.bin"]));
        store.Download(prefix.Child("small/13.txt"), dir["back/13.txt"], listed.Single(o => o.Uri.Key.EndsWith("13.txt")).Size);
        Assert.Equal("object 13 ✓\n", File.ReadAllText(dir["back/13.txt"]));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("inPartition")]
    public void A_query_over_parquet_objects_equals_duckdb_over_the_same_files(string grouping)
    {
        var prefix = S3Server.NewPrefix("sales");
        Assert.Equal(Datasets.Files, S3Server.UploadFolder(Datasets.Path("sales_parquet"), prefix));
        var session = Session(new GlintSettings().With("group_files", grouping).With("shuffle_partitions", "3"));
        session.RegisterTable("sales", session.Read.Parquet(prefix));
        const string query = "SELECT day, customer, count(*) AS n, round(sum(amount), 2) AS total FROM sales WHERE qty > 0 GROUP BY day, customer";
        var frame = session.Sql(query);
        var expected = Reference.Canonical(Reference.Query(query.Replace("FROM sales", $"FROM {Datasets.ReferenceScan("sales_parquet")}")));
        Assert.Equal(expected, Reference.Canonical(frame.Collect()));
        // Task staging is removed with each task: nothing of the inputs is left in scratch.
        Assert.Empty(Directory.Exists(dir["home"]) ? Directory.GetFiles(dir["home"], "*.parquet", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public void A_partitioned_write_to_s3_commits_with_a_manifest_and_reads_back_the_same_bytes_and_rows()
    {
        var target = S3Server.NewPrefix("out");
        var session = Session();
        var summary = session.Read.Parquet(Datasets.Path("sales_parquet")).Write().PartitionBy("day").Mode("overwrite").Save(target);
        var local = Session().Read.Parquet(Datasets.Path("sales_parquet")).Write().PartitionBy("day").Mode("overwrite").Save(dir["local"]);
        Assert.Equal(local.RowsOut, summary.RowsOut);

        var listing = S3Server.Listing(target);
        Assert.Contains(listing, l => l.StartsWith("_SUCCESS: "));
        Assert.DoesNotContain(listing, l => l.StartsWith(RunContext.StagingFolderName, StringComparison.Ordinal)); // the tasks' uploads went with the commit
        Assert.Equal(summary.FilesWritten, listing.Count(l => l.EndsWith(".parquet", StringComparison.Ordinal) || l.Contains(".parquet:")));
        S3Server.DownloadPrefix(target, dir["back"]);
        // Same input, same tasks: every object is byte for byte the file the local write produced (names differ by run id).
        var uploaded = Directory.GetFiles(dir["back"], "*.parquet", SearchOption.AllDirectories).Select(f => Sha(f)).Order().ToList();
        var written = Directory.GetFiles(dir["local"], "*.parquet", SearchOption.AllDirectories).Select(f => Sha(f)).Order().ToList();
        Assert.Equal(written, uploaded);
        var manifest = System.Text.Json.JsonSerializer.Deserialize<Glint.Storage.Manifest>(File.ReadAllText(dir["back/_SUCCESS"]))!;
        Assert.Equal(summary.RowsOut, manifest.Rows);
        Assert.Equal(summary.FilesWritten, manifest.Files.Length);

        var back = Session().Read.Parquet(target).Select("id", "customer", "amount", "qty", "CAST(day AS VARCHAR)").Collect();
        var expected = Reference.Query($"SELECT id, customer, amount, qty, CAST(day AS VARCHAR) FROM {Datasets.ReferenceScan("sales_parquet")}");
        Assert.Equal(Reference.Canonical(expected), Reference.Canonical(back));
    }

    [Fact]
    public void Overwrite_replaces_the_old_objects_and_append_keeps_them()
    {
        var target = S3Server.NewPrefix("modes");
        var frame = Session().Read.Parquet(Datasets.Path("customers"));
        frame.Write().Save(target);
        var first = S3Server.Listing(target).Where(l => !l.StartsWith('_')).ToList();
        Assert.Throws<TargetException>(() => frame.Write().Save(target)); // error_if_exists
        frame.Write().Mode("append").Save(target);
        Assert.Equal(2 * first.Count, S3Server.Listing(target).Count(l => !l.StartsWith('_')));
        frame.Write().Mode("overwrite").Save(target);
        var after = S3Server.Listing(target).Where(l => !l.StartsWith('_')).ToList();
        Assert.Equal(first.Count, after.Count);
        Assert.Empty(after.Intersect(first));
        Assert.Equal(Reference.Query($"SELECT count(*) FROM {Datasets.ReferenceScan("customers")}")[0][0], (long)Session().Read.Parquet(target).Count());
    }

    [Fact]
    public void A_failure_in_the_middle_of_the_commits_copies_leaves_the_target_as_it_was_and_nothing_staged()
    {
        var target = S3Server.NewPrefix("atomic");
        var session = Session(new GlintSettings().With("group_files", "none"));
        session.Read.Parquet(Datasets.Path("sales_parquet")).Write().PartitionBy("day").Save(target);
        var before = S3Server.Listing(target);
        var copies = 0;
        ObjectStore.BeforeUpload = key =>
        {
            if (key.Contains("atomic") && !key.Contains(RunContext.StagingFolderName) && Interlocked.Increment(ref copies) == 5)
                throw new TransientException("injected: connection dropped mid-copy");
        };
        try
        {
            var e = Assert.Throws<TargetException>(() => session.Read.Parquet(Datasets.Path("sales_parquet")).Write().PartitionBy("day").Mode("overwrite").Save(target));
            Assert.Contains("rolled back", e.Message);
            Assert.Contains("injected", e.Message);
        }
        finally { ObjectStore.BeforeUpload = null; }
        Assert.Equal(before, S3Server.Listing(target));
    }

    [Fact]
    public void A_task_whose_upload_drops_is_retried_and_the_target_holds_every_row_once_with_nothing_staged()
    {
        var target = S3Server.NewPrefix("retried");
        var uploads = 0;
        ObjectStore.BeforeUpload = key =>
        {
            if (key.Contains(RunContext.StagingFolderName) && Interlocked.Increment(ref uploads) == 3)
                throw new TransientException("injected: connection dropped mid-upload");
        };
        try { Session(new GlintSettings().With("group_files", "none")).Read.Parquet(Datasets.Path("sales_parquet")).Write().PartitionBy("day").Save(target); }
        finally { ObjectStore.BeforeUpload = null; }
        Assert.True(uploads > 3, "the injected failure never happened");
        Assert.DoesNotContain(S3Server.Listing(target), l => l.StartsWith(RunContext.StagingFolderName, StringComparison.Ordinal));
        var back = Session().Read.Parquet(target).Select("id", "customer", "amount", "qty", "CAST(day AS VARCHAR)").Collect();
        var expected = Reference.Query($"SELECT id, customer, amount, qty, CAST(day AS VARCHAR) FROM {Datasets.ReferenceScan("sales_parquet")}");
        Assert.Equal(Reference.Canonical(expected), Reference.Canonical(back));
    }

    [Fact]
    public void Bad_addresses_and_credentials_fail_with_the_bucket_or_the_reason_named()
    {
        var missing = Assert.ThrowsAny<GlintException>(() => Session().Read.Parquet("s3://no-such-bucket-glint/x"));
        Assert.Contains("no-such-bucket-glint", missing.Message);
        Assert.Contains("NoSuchBucket", missing.Message);
        var empty = Assert.Throws<SourceException>(() => Session().Read.Parquet(S3Server.NewPrefix("empty")));
        Assert.Contains("holds no data objects", empty.Message);
        Assert.Contains("'..'", Assert.Throws<SourceException>(() => Session().Read.Parquet("s3://glint-test/a/../b")).Message);

        var wrong = S3Server.Options with { Credentials = new BasicAWSCredentials("WRONG", "not-the-secret") };
        var denied = Assert.ThrowsAny<GlintException>(() => new ObjectStore(wrong).List(S3Uri.Parse("s3://glint-test/")));
        Assert.DoesNotContain("not-the-secret", denied.Message);
        Assert.Contains("glint-test", denied.Message);
        Assert.Contains("s3_endpoint", Assert.Throws<ConfigException>(() => new GlintSettings().With("s3_endpoint", "ftp://x")).Message);
    }

    [Fact]
    public void A_bookmarked_job_over_an_s3_prefix_reads_each_new_object_once()
    {
        var input = S3Server.NewPrefix("incoming");
        var output = S3Server.NewPrefix("processed");
        var store = SqlJobStore.Open(dir["metastore.db"], dir.Path);
        void Add(int n)
        {
            Reference.Execute($"COPY (SELECT {n} * 1000 + range AS id, (range % 10)::INTEGER AS amount FROM range(50)) TO '{dir[$"part-{n:D3}.parquet"]}' (FORMAT PARQUET)");
            S3Server.Store.Upload(dir[$"part-{n:D3}.parquet"], S3Uri.Parse(input).Child($"part-{n:D3}.parquet"));
        }
        var spec = $$"""
            name: s3_incremental
            settings: { s3_endpoint: "{{S3Server.Endpoint}}" }
            sources:
              events: { path: "{{input}}" }
            targets:
              - { from: events, path: "{{output}}", mode: append }
            """;
        store.CreateJob(new JobDefinition("s3_incremental", spec, ImmutableDictionary<string, string>.Empty, Bookmarks: BookmarkOption.Enable));
        var runner = new JobRunner(store, new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"] });
        Add(1); Add(2);
        var first = runner.Start("s3_incremental", new Dictionary<string, string>());
        Assert.True(first.State == RunState.Succeeded, first.Error);
        Assert.Equal(100, first.Record!.RowsIn);
        Add(3);
        Assert.Equal(50, runner.Start("s3_incremental", new Dictionary<string, string>()).Record!.RowsIn);
        Assert.Equal(0, runner.Start("s3_incremental", new Dictionary<string, string>()).Record!.RowsIn);
        var rows = Session().Read.Parquet(output).Select("id").Collect().Select(r => Convert.ToInt64(r[0])).ToList();
        Assert.Equal(150, rows.Count);
        Assert.Equal(150, rows.Distinct().Count());
    }

    [Fact]
    public void A_crawl_of_an_s3_prefix_makes_catalog_tables_that_read_and_prune_like_local_ones()
    {
        var lake = S3Server.NewPrefix("lake");
        S3Server.UploadFolder(Datasets.Path("sales_parquet"), lake + "/sales");
        S3Server.UploadFolder(Datasets.Path("sales_csv"), lake + "/orders_csv");
        S3Server.Store.WriteText(S3Uri.Parse(lake + "/sales/_SUCCESS"), "{}");
        var store = Metastores.Open(dir["metastore.db"], dir.Path);
        var crawler = new FolderCrawler(store, new CrawlerOptions("lake"), S3Server.Options);
        var result = crawler.Crawl(lake);
        Assert.Equal(["lake.orders_csv", "lake.sales"], result.TablesCreated.Order());
        Assert.Equal(5 + 1, result.PartitionsAdded);
        var sales = store.FindTable("lake", "sales")!;
        Assert.Equal(lake + "/sales", sales.Definition.Location);
        Assert.Equal(["day"], sales.Definition.PartitionKeys.Select(k => k.Name));
        Assert.True(crawler.Crawl(lake).NoChange);

        var session = Session();
        var pruned = session.Table("lake.sales", "day >= DATE '2024-01-04'");
        Assert.Contains("2 of 5 partitions", pruned.Explain());
        var expected = Reference.Query($"SELECT id, amount FROM {Datasets.ReferenceScan("sales_parquet")} WHERE day >= DATE '2024-01-04'");
        Assert.Equal(Reference.Canonical(expected), Reference.Canonical(pruned.Select("id", "amount").Collect()));
        var csv = session.Sql("SELECT count(*) FROM lake.orders_csv").Collect();
        Assert.Equal(Reference.Query($"SELECT count(*) FROM {Datasets.ReferenceScan("sales_csv")}")[0][0], csv[0][0]);

        // A new object in one partition: a re-crawl updates that partition only.
        S3Server.Store.Upload(Directory.GetFiles(Datasets.Path("sales_parquet"), "*.parquet", SearchOption.AllDirectories)[0], S3Uri.Parse(lake + "/sales/day=2024-01-01/extra.parquet"));
        var again = crawler.Crawl(lake);
        Assert.Equal((0, 1, 4 + 1), (again.PartitionsAdded, again.PartitionsUpdated, again.PartitionsUnchanged));
    }

    [Theory]
    [InlineData("-1")]        // shuffle joins
    [InlineData("10MB")]      // broadcast joins
    public void Exchanges_on_s3_scratch_give_the_same_rows_and_leave_nothing_behind(string broadcast)
    {
        var scratch = S3Server.NewPrefix("scratch");
        var session = Session(new GlintSettings().With("scratch", scratch).With("local_exchange", "files").With("shuffle_partitions", "5").With("broadcast_threshold", broadcast)
            .With("group_files", "none"));
        session.RegisterTable("sales", session.Read.Parquet(Datasets.Path("sales_parquet")));
        session.RegisterTable("customers", session.Read.Parquet(Datasets.Path("customers")));
        const string query = """
            SELECT s.customer, c.segment, count(*) AS n, round(sum(s.amount), 2) AS total,
                   rank() OVER (PARTITION BY c.segment ORDER BY count(*) DESC, s.customer) AS r
            FROM sales s JOIN customers c ON s.customer = c.customer
            WHERE s.qty > 0 GROUP BY s.customer, c.segment ORDER BY total DESC, s.customer LIMIT 40
            """;
        var expected = Reference.Ordered(Reference.QueryOver(
            new Dictionary<string, string> { ["sales"] = "sales_parquet", ["customers"] = "customers" }, query));
        var ran = session.Sql(query);
        Assert.Contains("shuffle", ran.Explain());
        Assert.Equal(expected, Reference.Ordered(ran.Collect()));
        Assert.Empty(S3Server.Listing(scratch));

        // Kept for looking into: every map output went to the scratch prefix, none to the local scratch folder.
        var kept = Session(new GlintSettings().With("scratch", scratch).With("local_exchange", "files").With("shuffle_partitions", "5").With("broadcast_threshold", broadcast)
            .With("keep_scratch", "true"));
        kept.RegisterTable("sales", kept.Read.Parquet(Datasets.Path("sales_parquet")));
        kept.RegisterTable("customers", kept.Read.Parquet(Datasets.Path("customers")));
        Assert.Equal(expected, Reference.Ordered(kept.Sql(query).Collect()));
        var objects = S3Server.Listing(scratch);
        Assert.Contains(objects, o => o.Contains("/exchange/") && o.Contains("glint_bucket="));
        Assert.Empty(Directory.GetFiles(dir["home"], "*.parquet", SearchOption.AllDirectories));
        Assert.Contains("s3://", Assert.Throws<ConfigException>(() => new GlintSettings().With("scratch", "/tmp/x")).Message);
    }

    [Fact]
    public void A_catalog_table_on_s3_is_created_by_a_write_and_its_partitions_registered_after_the_commit()
    {
        var location = S3Server.NewPrefix("warehouse");
        var session = Session();
        var sales = session.Read.Parquet(Datasets.Path("sales_parquet"));
        sales.Write().PartitionBy("day").SaveAsTable("lake.s3_sales", location);
        var table = session.Catalog.FindTable("lake", "s3_sales")!;
        Assert.Equal(location, table.Definition.Location);
        var partitions = session.Catalog.Partitions("lake", "s3_sales");
        Assert.Equal(5, partitions.Count);
        Assert.All(partitions, p => Assert.StartsWith(location + "/day=", p.Location));
        Assert.Equal(Reference.Query($"SELECT count(*) FROM {Datasets.ReferenceScan("sales_parquet")}")[0][0], partitions.Sum(p => p.Rows ?? 0));

        sales.Filter("day = DATE '2024-01-02'").Write().SaveAsTable("lake.s3_sales"); // append into one partition
        var day = session.Table("lake.s3_sales", "day = DATE '2024-01-02'");
        Assert.Contains("1 of 5 partitions", day.Explain());
        var once = Convert.ToInt64(Reference.Query($"SELECT count(*) FROM {Datasets.ReferenceScan("sales_parquet")} WHERE day = DATE '2024-01-02'")[0][0]);
        Assert.Equal(2 * once, day.Count());
    }
}
