using System.ComponentModel;
using Glint.Api;
using Glint.Cli.Terminal;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint sql "&lt;SELECT …&gt;" --source name=path…</c>: runs a statement and prints its rows, or writes them.</summary>
public sealed class SqlCommand : Command<SqlCommand.Settings>
{
    public sealed class Settings : SqlSettings
    {
        [CommandArgument(0, "<statement>")]
        [Description("A SELECT statement whose FROM names the --source inputs.")]
        public string Statement { get; init; } = "";

        [CommandOption("--output <PATH>")]
        [Description("Write the result to this folder instead of printing it.")]
        public string? Output { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("Format of --output: parquet (default), csv or json.")]
        public string Format { get; init; } = "parquet";

        [CommandOption("--mode <MODE>")]
        [Description("Write mode of --output: error_if_exists (default), overwrite, append or overwrite_partitions.")]
        public string Mode { get; init; } = "error_if_exists";

        [CommandOption("--partition-by <COLUMN>")]
        [Description("Partition column of --output; may repeat.")]
        public string[] PartitionBy { get; init; } = [];

        [CommandOption("--max-rows <N>")]
        [Description("Print at most this many rows (default 1000): up to 10,000 as a table, more as tab-separated lines streamed as they are read.")]
        public int MaxRows { get; init; } = 1000;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var session = new GlintSession(settings.Options());
        var frame = session.Sql(settings.Statement, settings.Inputs(session));
        if (settings.Output is { } output)
        {
            var summary = frame.Write().Format(settings.Format).Mode(settings.Mode).PartitionBy(settings.PartitionBy).Save(output, cancellation);
            JobConsole.Print(summary);
            return 0;
        }
        if (settings.MaxRows < 1) throw new Glint.Common.ConfigException("--max-rows", "--max-rows must be at least 1");
        if (settings.MaxRows > RowStream.TableRows)
        {
            var (printed, more) = RowStream.Print(frame, settings.MaxRows, Console.Out, cancellation);
            Console.Out.Flush();
            Diagnostics.Note(more ? $"first {printed:N0} rows printed; the result has more (raise --max-rows, or write it with --output)" : $"{printed:N0} row{(printed == 1 ? "" : "s")}");
            return 0;
        }
        // One row more than shown tells whether the result was cut.
        var rows = frame.Limit(settings.MaxRows + 1L).Collect(cancellation);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in frame.Schema.Columns) table.AddColumn(new TableColumn(Markup.Escape(column.Name)));
        foreach (var row in rows.Take(settings.MaxRows))
            table.AddRow(row.Select(v => new Text(RowStream.Text(v))).ToArray());
        AnsiConsole.Write(table);
        if (rows.Count > settings.MaxRows)
            AnsiConsole.MarkupLineInterpolated($"first {settings.MaxRows:N0} rows shown; the result has more (raise --max-rows, or write it with --output)");
        else
            AnsiConsole.MarkupLineInterpolated($"{rows.Count:N0} row{(rows.Count == 1 ? "" : "s")}");
        return 0;
    }
}
