using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Glint.Api;
using Glint.Cli.Terminal;
using Glint.Common;
using Glint.Quality;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary>What <c>glint dq</c> evaluates: a catalog table (db.table) or files (a path, with :format when its extension does not say).</summary>
public class DqSettings : SqlSettings
{
    [CommandArgument(0, "<DATA>")]
    [Description("A catalog table (database.table) or a path to files, e.g. data/orders or orders.csv or raw/orders:json.")]
    public string Data { get; init; } = "";

    /// <summary>The data: a catalog table when it names one as db.table and no such path exists, else files.</summary>
    public DataFrame Primary(GlintSession session)
    {
        var looksLikeTable = Data.Count(c => c == '.') == 1 && !Data.Contains('/') && !File.Exists(Data) && !Directory.Exists(Data);
        return looksLikeTable ? session.Table(Data) : Inputs(session, $"primary={Data}")["primary"];
    }
}

/// <summary><c>glint dq check &lt;data&gt; --ruleset rules.dqdl</c>: evaluates a DQDL ruleset and prints each rule's outcome; exits 1 when one did not pass.</summary>
public sealed class DqCheckCommand : Command<DqCheckCommand.Settings>
{
    public sealed class Settings : DqSettings
    {
        [CommandOption("--ruleset <FILE>")]
        [Description("The DQDL ruleset file (Rules = [ … ]).")]
        public string Ruleset { get; init; } = "";

        [CommandOption("--where <PREDICATE>")]
        [Description("Evaluate only the rows where this SQL predicate holds, e.g. --where \"day = '2024-06-01'\".")]
        public string? Where { get; init; }

        [CommandOption("--json")]
        [Description("Print the outcomes as JSON lines (rule, outcome, reason, metrics) instead of a table.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Ruleset) ? ValidationResult.Error("--ruleset names the DQDL file to evaluate") : ValidationResult.Success();
    }

    /// <summary>JSON lines as a reader expects them: quotes and comparison signs in rules unescaped.</summary>
    private static readonly JsonSerializerOptions Lines = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var path = Path.GetFullPath(settings.Ruleset);
        if (!File.Exists(path)) throw new ConfigException("--ruleset", $"--ruleset: the file '{path}' does not exist");
        var ruleset = DqRuleset.Parse(File.ReadAllText(path));
        var session = new GlintSession(settings.Options());
        var data = settings.Primary(session);
        if (settings.Where is { } where) data = data.Filter(where);
        var references = settings.Inputs(session);
        var result = RulesetEvaluation.Plan(Path.GetFileNameWithoutExtension(path), ruleset, data, references).Run(cancellation);
        if (settings.Json)
            foreach (var o in result.Outcomes)
                Console.Out.WriteLine(JsonSerializer.Serialize(new { rule = o.Rule, outcome = o.Outcome, reason = o.Reason, metrics = o.Metrics, labels = o.Labels }, Lines));
        else Print(result);
        if (!result.Passed) throw new DataQualityException(result.Summary());
        return 0;
    }

    private static void Print(DataQualityResult result)
    {
        QualityTable.Print(result.Outcomes);
        AnsiConsole.MarkupLineInterpolated($"score {result.Score.ToString("0.##", CultureInfo.InvariantCulture)}: {result.RulesPassed} of {result.RulesPassed + result.RulesFailed} rules passed");
    }
}

/// <summary><c>glint dq recommend &lt;data&gt;</c>: prints a starter DQDL ruleset from the data's statistics.</summary>
public sealed class DqRecommendCommand : Command<DqSettings>
{
    public override int Execute(CommandContext context, DqSettings settings, CancellationToken cancellation)
    {
        var session = new GlintSession(settings.Options());
        Console.Out.Write(RulesetRecommender.Recommend(settings.Primary(session), cancellation));
        return 0;
    }
}
