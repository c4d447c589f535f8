using System.ComponentModel;
using Glint.Api;
using Glint.Errors;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary>Inputs of a SQL statement given at the terminal: <c>--source name=path[:format]</c> or <c>name=connection#table</c>.</summary>
public class SqlSettings : PoolSettings
{
    [CommandOption("--source <NAME=PATH[:FORMAT]>")]
    [Description("An input the statement's FROM may name, e.g. --source sales=data/sales or --source c=customers.csv:csv; may repeat.")]
    public string[] Sources { get; init; } = [];

    /// <summary>Each --source read as a DataFrame, by name.</summary>
    public Dictionary<string, DataFrame> Inputs(GlintSession session)
    {
        var inputs = new Dictionary<string, DataFrame>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in Sources)
        {
            var eq = source.IndexOf('=');
            if (eq <= 0) throw new ConfigException("--source", $"--source takes name=path[:format], not '{source}'");
            var name = source[..eq].Trim();
            var path = source[(eq + 1)..].Trim();
            if (Glint.Storage.Databases.DatabaseConnection.Names(path))
            {
                // A database table: connection#table (sqlite:shop.db#orders, postgresql://etl@db/shop#public.orders).
                var hash = path.LastIndexOf('#');
                if (hash <= 0) throw new ConfigException("--source", $"--source {name}=<connection>#<table> names a database table; '{Glint.Storage.Databases.DatabaseConnection.Redact(path)}' has no #table");
                if (!inputs.TryAdd(name, session.Read.Database(path[..hash], path[(hash + 1)..])))
                    throw new ConfigException("--source", $"the source name '{name}' is given twice");
                continue;
            }
            var format = Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".csv" => "csv",
                ".json" or ".jsonl" or ".ndjson" => "json",
                _ => "parquet",
            };
            var colon = path.LastIndexOf(':');
            if (colon > 0 && path[(colon + 1)..].ToLowerInvariant() is "parquet" or "csv" or "json" or "jsonl")
                (path, format) = (path[..colon], path[(colon + 1)..]);
            if (!inputs.TryAdd(name, session.Read.Format(format).Load(path)))
                throw new ConfigException("--source", $"the source name '{name}' is given twice");
        }
        return inputs;
    }
}
