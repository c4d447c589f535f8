namespace Glint.Web.Glue;

/// <summary>An error a Glue client understands: one of Glue's error codes (the typed exception boto3 raises) and a message. Always an HTTP 400.</summary>
internal sealed class GlueError(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static GlueError NotFound(string message) => new("EntityNotFoundException", message);
    public static GlueError Exists(string message) => new("AlreadyExistsException", message);
    public static GlueError Invalid(string message) => new("InvalidInputException", message);

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
