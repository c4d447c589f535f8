using Glint.Plan;
using Glint.Storage;

namespace Glint.Api;

/// <summary>Builds a DataFrame over files: format and options, then a path, folder or glob.</summary>
public sealed class DataFrameReader(GlintSession session)
{
    private FileFormat format = FileFormat.Parquet;
    private readonly Dictionary<string, string> options = new(StringComparer.OrdinalIgnoreCase);

    public DataFrameReader Format(string name) { format = FileFormats.Parse(name); return this; }
    public DataFrameReader Option(string key, string value) { options[key] = value; return this; }
    public DataFrameReader Option(string key, bool value) => Option(key, value ? "true" : "false");
    /// <summary>Explicit column list, e.g. "id BIGINT, name VARCHAR"; otherwise the schema is inferred.</summary>
    public DataFrameReader Schema(string columns) => Option("schema", columns);

    /// <summary>Files at a path, folder or glob; or, when the path is a database connection (postgresql://…, Host=…, sqlite:file), that database.</summary>
    public DataFrame Load(string path) =>
        Storage.Databases.DatabaseConnection.Names(path)
            ? Database(path)
            : new(session, new ScanNode(SourceResolver.Resolve(path, format, ReadOptions.From(options), session.Options.Settings.S3)));

    /// <summary>
    /// A table or query of a relational database (options dbtable or query; hashfield, hashexpression, hashpartitions,
    /// or partition_column with lower_bound and upper_bound to read it in parallel).
    /// </summary>
    public DataFrame Database(string connection) =>
        new(session, new DatabaseScanNode(Storage.Databases.DatabaseSourceResolver.Resolve(
            connection.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) || Storage.Databases.DatabaseConnection.Names(connection) ? connection : "sqlite:" + connection,
            options)));

    /// <summary>One table of a relational database.</summary>
    public DataFrame Database(string connection, string table) => Option("dbtable", table).Database(connection);

    public DataFrame Parquet(string path) => Format("parquet").Load(path);
    public DataFrame Csv(string path) => Format("csv").Load(path);
    public DataFrame Json(string path) => Format("json").Load(path);
}
