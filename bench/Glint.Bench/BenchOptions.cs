using System.Globalization;

namespace Glint.Bench;

/// <summary>Command line of the bench: which scenarios, how much data, how many repeats.</summary>
internal sealed record BenchOptions(string Data, long Rows, int SmallFiles, int Repeat, HashSet<string> Scenarios)
{
    /// <summary>TPC-H scale factor of the tpch scenario.</summary>
    public double Scale { get; init; } = 1;
    /// <summary>Shuffle partitions of Glint's runs in the tpch scenario.</summary>
    public int ShufflePartitions { get; init; } = 8;
    /// <summary>TPC-H query numbers to run (all 22 when empty).</summary>
    public HashSet<int> Queries { get; init; } = [];
    /// <summary>The <c>local_exchange</c> setting of Glint's runs in the tpch and c scenarios (fuse or files).</summary>
    public string LocalExchange { get; init; } = "fuse";
    /// <summary>Executor processes (one slot each) the tpch scenario runs on; 0 runs it in local mode.</summary>
    public int Executors { get; init; }

    /// <summary>Settings of the tpch and c scenarios' Glint runs, with <see cref="LocalExchange"/> applied.</summary>
    public Glint.Common.GlintSettings Exchange(Glint.Common.GlintSettings settings) => settings.With("local_exchange", LocalExchange);
}

/// <summary>Reads the bench's command line.</summary>
internal static class BenchArguments
{
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(Path.GetFullPath(Path.Combine("bench", "data")), 50_000_000, 20_000, 3, ["a", "b"]);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : "";
            o = args[i] switch
            {
                "--data" => o with { Data = Path.GetFullPath(value) },
                "--rows" => o with { Rows = long.Parse(value.Replace("_", ""), CultureInfo.InvariantCulture) },
                "--small-files" => o with { SmallFiles = int.Parse(value, CultureInfo.InvariantCulture) },
                "--repeat" => o with { Repeat = int.Parse(value, CultureInfo.InvariantCulture) },
                "--scenario" => o with { Scenarios = [.. value.Split(',')] },
                "--scale" => o with { Scale = double.Parse(value, CultureInfo.InvariantCulture) },
                "--shuffle-partitions" => o with { ShufflePartitions = int.Parse(value, CultureInfo.InvariantCulture) },
                "--queries" => o with { Queries = [.. value.Split(',').Select(q => int.Parse(q, CultureInfo.InvariantCulture))] },
                "--local-exchange" => o with { LocalExchange = value },
                "--executors" => o with { Executors = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown argument {args[i]}; use --data DIR --rows N --small-files N --repeat N --scenario a,b,c,d,e,advisor,cluster,tpch,catalog,jdbc,a-s3,startup --scale SF --shuffle-partitions N --queries 1,2 --local-exchange fuse|files --executors N"),
            };
            i++;
        }
        return o;
    }
}
