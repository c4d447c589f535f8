using System.Globalization;

namespace Glint.Bench;

/// <summary>Command line of the bench: which scenarios, how much data, how many repeats.</summary>
internal sealed record BenchOptions(string Data, long Rows, int SmallFiles, int Repeat, HashSet<string> Scenarios)
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
                _ => throw new ArgumentException($"unknown argument {args[i]}; use --data DIR --rows N --small-files N --repeat N --scenario a,b"),
            };
            i++;
        }
        return o;
    }
}
