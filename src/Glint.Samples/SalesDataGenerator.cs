using System.Globalization;
using Glint.Common;
using Glint.Engine;

namespace Glint.Samples;

/// <summary>
/// Deterministic sample data: a sales fact table in Parquet files under <c>day=YYYY-MM-DD/</c>
/// folders, and a customers dimension. The same arguments always give the same rows.
/// </summary>
public static class SalesDataGenerator
{
    public static readonly DateOnly FirstDay = new(2024, 1, 1);

    /// <summary>Writes <paramref name="rows"/> sales rows over <paramref name="days"/> days, <paramref name="filesPerDay"/> files each.</summary>
    public static void Sales(string folder, long rows, int days, int filesPerDay, int customers = 10_000)
    {
        var files = (long)days * filesPerDay;
        var perFile = rows / files;
        var connection = DuckDbInstances.Rent();
        try
        {
            connection.Execute("RESET threads");
            for (var d = 0; d < days; d++)
            {
                var day = FirstDay.AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var dayFolder = Directory.CreateDirectory(Path.Combine(folder, $"day={day}")).FullName;
                for (var f = 0; f < filesPerDay; f++)
                {
                    var index = (long)d * filesPerDay + f;
                    var first = index * perFile;
                    var count = index == files - 1 ? rows - first : perFile;
                    var path = Path.Combine(dayFolder, $"part-{f:D5}.parquet");
                    connection.Execute($"COPY ({SalesQuery(first, count, day, customers)}) TO {Sql.Literal(path)} (FORMAT PARQUET)");
                }
            }
        }
        finally
        {
            connection.Execute("SET threads=1");
            DuckDbInstances.Return(connection);
        }
    }

    /// <summary>Writes the customers dimension as one Parquet file.</summary>
    public static void Customers(string path, int customers = 10_000)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = DuckDbInstances.Rent();
        try
        {
            connection.Execute($"""
                COPY (SELECT range AS customer_id,
                             'customer ' || range AS name,
                             ['DE','FR','US','GB','JP','BR','IN','ES'][(hash(range, 'c') % 8)::INT + 1] AS country,
                             ['consumer','corporate','home office'][(hash(range, 's') % 3)::INT + 1] AS segment
                      FROM range({customers})) TO {Sql.Literal(path)} (FORMAT PARQUET)
                """);
        }
        finally { DuckDbInstances.Return(connection); }
    }

    private static string SalesQuery(long first, long count, string day, int customers) => $"""
        SELECT range AS order_id,
               (hash(range, 'cust') % {customers})::BIGINT AS customer_id,
               ['laptop','phone','tablet','monitor','keyboard','mouse','headset','dock'][(hash(range, 'p') % 8)::INT + 1] AS product,
               (1 + hash(range, 'q') % 5)::INTEGER AS quantity,
               round(5 + (hash(range, 'a') % 100000) / 100.0, 2)::DOUBLE AS amount,
               CASE WHEN hash(range, 'st') % 20 = 0 THEN 'returned' WHEN hash(range, 'st') % 7 = 0 THEN 'pending' ELSE 'shipped' END AS status,
               TIMESTAMP '{day}' + to_seconds((hash(range, 't') % 86400)::BIGINT) AS ts
        FROM range({first}, {first + count})
        """;
}
