using System.Text.Json.Nodes;
using Glint.Catalog;
using Glint.Execution;
using Glint.Jobs;

namespace Glint.Web.Glue;

/// <summary>Where <c>glint serve</c> keeps state and listens: the metastore, Glint's home, the address, and the credentials it verifies (none: any).</summary>
public sealed record GlueEndpointOptions(string? Metastore, string Home, System.Net.IPAddress Bind, int Port, GlueCredentials? Credentials)
{
    /// <summary>The account (and catalog) id every ARN and CatalogId carries, as a local endpoint has no account: 123456789012.</summary>
    public string Account { get; init; } = "123456789012";
    /// <summary>The region of requests that carry no credential scope.</summary>
    public string DefaultRegion { get; init; } = "us-east-1";
}

/// <summary>
/// What every operation shares: the metastore (catalog, jobs, crawlers, connections, tags and kept documents, one store), the job
/// runner's defaults, the runs and crawls this process started in the background, and the operations by name.
/// </summary>
internal sealed class GlueService : IDisposable
{
    private readonly Dictionary<string, Func<GlueRequest, JsonObject>> operations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> background = [];

    public GlueService(GlueEndpointOptions options)
    {
        Options = options;
        // Opened at the first use: registering the operations (and listing them, GlueEndpoint.Operations) needs no metastore.
        store = new Lazy<SqlMetastore>(() => (SqlMetastore)Metastores.Open(options.Metastore, options.Home));
        jobs = new Lazy<SqlJobStore>(() => new SqlJobStore(Store));
        Defaults = new SessionOptions { Metastore = options.Metastore, Home = options.Home };
    }

    private readonly Lazy<SqlMetastore> store;
    private readonly Lazy<SqlJobStore> jobs;

    public GlueEndpointOptions Options { get; }
    public SqlMetastore Store => store.Value;
    public SqlJobStore Jobs => jobs.Value;
    public SessionOptions Defaults { get; }
    /// <summary>How long a run's process may go without a heartbeat before its run counts as failed (GLINT_JOB_LEASE_SECONDS).</summary>
    public TimeSpan RunLease => new JobRunner(Jobs, Defaults).Lease;
    /// <summary>Cancelled when the server stops: runs still going end as STOPPED with their targets untouched.</summary>
    public CancellationToken Stopping => stopping.Token;

    public void Add(string operation, Func<GlueRequest, JsonObject> handler) => operations.Add(operation, handler);

    public bool Supports(string operation) => operations.ContainsKey(operation);

    public IEnumerable<string> Operations => operations.Keys;

    public JsonObject Invoke(GlueRequest request) => operations[request.Operation](request);

    /// <summary>Runs <paramref name="work"/> on the thread pool, kept track of so that stopping the server waits for it to end.</summary>
    public void InBackground(Action work)
    {
        lock (background)
        {
            background.RemoveAll(t => t.IsCompleted);
            background.Add(Task.Run(work));
        }
    }

    /// <summary>The ARN of a resource, as Glue writes it: arn:aws:glue:region:account:job/name.</summary>
    public string Arn(GlueRequest request, string resource) => $"arn:aws:glue:{request.Region}:{Options.Account}:{resource}";

    public void Dispose()
    {
        stopping.Cancel();
        Task[] running;
        lock (background) running = [.. background];
        Task.WaitAll(running, TimeSpan.FromSeconds(30));
        if (store.IsValueCreated) Store.Dispose();
        stopping.Dispose();
    }
}
