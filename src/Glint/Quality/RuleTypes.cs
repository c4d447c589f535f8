using System.Collections.Frozen;

namespace Glint.Quality;

/// <summary>What a rule type's condition compares.</summary>
internal enum ConditionKind
{
    /// <summary>No condition (IsComplete, IsUnique, ColumnExists …).</summary>
    None,
    /// <summary>A number: the rule's metric.</summary>
    Number,
    /// <summary>Each row's value: numbers, strings, dates, NULL/EMPTY/WHITESPACES_ONLY, matches.</summary>
    Values,
    /// <summary>Each row's age (DataFreshness): durations.</summary>
    Duration,
    /// <summary>A type name (ColumnDataType).</summary>
    Type,
}

/// <summary>One DQDL rule type: its parameters, what its condition compares, and whether it takes where, a threshold and works row by row.</summary>
internal sealed record RuleType(string Name, int MinParameters, int MaxParameters, ConditionKind Condition, bool Where = false, bool Threshold = false,
    bool RowLevel = false, bool ConditionOptional = false, bool AnalyzerOnly = false)
{
    private const int Many = int.MaxValue;

    /// <summary>Every rule type Glint evaluates, by name.</summary>
    public static readonly FrozenDictionary<string, RuleType> All = new RuleType[]
    {
        new("RowCount", 0, 0, ConditionKind.Number, Where: true),
        new("RowCountMatch", 1, 1, ConditionKind.Number),
        new("ColumnCount", 0, 0, ConditionKind.Number),
        new("ColumnExists", 1, 1, ConditionKind.None),
        new("ColumnNamesMatchPattern", 1, 1, ConditionKind.None),
        new("ColumnDataType", 1, 1, ConditionKind.Type, Where: true, Threshold: true, RowLevel: true),
        new("IsComplete", 1, 1, ConditionKind.None, Where: true, RowLevel: true),
        new("Completeness", 1, 1, ConditionKind.Number, Where: true, RowLevel: true),
        new("IsUnique", 1, Many, ConditionKind.None, Where: true),
        new("Uniqueness", 1, Many, ConditionKind.Number, Where: true),
        new("IsPrimaryKey", 1, Many, ConditionKind.None, Where: true),
        new("UniqueValueRatio", 1, 1, ConditionKind.Number, Where: true),
        new("DistinctValuesCount", 1, 1, ConditionKind.Number, Where: true),
        new("ColumnValues", 1, 1, ConditionKind.Values, Where: true, Threshold: true, RowLevel: true),
        new("ColumnLength", 1, 1, ConditionKind.Number, Where: true, RowLevel: true),
        new("Mean", 1, 1, ConditionKind.Number, Where: true),
        new("Sum", 1, 1, ConditionKind.Number, Where: true),
        new("StandardDeviation", 1, 1, ConditionKind.Number, Where: true),
        new("Variance", 1, 1, ConditionKind.Number, Where: true),
        new("Entropy", 1, 1, ConditionKind.Number, Where: true),
        new("ColumnCorrelation", 2, 2, ConditionKind.Number, Where: true),
        new("DataFreshness", 1, 1, ConditionKind.Duration, Where: true, RowLevel: true),
        new("CustomSql", 1, 1, ConditionKind.Number),
        new("ReferentialIntegrity", 2, 2, ConditionKind.Number),
        new("DatasetMatch", 2, 3, ConditionKind.Number),
        new("SchemaMatch", 1, 1, ConditionKind.Number),
        new("AggregateMatch", 2, 2, ConditionKind.Number),
        new("DetectAnomalies", 1, 2, ConditionKind.None),
        new("AllStatistics", 1, 1, ConditionKind.None, AnalyzerOnly: true),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>DQDL's rule types that check files rather than rows; Glint refuses them by name.</summary>
    public static readonly FrozenSet<string> FileRules = new[] { "FileMatch", "FileUniqueness", "FileFreshness", "FileSize" }.ToFrozenSet();

    /// <summary>The type names ColumnDataType accepts, with the DuckDB type a value must cast to.</summary>
    public static readonly FrozenDictionary<string, string> DataTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["String"] = "VARCHAR", ["Boolean"] = "BOOLEAN", ["Byte"] = "TINYINT", ["Short"] = "SMALLINT", ["Integer"] = "INTEGER", ["Long"] = "BIGINT",
        ["Float"] = "FLOAT", ["Double"] = "DOUBLE", ["Decimal"] = "DECIMAL(38,10)", ["Date"] = "DATE", ["Timestamp"] = "TIMESTAMP",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
}
