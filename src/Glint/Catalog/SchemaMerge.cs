using System.Collections.Immutable;

namespace Glint.Catalog;

/// <summary>How column types combine when files of one table disagree: widening is compatible, anything else is not.</summary>
internal static class SchemaMerge
{
    private static readonly string[] Integers = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"];

    /// <summary>The type both can be read as, or null when they are incompatible.</summary>
    public static string? Widen(string a, string b)
    {
        if (a == b) return a;
        int ia = Array.IndexOf(Integers, a), ib = Array.IndexOf(Integers, b);
        if (ia >= 0 && ib >= 0) return Integers[Math.Max(ia, ib)];
        if ((ia >= 0 || a is "FLOAT" or "DOUBLE") && (ib >= 0 || b is "FLOAT" or "DOUBLE")) return "DOUBLE";
        if (Decimal(a) is { } da && Decimal(b) is { } db)
        {
            var scale = Math.Max(da.Scale, db.Scale);
            return $"DECIMAL({Math.Min(38, Math.Max(da.Precision - da.Scale, db.Precision - db.Scale) + scale)},{scale})";
        }
        if (a is "DATE" && b.StartsWith("TIMESTAMP", StringComparison.Ordinal)) return b;
        if (b is "DATE" && a.StartsWith("TIMESTAMP", StringComparison.Ordinal)) return a;
        return null;
    }

    private static (int Precision, int Scale)? Decimal(string type)
    {
        if (!type.StartsWith("DECIMAL(", StringComparison.Ordinal) || !type.EndsWith(')')) return null;
        var parts = type[8..^1].Split(',');
        return parts.Length == 2 && int.TryParse(parts[0], out var p) && int.TryParse(parts[1], out var s) ? (p, s) : null;
    }

    public static bool Compatible(ImmutableArray<CatalogColumn> a, ImmutableArray<CatalogColumn> b) =>
        a.All(x => b.FirstOrDefault(y => Same(x.Name, y.Name)) is not { } y || Widen(x.Type, y.Type) is not null);

    /// <summary>
    /// The table's columns after reading <paramref name="seen"/>: new columns appended, types widened.
    /// Returns the merged columns, whether they differ from <paramref name="table"/>, and the incompatible changes.
    /// </summary>
    /// <param name="replaceIncompatible">give an incompatible column the type just seen (schema change policy UPDATE_IN_DATABASE)</param>
    public static (ImmutableArray<CatalogColumn> Columns, bool Changed, List<string> Incompatible) Merge(
        ImmutableArray<CatalogColumn> table, ImmutableArray<CatalogColumn> seen, bool replaceIncompatible = false)
    {
        var result = table.ToList();
        var incompatible = new List<string>();
        var changed = false;
        foreach (var column in seen)
        {
            var i = result.FindIndex(c => Same(c.Name, column.Name));
            if (i < 0)
            {
                result.Add(column);
                changed = true;
            }
            else if (Widen(result[i].Type, column.Type) is not { } wider)
            {
                incompatible.Add($"column '{column.Name}' changed type from {result[i].Type} to {column.Type}");
                if (replaceIncompatible) result[i] = result[i] with { Type = column.Type };
            }
            else if (wider != result[i].Type)
            {
                result[i] = result[i] with { Type = wider };
                changed = true;
            }
        }
        return ([.. result], changed, incompatible);
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
