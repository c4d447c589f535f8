using System.ComponentModel;
using Glint.Catalog;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint crawl &lt;folder&gt; --database db</c>: discovers tables and partitions into the catalog.</summary>
public sealed class CrawlCommand : Command<CrawlCommand.Settings>
{
    public sealed class Settings : CatalogSettings
    {
        [CommandArgument(0, "<path>")]
        [Description("The folder to crawl, a SQLite database file, or a PostgreSQL connection string (Host=…;Database=…).")]
        public string Path { get; init; } = "";

        [CommandOption("--database <NAME>")]
        [Description("The catalog database the tables go to (created if missing).")]
        public string Database { get; init; } = "default";

        [CommandOption("--schema-policy <POLICY>")]
        [Description("LOG (default) keeps a table's schema when files change it incompatibly; UPDATE_IN_DATABASE applies the change.")]
        public string SchemaPolicy { get; init; } = "LOG";

        [CommandOption("--delete-policy <POLICY>")]
        [Description("For vanished partitions: DEPRECATE_IN_DATABASE (default), DELETE_FROM_DATABASE or LOG.")]
        public string DeletePolicy { get; init; } = "DEPRECATE_IN_DATABASE";

        [CommandOption("--combine-compatible-schemas")]
        [Description("Sibling folders with compatible (not only equal) schemas become one table partitioned by folder.")]
        public bool Combine { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var store = settings.Open();
        var options = new CrawlerOptions(settings.Database)
        {
            SchemaPolicy = CrawlerOptions.ParseSchemaPolicy(settings.SchemaPolicy),
            DeletePolicy = CrawlerOptions.ParseDeletePolicy(settings.DeletePolicy),
            CombineCompatibleSchemas = settings.Combine,
        };
        var relational = RelationalCrawler.Handles(settings.Path);
        var result = relational ? new RelationalCrawler(store, options).Crawl(settings.Path) : new FolderCrawler(store, options).Crawl(settings.Path);
        var what = relational ? Metastores.Redact(settings.Path) : Common.S3Uri.IsS3(settings.Path) ? settings.Path : Path.GetFullPath(settings.Path);
        AnsiConsole.MarkupLineInterpolated($"Crawled {what} into database [bold]{settings.Database}[/] ({store.Description})");
        AnsiConsole.MarkupLineInterpolated($"  tables: {result.TablesCreated.Count} created, {result.TablesUpdated.Count} updated, {result.TablesUnchanged.Count} unchanged");
        AnsiConsole.MarkupLineInterpolated($"  partitions: {result.PartitionsAdded} added, {result.PartitionsUpdated} updated, {result.PartitionsUnchanged} unchanged, {result.PartitionsDeprecated} deprecated, {result.PartitionsRemoved} removed");
        foreach (var t in result.TablesCreated) AnsiConsole.MarkupLineInterpolated($"  + {t}");
        foreach (var t in result.TablesUpdated) AnsiConsole.MarkupLineInterpolated($"  ~ {t}");
        foreach (var w in result.Warnings) Terminal.Diagnostics.Warning(w);
        return 0;
    }
}
