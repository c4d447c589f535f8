using System.Text.Json.Nodes;

namespace Glint.SqlFrontend;

/// <summary>
/// Projection pushdown: the column names a statement mentions anywhere, so base tables are read with
/// only those columns and nothing else crosses a shuffle. Null when it cannot tell (a * that
/// returns rows, NATURAL joins, renamed columns): then every column is kept.
/// </summary>
internal static class ColumnUse
{
    public static HashSet<string>? Referenced(JsonNode root)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return Walk(root, names, skipSelectList: false) ? names : null;
    }

    /// <returns>false when every column must be kept</returns>
    private static bool Walk(JsonNode? node, HashSet<string> names, bool skipSelectList)
    {
        switch (node)
        {
            case JsonArray array:
                return array.All(item => Walk(item, names, false));
            case JsonObject o:
                switch (SqlTree.Class(o))
                {
                    case "COLUMN_REF":
                        foreach (var part in SqlTree.ColumnNames(o)) names.Add(part);
                        return true;
                    case "STAR":
                        return false;
                    case "SUBQUERY" when SqlTree.Str(o, "subquery_type") == "EXISTS":
                        // The select list of EXISTS (often *) decides nothing.
                        return Walk(o["subquery"]?["node"], names, skipSelectList: true);
                }
                if (SqlTree.Type(o) == "JOIN" && SqlTree.Str(o, "ref_type") == "NATURAL") return false;
                if (o["column_name_alias"] is JsonArray { Count: > 0 } || o["aliases"] is JsonArray { Count: > 0 }) return false;
                foreach (var used in o["using_columns"]?.AsArray() ?? []) names.Add(used!.GetValue<string>());
                foreach (var (key, value) in o)
                {
                    if (skipSelectList && key == "select_list") continue;
                    if (!Walk(value, names, false)) return false;
                }
                return true;
            default:
                return true;
        }
    }
}
