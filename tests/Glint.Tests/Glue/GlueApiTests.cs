using Glint.Tests.Support;

namespace Glint.Tests.Glue;

/// <summary>
/// A real <c>glint serve</c> process driven by one of Glue's own clients through one scenario (tests/Glint.Tests/Glue/glue_scenario.py);
/// then what the jobs wrote is checked against DuckDB. One class per client, so the three run side by side.
/// </summary>
public static class GlueScenario
{
    public static void Run(string client)
    {
        using var dir = new TempFolder("glue-" + client);
        GlueData.Prepare(dir["data"]);
        using var server = GlueServer.Start(dir["home"]);
        var result = Python.Run("glue_scenario.py", client, server.Endpoint, dir["data"]);
        Assert.True(result.ExitCode == 0, $"the {client} scenario failed:\n{result.All}\n--- server:\n{server.Log()}");
        Assert.Contains("DONE", result.Output);
        // Two runs with files arriving between them: every input row exactly once in the output (the bookmark skipped what run 1 read).
        Assert.Equal(
            Reference.Query($"SELECT id, amount FROM read_parquet('{dir["data/events"]}/*.parquet') ORDER BY id").Select(Text),
            Reference.Query($"SELECT id, amount FROM read_parquet('{dir["data/out"]}/**/*.parquet') ORDER BY id").Select(Text));
        // The crawled table, read by a job through the catalog with a pushed-down predicate.
        Assert.Equal(
            Reference.Query($"SELECT flight, delay, month FROM read_parquet('{dir["data/flights"]}/**/*.parquet', hive_partitioning = true) WHERE month >= 2 ORDER BY flight").Select(Text),
            Reference.Query($"SELECT flight, delay, month FROM read_parquet('{dir["data/flights-out"]}/**/*.parquet') ORDER BY flight").Select(Text));
    }

    private static string Text(object?[] row) => string.Join('|', row);
}

/// <summary>boto3, with every answer's raw body checked against botocore's output shape and every error parsed into its typed exception.</summary>
public sealed class GlueBoto3Tests
{
    [Fact]
    public void Boto3_drives_the_catalog_crawlers_jobs_runs_bookmarks_and_tags() => GlueScenario.Run("boto3");
}

/// <summary>The AWS CLI v1 that comes with the machine's python.</summary>
public sealed class GlueCliV1Tests
{
    [Fact]
    public void The_AWS_CLI_v1_drives_the_same_scenario() => GlueScenario.Run("cli-v1");
}

/// <summary>Debian's awscli package, the AWS CLI v2 (scripts/awscli.sh installs it).</summary>
[Trait("needs", "awscli")]
public sealed class GlueCliV2Tests
{
    [Fact]
    public void The_AWS_CLI_v2_drives_the_same_scenario() => GlueScenario.Run("cli-v2");
}
