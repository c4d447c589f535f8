using System.Text;

namespace Glint.Quality;

/// <summary>
/// DQDL's CustomSql names the evaluated data <c>primary</c>, a word DuckDB's parser reserves (PRIMARY KEY): every bare
/// <c>primary</c> outside quotes is quoted, so the statement parses with the data as a table of that name.
/// </summary>
internal static class PrimaryName
{
    public static string Quoted(string sql)
    {
        var text = new StringBuilder(sql.Length + 8);
        for (var i = 0; i < sql.Length;)
        {
            var c = sql[i];
            if (c is '\'' or '"')
            {
                var end = sql.IndexOf(c, i + 1);
                while (end > 0 && end + 1 < sql.Length && sql[end + 1] == c) end = sql.IndexOf(c, end + 2);
                end = end < 0 ? sql.Length - 1 : end;
                text.Append(sql, i, end - i + 1);
                i = end + 1;
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$')) i++;
                var word = sql[start..i];
                var qualified = start > 0 && sql[start - 1] == '.';
                text.Append(!qualified && word.Equals("primary", StringComparison.OrdinalIgnoreCase) ? "\"primary\"" : word);
                continue;
            }
            text.Append(c);
            i++;
        }
        return text.ToString();
    }
}
