using Glint.Catalog;
using Glint.Jobs;
using Microsoft.AspNetCore.Http;

namespace Glint.Web;

/// <summary>What every page of the console shares: its options, the metastore opened per request, and the page frame.</summary>
internal sealed class ConsoleContext(WebConsoleOptions options)
{
    public WebConsoleOptions Options => options;

    /// <summary>The metastore, opened for one request.</summary>
    public IMetastore Open() => Metastores.Open(options.Metastore, options.Home);

    /// <summary>Reads through the metastore and its job store, closed when done.</summary>
    public T With<T>(Func<IMetastore, IJobStore, T> read)
    {
        using var store = Open();
        return read(store, SqlJobStore.Of(store));
    }

    /// <summary>An HTML page with the console's frame; <paramref name="refresh"/> seconds reloads it (live runs).</summary>
    public IResult Page(string title, string body, int? refresh = null) =>
        Results.Content(Html.Page(title, body, refresh), "text/html; charset=utf-8");
}
