namespace Glint.Tests.Support;

/// <summary>
/// SQL golden files in the spirit of sqllogictest: a header naming the datasets
/// (<c># sources: sales=sales_parquet, customers=customers</c>), then queries, each introduced by
/// <c>query rows|ordered &lt;name&gt;</c>. The expected answer is the same SQL run by plain DuckDB.
/// </summary>
public sealed record SqlGolden(string File, string Name, string Compare, string Sql, IReadOnlyDictionary<string, string> Sources)
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Golden", "sql");

    public static IEnumerable<SqlGolden> All() =>
        Directory.GetFiles(Folder, "*.sql").Order().SelectMany(f => Parse(Path.GetFileName(f), System.IO.File.ReadAllLines(f)));

    public static SqlGolden Find(string file, string name) => All().Single(q => q.File == file && q.Name == name);

    private static IEnumerable<SqlGolden> Parse(string file, string[] lines)
    {
        var sources = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? compare = null, name = null;
        var sql = new List<string>();
        foreach (var line in lines.Append("query end"))
        {
            if (line.StartsWith("# sources:", StringComparison.Ordinal))
            {
                foreach (var pair in line["# sources:".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    sources[pair.Split('=')[0].Trim()] = pair.Split('=')[1].Trim();
                continue;
            }
            if (line.StartsWith("query ", StringComparison.Ordinal))
            {
                if (name is not null) yield return new SqlGolden(file, name, compare!, string.Join("\n", sql).Trim(), sources);
                var words = line.Split(' ', 3);
                if (words[1] == "end") yield break;
                compare = words[1] is "rows" or "ordered" ? words[1] : throw new FormatException($"{file}: '{line}': expected 'query rows|ordered <name>'");
                name = words[2];
                sql.Clear();
                continue;
            }
            if (name is not null && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)) sql.Add(line);
        }
    }

    public override string ToString() => $"{File}: {Name}";
}
