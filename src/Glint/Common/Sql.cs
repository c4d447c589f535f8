using System.Globalization;
using System.Text;

namespace Glint.Common;

/// <summary>Quoting for identifiers and literals that come from users or data; nothing is pasted into SQL unquoted.</summary>
public static class Sql
{
    public static string Ident(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''") + "'";

    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string List(IEnumerable<string> literals) => "[" + string.Join(", ", literals.Select(Literal)) + "]";

    /// <summary>A list naming at most <paramref name="shown"/> of the values, then "… N more" (for people, as explain shows a task): never run.</summary>
    public static string List(IEnumerable<string> literals, int shown)
    {
        var all = literals as IReadOnlyList<string> ?? [.. literals];
        return all.Count <= shown || all.Count < 3 ? List(all)
            : "[" + string.Join(", ", all.Take(shown).Select(Literal)) + $", … {all.Count - shown} more]";
    }

    /// <summary>A DuckDB struct literal mapping column names to types, as read_csv's <c>columns</c> takes.</summary>
    public static string TypeStruct(IEnumerable<Column> columns)
    {
        var sb = new StringBuilder("{");
        sb.Append(string.Join(", ", columns.Select(c => Literal(c.Name) + ": " + Literal(c.Type))));
        return sb.Append('}').ToString();
    }

    public static string SelectList(IEnumerable<string> names) => string.Join(", ", names.Select(Ident));
}
