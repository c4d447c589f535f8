using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Glint.Common;
using Glint.Jobs;

namespace Glint.Streaming;

/// <summary>
/// A tumbling event-time window over a streaming job's groups, planned per batch as plain transforms. Each batch's
/// on-time rows are aggregated into partial results per group and window. These merge with the open windows the
/// checkpoint kept. Windows whose end the watermark has passed are emitted once, as the transform's rows. The rest stay
/// open in the next checkpoint. A row whose window was already emitted is a dead letter, named so.
/// </summary>
internal sealed partial class EventWindow
{
    private readonly TransformSpec transform;
    private readonly EventWindowSpec window;
    private readonly ImmutableArray<(string Function, string Argument, string Alias)> aggregates;

    public EventWindow(TransformSpec transform, string origin)
    {
        this.transform = transform;
        window = transform.EventWindow!;
        Size = Durations.Parse("event_window.size", window.Size!);
        Delay = Durations.Parse("event_window.watermark", window.Watermark);
        aggregates = [.. transform.Agg!.Select(a => AggregatePattern().Match(a) is { Success: true } m
            ? (m.Groups[1].Value.ToLowerInvariant(), m.Groups[2].Value, m.Groups[3].Value)
            : throw new SpecException($"{origin}: transform '{transform.Name}': an event window merges its aggregates across batches, so each is count(…), sum(…), min(…), max(…) or avg(…) AS name, not '{a}'"))];
    }

    public string Name => transform.Name!;

    public string From => transform.From!;

    public string Column => window.Column!;

    public TimeSpan Size { get; }

    public TimeSpan Delay { get; }

    /// <summary>The name of the open windows' partial rows, which the checkpoint keeps.</summary>
    public string Open => Name + "__open";

    /// <summary>The name of the rows too late for their window, as dead letters.</summary>
    public string Late => Name + "__late";

    /// <summary>The name under which the open windows of the previous batch are read.</summary>
    public string State => Name + "__state";

    /// <summary>The watermark after a batch whose newest event time was <paramref name="newest"/>: it never goes back.</summary>
    public DateTime? Advance(DateTime? previous, DateTime? newest) =>
        newest is { } n && (previous is not { } p || n - Delay > p) ? n - Delay : previous;

    /// <summary>The batch's transforms for this window, given the watermark before and after the batch.</summary>
    /// <param name="state">whether the previous batch left open windows (read as <see cref="State"/>)</param>
    /// <param name="input">the columns of the window's input</param>
    public IEnumerable<TransformSpec> Transforms(DateTime? before, DateTime? after, bool state, ImmutableArray<string> input, string stream, long batch)
    {
        var keys = transform.GroupBy ?? [];
        var start = $"time_bucket({Interval}, CAST({Sql.Ident(Column)} AS TIMESTAMP))";
        var onTime = $"{Sql.Ident(Column)} IS NOT NULL" + (before is { } b ? $" AND window_start + {Interval} > {Literal(b)}" : "");
        yield return new() { Name = Name + "__windowed", From = From, MapSql = $"SELECT *, {start} AS window_start FROM input" };
        yield return new() { Name = Name + "__on_time", From = Name + "__windowed", Filter = onTime };
        yield return new() { Name = Late, From = Name + "__windowed", MapSql = LateSql(onTime, before, input, stream, batch) };
        yield return new() { Name = Name + "__partial", From = Name + "__on_time", GroupBy = [.. keys, "window_start"], Agg = [.. Partials()] };
        var merged = Name + "__partial";
        if (state)
        {
            yield return new() { Name = Name + "__all", Union = [Name + "__partial", State] };
            yield return new() { Name = Name + "__merged", From = Name + "__all", GroupBy = [.. keys, "window_start"], Agg = [.. Merges()] };
            merged = Name + "__merged";
        }
        var closed = after is { } a ? $"window_start + {Interval} <= {Literal(a)}" : "false";
        var finals = string.Join(", ", Finals());
        var keyList = string.Concat(keys.Select(k => Sql.Ident(k) + ", "));
        yield return new() { Name = Name, From = merged, MapSql = $"SELECT {keyList}window_start, window_start + {Interval} AS window_end, {finals} FROM input WHERE {closed}" };
        yield return new() { Name = Open, From = merged, Filter = $"NOT ({closed})" };
    }

    private string Interval => $"INTERVAL '{(long)Size.TotalMilliseconds} milliseconds'";

    private static string Literal(DateTime t) => $"TIMESTAMP '{t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'";

    /// <summary>Each aggregate as partial columns that merge across batches (an average as a sum and a count).</summary>
    private IEnumerable<string> Partials() => aggregates.SelectMany((a, i) => a.Function switch
    {
        "avg" => new[] { $"sum({a.Argument}) AS _p{i}s", $"count({a.Argument}) AS _p{i}c" },
        _ => [$"{a.Function}({a.Argument}) AS _p{i}"],
    });

    private IEnumerable<string> Merges() => aggregates.SelectMany((a, i) => a.Function switch
    {
        "avg" => new[] { $"sum(_p{i}s) AS _p{i}s", $"sum(_p{i}c) AS _p{i}c" },
        "count" or "sum" => [$"sum(_p{i}) AS _p{i}"],
        _ => [$"{a.Function}(_p{i}) AS _p{i}"],
    });

    private IEnumerable<string> Finals() => aggregates.Select((a, i) => a.Function switch
    {
        "avg" => $"_p{i}s / _p{i}c AS {Sql.Ident(a.Alias)}",
        "count" => $"CAST(_p{i} AS BIGINT) AS {Sql.Ident(a.Alias)}",
        _ => $"_p{i} AS {Sql.Ident(a.Alias)}",
    });

    /// <summary>The rows too late for their window as dead letters (with the stream's metadata where the rows kept it, and the row as JSON).</summary>
    private string LateSql(string onTime, DateTime? before, ImmutableArray<string> input, string stream, long batch)
    {
        string Meta(string column, string type) => input.Contains(column) ? $"CAST({column} AS {type})" : $"CAST(NULL AS {type})";
        var column = Sql.Ident(Column);
        var watermark = before is { } b ? b.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";
        var reason = $"CASE WHEN {column} IS NULL THEN {Sql.Literal($"event time '{Column}' is NULL")} "
            + $"ELSE 'event time ' || strftime(CAST({column} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') || {Sql.Literal($" is behind the watermark {watermark}: its window [")} "
            + $"|| strftime(window_start, '%Y-%m-%d %H:%M:%S') || ', ' || strftime(window_start + {Interval}, '%Y-%m-%d %H:%M:%S') || ') was already emitted' END";
        return $"SELECT {Sql.Literal(stream)} AS stream, {Meta("_partition", "VARCHAR")} AS partition, {Meta("_subject", "VARCHAR")} AS subject, "
            + $"{Meta("_sequence", "BIGINT")} AS sequence, {Meta("_timestamp", "TIMESTAMP")} AS timestamp, {Meta("_headers", "VARCHAR")} AS headers, "
            + "CAST(to_json(input) AS VARCHAR) AS payload, to_base64(encode(CAST(to_json(input) AS VARCHAR))) AS payload_base64, "
            + $"{reason} AS reason, CAST({batch} AS BIGINT) AS batch FROM input WHERE NOT ({onTime})";
    }

    [GeneratedRegex(@"^\s*(count|sum|min|max|avg)\s*\(\s*(.+?)\s*\)\s+as\s+(\w+)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex AggregatePattern();
}
