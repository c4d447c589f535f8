using System.Text.Json.Nodes;

namespace Glint.Web.Glue;

/// <summary>An error a Glue client understands: one of Glue's error codes (the typed exception boto3 raises) and a message. Always an HTTP 400.</summary>
internal sealed class GlueError(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static GlueError NotFound(string message) => new("EntityNotFoundException", message);
    public static GlueError Exists(string message) => new("AlreadyExistsException", message);
    public static GlueError Invalid(string message) => new("InvalidInputException", message);

    /// <summary>The Glue error for an error an operation raised on purpose (a GlueError or a Glint error).</summary>
    public static GlueError Of(Exception e) => e as GlueError ?? From((Common.GlintException)e);

    /// <summary>Whether an exception is one the client should hear about as a Glue error (anything else is a bug: a 500).</summary>
    public static bool IsExpected(Exception e) => e is GlueError or Common.GlintException;

    /// <summary>
    /// Runs one entry of a batch operation: null when it succeeded, else the ErrorDetail of its failure — batches report failures per
    /// entry and go on, as Glue's do.
    /// </summary>
    public static JsonObject? Attempt(Action apply)
    {
        try { apply(); return null; }
        catch (Exception e) when (IsExpected(e)) { return Of(e).Detail(); }
    }

    /// <summary>The ErrorDetail shape of batch answers.</summary>
    public JsonObject Detail() => new() { ["ErrorCode"] = Code, ["ErrorMessage"] = Message };

    /// <summary>The Glue error for a Glint error: what does not exist, what runs already, what another writer changed; the rest is bad input.</summary>
    public static GlueError From(Common.GlintException e) => e switch
    {
        Common.NotFoundException => NotFound(e.Message),
        Common.ConcurrentRunsException => new("ConcurrentRunsExceededException", e.Message),
        Common.ConcurrentUpdateException => new("ConcurrentModificationException", e.Message),
        Common.CatalogException when e.Message.Contains("does not exist", StringComparison.Ordinal) => NotFound(e.Message),
        Common.CatalogException when e.Message.Contains("already exists", StringComparison.Ordinal) => Exists(e.Message),
        _ => Invalid(e.Message),
    };
}
