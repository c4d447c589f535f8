using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Glint.Web;

/// <summary>
/// The console's only writes (starting and stopping runs) need the token printed by <c>glint ui</c>, from the
/// X-Glint-Token header or a form field, compared in constant time; without it the endpoint answers 403.
/// </summary>
internal sealed class TokenFilter(string token, string action) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await Authorized(context.HttpContext.Request) ? await next(context)
            : Results.Text($"a valid token is needed to {action}", statusCode: StatusCodes.Status403Forbidden);

    private async Task<bool> Authorized(HttpRequest request)
    {
        string? given = request.Headers[WebConsole.TokenHeader];
        if (given is null && request.HasFormContentType) given = (await request.ReadFormAsync())["token"];
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
    }
}
