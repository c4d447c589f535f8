using System.ComponentModel;
using Glint.Common;
using Glint.Common.Options;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint settings [name]</c>: every setting <c>--set</c> and a spec's <c>settings:</c> accept, with its default and meaning.</summary>
public sealed class SettingsCommand : Command<SettingsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[name]")]
        [Description("Show only this setting (or alias).")]
        public string? Name { get; init; }

        public override ValidationResult Validate() =>
            Name is null || GlintSettings.Declared.Find(Name) is not null ? ValidationResult.Success()
                : ValidationResult.Error($"unknown setting '{Name}'{Suggestions.DidYouMean(Name, GlintSettings.Keys)}; glint settings lists them");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var options = settings.Name is null ? GlintSettings.Declared.Options : [GlintSettings.Declared.Find(settings.Name)!];
        var table = new Table().Border(TableBorder.Simple).AddColumn("setting").AddColumn("default").AddColumn("meaning");
        foreach (var option in options)
            table.AddRow(Markup.Escape(Keys(option)), Markup.Escape(Plain(option.Default)), Markup.Escape(Plain(option.Doc)));
        AnsiConsole.Write(table);
        return 0;
    }

    private static string Keys(Option<GlintSettings> option) =>
        option.Aliases.Length == 0 ? option.Name : $"{option.Name} (alias {string.Join(", ", option.Aliases)})";

    /// <summary>Markdown as a terminal shows it: no backticks, a link's text without its target.</summary>
    private static string Plain(string markdown) =>
        System.Text.RegularExpressions.Regex.Replace(markdown.Replace("`", ""), @"\[([^\]]+)\]\([^)]+\)", "$1");
}
