using System.ComponentModel;
using Glint.Api;
using Glint.Common;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary>Inputs of a SQL statement given at the terminal: <c>--source name=path[:format]</c> or <c>name=connection#table</c>.</summary>
public class SqlSettings : PoolSettings
{
    [CommandOption("--source <NAME=PATH[:FORMAT]>")]
    [Description("An input the statement's FROM may name, e.g. --source sales=data/sales or --source c=customers.csv:csv; may repeat.")]
    public string[] Sources { get; init; } = [];

    [CommandOption("--option <NAME.KEY=VALUE>")]
    [Description(@"A format option of one --source, e.g. --option a.delimiter=	, --option a.header=false, --option a.schema='id BIGINT, name VARCHAR', --option a.on_error=record; may repeat.")]
    public KeyValue[] FormatOptions { get; init; } = [];

    /// <summary>The --option pairs by source name; each names a --source.</summary>
    private Dictionary<string, List<(string Key, string Value)>> OptionsBySource(IEnumerable<string> names)
    {
        var known = names.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var options = new Dictionary<string, List<(string, string)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in KeyValue.ToDictionary(FormatOptions))
        {
            var dot = key.IndexOf('.');
            if (dot <= 0 || dot == key.Length - 1) throw new ConfigException("--option", $"--option takes <source>.<option>=<value>, e.g. a.delimiter=;, not '{key}={value}'");
            var source = key[..dot];
            if (!known.Contains(source))
                throw new ConfigException("--option", $"--option {key}: no --source is named '{source}'{Suggestions.DidYouMean(source, known)}");
            (options.TryGetValue(source, out var list) ? list : options[source] = []).Add((key[(dot + 1)..], value));
        }
        return options;
    }

    /// <summary>Each --source read as a DataFrame, by name (and the <paramref name="more"/> name=path pairs a command adds).</summary>
    public Dictionary<string, DataFrame> Inputs(GlintSession session, params string[] more)
    {
        var inputs = new Dictionary<string, DataFrame>(StringComparer.OrdinalIgnoreCase);
        var all = Sources.Concat(more).ToList();
        var options = OptionsBySource(all.Select(s => s.IndexOf('=') is var eq and > 0 ? s[..eq].Trim() : s));
        foreach (var source in all)
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
                var database = session.Read;
                foreach (var (key, value) in options.GetValueOrDefault(name) ?? []) database.Option(key, value);
                if (!inputs.TryAdd(name, database.Database(path[..hash], path[(hash + 1)..])))
                    throw new ConfigException("--source", $"the source name '{name}' is given twice");
                continue;
            }
            var format = Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".csv" or ".tsv" => "csv",
                ".json" or ".jsonl" or ".ndjson" => "json",
                _ => "parquet",
            };
            var colon = path.LastIndexOf(':');
            if (colon > 0 && path[(colon + 1)..].ToLowerInvariant() is "parquet" or "csv" or "json" or "jsonl")
                (path, format) = (path[..colon], path[(colon + 1)..]);
            var reader = session.Read.Format(format);
            if (Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase)) reader.Option("delimiter", "\t");
            foreach (var (key, value) in options.GetValueOrDefault(name) ?? []) reader.Option(key, value);
            if (!inputs.TryAdd(name, reader.Load(path)))
                throw new ConfigException("--source", $"the source name '{name}' is given twice");
        }
        return inputs;
    }
}
