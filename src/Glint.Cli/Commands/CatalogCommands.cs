using System.ComponentModel;
using Glint.Catalog;
using Glint.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint catalog databases</c></summary>
public sealed class CatalogDatabasesCommand : Command<CatalogSettings>
{
    public override int Execute(CommandContext context, CatalogSettings settings, CancellationToken cancellation)
    {
        using var store = settings.Open();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("database", "description", "tables", "created");
        foreach (var db in store.Databases())
            table.AddRow(Markup.Escape(db.Name), Markup.Escape(db.Description), store.Tables(db.Name).Count.ToString(), db.Created.ToString("u"));
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary>Settings of the commands about one database.</summary>
public sealed class DatabaseSettings : CatalogSettings
{
    [CommandArgument(0, "<database>")]
    public string Database { get; init; } = "";
}

/// <summary><c>glint catalog tables &lt;db&gt;</c></summary>
public sealed class CatalogTablesCommand : Command<DatabaseSettings>
{
    public override int Execute(CommandContext context, DatabaseSettings settings, CancellationToken cancellation)
    {
        using var store = settings.Open();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("table", "format", "columns", "partition keys", "partitions", "version", "location");
        foreach (var t in store.Tables(settings.Database))
            table.AddRow(Markup.Escape(t.Name), t.Definition.Format, t.Definition.Columns.Length.ToString(),
                Markup.Escape(string.Join(", ", t.Definition.PartitionKeys.Select(k => k.Name))),
                store.Partitions(t.Database, t.Name).Count(p => p.State == PartitionState.Active).ToString(), t.Version.ToString(), Markup.Escape(t.Definition.Location));
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary>Settings of the commands about one table, named database.table.</summary>
public class TableSettings : CatalogSettings
{
    [CommandArgument(0, "<table>")]
    [Description("database.table")]
    public string Table { get; init; } = "";

    public (string Database, string Name) Split()
    {
        var dot = Table.IndexOf('.');
        return dot > 0 && dot < Table.Length - 1 ? (Table[..dot], Table[(dot + 1)..])
            : throw new CatalogException(Table, $"name a table as database.table, not '{Table}'");
    }

    public CatalogTable Find(IMetastore store)
    {
        var (db, name) = Split();
        return store.FindTable(db, name) ?? throw new CatalogException(Table, $"table '{Table}' does not exist in {store.Description}");
    }
}

/// <summary><c>glint catalog show &lt;db.table&gt;</c>: columns, partition keys, parameters.</summary>
public sealed class CatalogShowCommand : Command<TableSettings>
{
    public override int Execute(CommandContext context, TableSettings settings, CancellationToken cancellation)
    {
        using var store = settings.Open();
        var t = settings.Find(store);
        AnsiConsole.MarkupLineInterpolated($"[bold]{t.QualifiedName}[/] version {t.Version}, {t.Definition.Format} at {t.Definition.Location}");
        AnsiConsole.MarkupLineInterpolated($"created {t.Created:u}, updated {t.Updated:u}");
        var columns = new Table().Border(TableBorder.Rounded).AddColumns("column", "type", "partition key", "comment");
        foreach (var c in t.Definition.Columns) columns.AddRow(Markup.Escape(c.Name), Markup.Escape(c.Type), "", Markup.Escape(c.Comment ?? ""));
        foreach (var c in t.Definition.PartitionKeys) columns.AddRow(Markup.Escape(c.Name), Markup.Escape(c.Type), "yes", Markup.Escape(c.Comment ?? ""));
        AnsiConsole.Write(columns);
        foreach (var (k, v) in t.Definition.FormatOptions.Concat(t.Definition.Parameters).OrderBy(kv => kv.Key))
            AnsiConsole.MarkupLineInterpolated($"  {k} = {v}");
        return 0;
    }
}

/// <summary><c>glint catalog partitions &lt;db.table&gt;</c></summary>
public sealed class CatalogPartitionsCommand : Command<TableSettings>
{
    public override int Execute(CommandContext context, TableSettings settings, CancellationToken cancellation)
    {
        using var store = settings.Open();
        var t = settings.Find(store);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var k in t.Definition.PartitionKeys) table.AddColumn(Markup.Escape(k.Name));
        table.AddColumns("files", "bytes", "rows", "state", "location");
        foreach (var p in store.Partitions(t.Database, t.Name))
            table.AddRow([.. p.Values.Select(v => Markup.Escape(v ?? "NULL")), p.FileCount.ToString(), Common.Bytes.Format(p.Bytes),
                p.Rows?.ToString() ?? "", p.State.ToString(), Markup.Escape(p.Location)]);
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary><c>glint catalog versions &lt;db.table&gt;</c></summary>
public sealed class CatalogVersionsCommand : Command<TableSettings>
{
    public override int Execute(CommandContext context, TableSettings settings, CancellationToken cancellation)
    {
        using var store = settings.Open();
        var (db, name) = settings.Split();
        settings.Find(store);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("version", "created", "columns", "parameters");
        foreach (var v in store.Versions(db, name))
            table.AddRow(v.Version.ToString(), v.Created.ToString("u"), Markup.Escape(string.Join(", ", v.Definition.Columns.Select(c => $"{c.Name} {c.Type}"))),
                Markup.Escape(string.Join(", ", v.Definition.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))));
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary><c>glint catalog drop &lt;db.table&gt;</c>: removes the table from the catalog (its files stay).</summary>
public sealed class CatalogDropCommand : Command<TableSettings>
{
    public override int Execute(CommandContext context, TableSettings settings, CancellationToken cancellation)
    {
        using var store = settings.Open();
        var (db, name) = settings.Split();
        store.DropTable(db, name);
        AnsiConsole.MarkupLineInterpolated($"dropped {settings.Table} from the catalog; its files are untouched");
        return 0;
    }
}

/// <summary><c>glint catalog set-parameter &lt;db.table&gt; key=value…</c>: each parameter in its own optimistic update, retried on conflict.</summary>
public sealed class CatalogSetParameterCommand : Command<CatalogSetParameterCommand.Settings>
{
    public sealed class Settings : TableSettings
    {
        [CommandArgument(1, "<key=value>")]
        public KeyValue[] Parameters { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var pairs = KeyValue.ToDictionary(settings.Parameters);
        using var store = settings.Open();
        // All the pairs in one optimistic update: one new table version, retried if another process changed the table meanwhile.
        for (var attempt = 1; ; attempt++)
        {
            var t = settings.Find(store);
            try
            {
                store.UpdateTable(t, t.Definition with { Parameters = t.Definition.Parameters.SetItems(pairs) });
                break;
            }
            catch (ConcurrentUpdateException) when (attempt < 100)
            {
                Thread.Sleep(Random.Shared.Next(1, 10));
            }
        }
        AnsiConsole.MarkupLineInterpolated($"{settings.Table}: {settings.Parameters.Length} parameter(s) set");
        return 0;
    }
}
