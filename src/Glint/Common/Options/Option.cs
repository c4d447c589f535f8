using System.Collections.Immutable;

namespace Glint.Common.Options;

/// <summary>One declared option of a <typeparamref name="T"/>: its name and aliases, its documented default and meaning, and how a value applies.</summary>
/// <param name="Name">The key users write.</param>
/// <param name="Default">The default as the docs show it (markdown).</param>
/// <param name="Doc">What it means, one line of markdown; the docs table and <c>glint settings</c> print it.</param>
/// <param name="Apply">Returns the target with the value applied; throws <see cref="ConfigException"/> on a bad value.</param>
public sealed record Option<T>(string Name, string Default, string Doc, Func<T, OptionValue, T> Apply)
{
    /// <summary>Other keys accepted for this option (Glue's or Spark's names).</summary>
    public ImmutableArray<string> Aliases { get; init; } = [];

    /// <summary>Where the option applies (e.g. the formats of a read option), shown as its own column when the set has one.</summary>
    public string? AppliesTo { get; init; }

    /// <summary>The name and its aliases.</summary>
    public IEnumerable<string> Keys => [Name, .. Aliases];
}
