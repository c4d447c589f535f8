using System.Net;
using System.Text;
using System.Text.Json;
using Glint.Tests.Support;

namespace Glint.Tests.Glue;

/// <summary>The protocol around the operations: errors that are never a 500, paging, signatures, and runs of a server that was killed.</summary>
public sealed class GlueEndpointTests : IDisposable
{
    private readonly TempFolder dir = new("glue-endpoint");

    public void Dispose() => dir.Dispose();

    private void Check(GlueServer server, params string[] check)
    {
        var result = Python.Run("glue_checks.py", [check[0], server.Endpoint, dir["data"], .. check[1..]]);
        Assert.True(result.ExitCode == 0 && result.Output.Contains("OK"), $"{check[0]} failed:\n{result.All}\n--- server:\n{server.Log()}");
    }

    [Fact]
    public void Docs_glue_api_lists_exactly_the_operations_the_endpoint_implements()
    {
        var documented = DocsTests.Doc("glue-api.md").Split('\n')
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\| [a-z]+ \| `([A-Za-z]+)` \|"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Glint.Web.Glue.GlueEndpoint.Operations(), documented);
    }

    [Fact]
    public void Pages_end_without_a_NextToken_and_unset_members_are_not_echoed()
    {
        using var server = GlueServer.Start(dir["home"]);
        Check(server, "paging");
    }

    [Fact]
    public async Task Anything_but_a_Glue_operation_Glint_implements_is_a_400_naming_it()
    {
        using var server = GlueServer.Start(dir["home"]);
        Check(server, "unknown");
        using var http = new HttpClient { BaseAddress = new Uri(server.Endpoint) };
        async Task Expect(HttpRequestMessage request, string code, string named)
        {
            using var response = await http.SendAsync(request);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(code, body.GetProperty("__type").GetString());
            Assert.Equal(code, response.Headers.GetValues("X-Amzn-ErrorType").Single());
            Assert.Contains(named, body.GetProperty("message").GetString());
            Assert.NotEmpty(response.Headers.GetValues("x-amzn-RequestId").Single());
        }
        HttpRequestMessage Post(string? target, string body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1") };
            if (target is not null) request.Headers.Add("X-Amz-Target", target);
            return request;
        }
        await Expect(new HttpRequestMessage(HttpMethod.Get, "/"), "UnknownOperationException", "GET /");
        await Expect(Post(null, "{}"), "UnknownOperationException", "X-Amz-Target");
        await Expect(Post("AWSGlue.StartBlueprintRun", "{}"), "UnknownOperationException", "StartBlueprintRun");
        await Expect(Post("AWSGlue.GetDatabase", "{not json"), "SerializationException", "not JSON");
        await Expect(Post("AWSGlue.GetDatabase", "{\"Name\": 7}"), "InvalidInputException", "Name");
        await Expect(Post("AWSGlue.GetDatabase", "{}"), "InvalidInputException", "Name is required");
    }

    [Fact]
    public void With_a_configured_key_pair_only_requests_signed_with_it_are_answered()
    {
        var keys = new Dictionary<string, string> { ["GLINT_API_ACCESS_KEY_ID"] = "AKIDGLINT", ["GLINT_API_SECRET_ACCESS_KEY"] = "s3cr3t" };
        using var server = GlueServer.Start(dir["home"], keys);
        Check(server, "signed", "AKIDGLINT", "s3cr3t");
        Check(server, "refused:InvalidSignatureException", "AKIDGLINT", "wrong");
        Check(server, "refused:UnrecognizedClientException", "AKIDOTHER", "s3cr3t");
    }

    [Fact]
    public void A_run_of_a_killed_server_ends_FAILED_with_its_target_untouched_and_frees_its_slot()
    {
        GlueData.Prepare(dir["data"]);
        var lease = new Dictionary<string, string> { ["GLINT_JOB_LEASE_SECONDS"] = "3" };
        string run;
        using (var first = GlueServer.Start(dir["home"], lease))
        {
            var started = Python.Run("glue_checks.py", "start-slow", first.Endpoint, dir["data"]);
            Assert.True(started.ExitCode == 0, started.All + first.Log());
            run = started.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
        } // disposing kills the process tree: SIGKILL, no shutdown hooks
        using var second = GlueServer.Start(dir["home"], lease);
        Check(second, "after-crash:" + run);
    }
}
