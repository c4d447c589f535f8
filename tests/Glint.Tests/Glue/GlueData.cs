using Glint.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Glint.Tests.Glue;

/// <summary>What the Glue scenario finds in its data folder: a folder and a SQLite database to crawl, a job's input now and later, its specs.</summary>
public static class GlueData
{
    public static void Prepare(string data)
    {
        // flights/: year=/month= Parquet partitions, a _SUCCESS marker and a stray file the crawler's Exclusions leave out.
        for (var month = 1; month <= 3; month++)
        {
            Directory.CreateDirectory($"{data}/flights/year=2024/month={month}");
            Reference.Execute($"COPY (SELECT 'F' || ({month} * 100 + range) AS flight, (range * 7 % 60)::INTEGER AS delay FROM range(40)) TO '{data}/flights/year=2024/month={month}/part-0.parquet' (FORMAT PARQUET)");
        }
        File.WriteAllText($"{data}/flights/_SUCCESS", "");
        File.WriteAllText($"{data}/flights/notes.tmp", "not a table");
        using (var c = new SqliteConnection($"Data Source={data}/shop.db;Pooling=false"))
        {
            c.Open();
            Db.Execute(c, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO customers VALUES (1, 'Ada'), (2, 'Linus')");
        }
        Directory.CreateDirectory($"{data}/events");
        Directory.CreateDirectory($"{data}/staged");
        for (var n = 1; n <= 3; n++)
            Reference.Execute($"COPY (SELECT {n} * 1000 + range AS id, (range % 10)::INTEGER AS amount FROM range(50)) TO '{data}/{(n < 3 ? "events" : "staged")}/part-{n}.parquet' (FORMAT PARQUET)");
        File.WriteAllText($"{data}/job.yaml", """
            name: incremental
            sources:
              events: { path: ${input} }
            transforms:
              - { name: big, from: events, filter: "amount >= ${min}" }
            targets:
              - { from: big, path: ${output}, mode: append }
            """);
        File.WriteAllText($"{data}/flights.yaml", """
            name: flights
            sources:
              flights: { table: lake.raw_flights, push_down_predicate: "month >= 2" }
            targets:
              - { from: flights, path: ${output} }
            """);
        // Long enough to be stopped: each task hashes every combination of six of its rows (50^6).
        File.WriteAllText($"{data}/slow.yaml", """
            name: slow
            sources:
              events: { path: ${input} }
            transforms:
              - { name: heavy, from: events, map_sql: "SELECT a.* FROM input a, input b, input c, input d, input e, input f WHERE hash(a.id, b.id, c.id, d.id, e.id, f.id) = 42" }
            targets:
              - { from: heavy, path: ${output} }
            """);
    }
}
