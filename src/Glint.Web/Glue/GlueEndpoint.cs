using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Glint.Web.Glue;

/// <summary>
/// The AWS Glue API (AWS JSON 1.1) over Glint's metastore and job runner: every request is <c>POST /</c> with
/// <c>X-Amz-Target: AWSGlue.&lt;Operation&gt;</c>; answers are the operation's output shape, errors a 400 with Glue's error code —
/// an operation Glint does not implement too (clients retry 500s for minutes), so only a bug in Glint is a 500.
/// </summary>
public static class GlueEndpoint
{
    public const string JsonContentType = "application/x-amz-json-1.1";

    /// <summary>The server; disposing the app (or stopping it) stops the runs and crawls it started.</summary>
    public static WebApplication Build(GlueEndpointOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Bind, options.Port));
        var app = builder.Build();
        var service = new GlueService(options);
        GlueOperations.Register(service);
        service.Store.AbandonCrawls("the server running the crawl stopped before it ended");
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(service.Dispose);
        app.Run(context => Handle(context, service));
        return app;
    }

    /// <summary>The names of the Glue operations the endpoint implements (docs/glue-api.md lists each).</summary>
    public static IReadOnlyList<string> Operations()
    {
        using var service = new GlueService(new GlueEndpointOptions(null, Path.GetTempPath(), System.Net.IPAddress.Loopback, 0, null));
        GlueOperations.Register(service);
        return [.. service.Operations.Order(StringComparer.Ordinal)];
    }

    private static async Task Handle(HttpContext context, GlueService service)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        JsonObject output;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            output = Dispatch(context.Request, buffer.ToArray(), service);
        }
        catch (Exception e) when (GlueError.IsExpected(e)) { var g = GlueError.Of(e); await Error(context, 400, g.Code, g.Message); return; }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Error(context, 500, "InternalServiceException", $"a bug in glint: {e.GetType().Name}: {e.Message}");
            return;
        }
        context.Response.ContentType = JsonContentType;
        await context.Response.WriteAsync(output.ToJsonString());
    }

    private static JsonObject Dispatch(HttpRequest request, byte[] body, GlueService service)
    {
        var target = request.Headers["X-Amz-Target"].ToString();
        if (request.Method != "POST" || request.Path != "/")
            throw new GlueError("UnknownOperationException", $"this is Glint's Glue API: every request is POST / with X-Amz-Target: AWSGlue.<Operation>, not {request.Method} {request.Path}");
        if (!target.StartsWith("AWSGlue.", StringComparison.Ordinal))
            throw new GlueError("UnknownOperationException", target.Length == 0 ? "the request has no X-Amz-Target header" : $"'{target}' is not a Glue operation (AWSGlue.<Operation>)");
        var operation = target["AWSGlue.".Length..];
        var region = SigV4.Check(request, body, service.Options.Credentials, service.Options.DefaultRegion);
        if (!service.Supports(operation))
            throw new GlueError("UnknownOperationException", $"Glint does not implement the Glue operation {operation} (docs/glue-api.md lists what it does)");
        JsonObject input;
        try { input = body.Length == 0 ? [] : JsonNode.Parse(body) as JsonObject ?? throw new GlueError("SerializationException", $"{operation}: the body must be a JSON object"); }
        catch (JsonException e) { throw new GlueError("SerializationException", $"{operation}: the body is not JSON: {e.Message}"); }
        return service.Invoke(new GlueRequest(input, operation, region));
    }

    private static Task Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        context.Response.Headers["X-Amzn-ErrorType"] = code;
        return context.Response.WriteAsync(new JsonObject { ["__type"] = code, ["message"] = message }.ToJsonString());
    }
}
