using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Glint.Storage;

/// <summary>One data file listed in a target's manifest; the path is relative to the target.</summary>
internal sealed record ManifestFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("rows")] long? Rows,
    [property: JsonPropertyName("bytes")] long Bytes);

/// <summary>
/// The <c>_SUCCESS</c> file a job commit writes last: every data file the target holds after the
/// commit, with rows and bytes. Readers that honor it never see a partial write.
/// </summary>
internal sealed record Manifest(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("committed_at")] DateTime CommittedAtUtc,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("partition_by")] ImmutableArray<string> PartitionBy,
    [property: JsonPropertyName("rows")] long? Rows,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("files")] ImmutableArray<ManifestFile> Files)
{
    public const string FileName = "_SUCCESS";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The manifest of a local folder or, with <paramref name="s3"/>, of an s3:// prefix; null when there is none (or it is not Glint's).</summary>
    public static Manifest? TryRead(string target, Common.S3Options? s3)
    {
        if (!Common.S3Uri.IsS3(target)) return TryRead(target);
        var store = new ObjectStores.ObjectStore(s3 ?? Common.S3Options.FromEnvironment());
        var uri = Common.S3Uri.Parse(target).Child(FileName);
        if (store.Size(uri) is null) return null;
        try { return Glints(JsonSerializer.Deserialize<Manifest>(store.ReadText(uri), Options)); }
        catch (JsonException) { return null; }
    }

    /// <summary>The manifest's text as written.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static Manifest? TryRead(string target)
    {
        var path = System.IO.Path.Combine(target, FileName);
        if (!File.Exists(path)) return null;
        try { return Glints(JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Options)); }
        catch (JsonException) { return null; } // an empty Spark-style marker, or someone else's
    }

    /// <summary>The manifest when it is one Glint wrote (a run id and a file list), else null: another tool's JSON marker.</summary>
    private static Manifest? Glints(Manifest? manifest) =>
        manifest is { RunId: not null, Files.IsDefault: false } ? manifest : null;

    /// <summary>Writes the manifest next to the data by rename, so it appears whole or not at all.</summary>
    public void Write(string target, string stagingFolder)
    {
        Directory.CreateDirectory(stagingFolder);
        var temporary = System.IO.Path.Combine(stagingFolder, FileName);
        File.WriteAllText(temporary, ToJson());
        File.Move(temporary, System.IO.Path.Combine(target, FileName), overwrite: true);
    }
}
