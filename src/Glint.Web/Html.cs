using System.Net;
using System.Text;

namespace Glint.Web;

/// <summary>The console's pages: one layout, tables and links; no script from anywhere but the page itself.</summary>
internal static class Html
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Url(string text) => Uri.EscapeDataString(text);

    public static string Page(string title, string body, int? refreshSeconds = null) =>
        $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{{E(title)}} · Glint</title>
        {{(refreshSeconds is { } s ? $"<meta http-equiv=\"refresh\" content=\"{s}\">" : "")}}
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
        nav{background:#263238;padding:8px 20px}nav a{color:#fff;margin-right:18px;text-decoration:none}
        main{padding:12px 20px;max-width:1200px}h1{font-size:20px}
        table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
        .SUCCEEDED{color:#2e7d32}.FAILED,.TIMEOUT{color:#c62828}.RUNNING,.STARTING{color:#1565c0}.STOPPED{color:#6d4c41}
        form{display:inline}input{font:inherit}
        </style></head><body>
        <nav><a href="/">Glint</a><a href="/jobs">Jobs</a><a href="/runs">Runs</a><a href="/catalog">Catalog</a><a href="/streams">Streams</a></nav>
        <main><h1>{{E(title)}}</h1>
        {{body}}
        </main></body></html>
        """;

    public static string Table(IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows, string? id = null)
    {
        var sb = new StringBuilder(id is null ? "<table>" : $"<table id=\"{id}\">");
        sb.Append("<tr>").Append(string.Concat(headers.Select(h => $"<th>{E(h)}</th>"))).Append("</tr>");
        foreach (var row in rows) sb.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{c}</td>"))).Append("</tr>");
        return sb.Append("</table>").ToString();
    }

    public static string State(Jobs.RunState state) => $"<span class=\"state {state.ToString().ToUpperInvariant()}\">{state.ToString().ToUpperInvariant()}</span>";
}
