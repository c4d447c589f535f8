using System.Collections.Immutable;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;
using Glint.Storage;

namespace Glint.Api;

/// <summary>Writes a DataFrame to a folder or prefix (format, mode and partition columns) or to a database table.</summary>
public sealed class DataFrameWriter(DataFrame frame)
{
    private FileFormat? format;
    private WriteMode? mode;
    private string? modeText;
    private ImmutableArray<string> partitionBy = [];
    private ImmutableArray<string> upsertKeys = [];

    public DataFrameWriter Format(string name) { format = FileFormats.Parse(name); return this; }
    public DataFrameWriter Mode(WriteMode value) { mode = value; return this; }
    /// <summary>error_if_exists, append, overwrite, overwrite_partitions for files; append, overwrite, upsert for a database table.</summary>
    public DataFrameWriter Mode(string value)
    {
        modeText = value;
        mode = Storage.Databases.DatabaseTarget.IsDatabaseOnlyMode(value) ? null : WriteModes.Parse(value);
        return this;
    }
    /// <summary>The columns that identify a row, for mode upsert on a database table.</summary>
    public DataFrameWriter UpsertKeys(params string[] columns) { upsertKeys = [.. columns]; return this; }
    public DataFrameWriter PartitionBy(params string[] columns) { partitionBy = [.. columns]; return this; }

    /// <summary>The action writing into a PostgreSQL table (mode append by default, overwrite or upsert), checked now against the table.</summary>
    public PlannedAction ToDatabaseAction(string connection, string table) =>
        new(frame.Plan, new DatabaseTargetSink(Storage.Databases.DatabaseTarget.Resolve(connection, table,
            Storage.Databases.DatabaseTarget.ParseMode(modeText), upsertKeys, frame.Schema)));

    /// <summary>Writes into a PostgreSQL table: all rows in one transaction at commit, or none.</summary>
    public RunSummary Database(string connection, string table, CancellationToken cancellation = default) =>
        frame.Session.Run([ToDatabaseAction(connection, table)], cancellation).Summary;

    /// <summary>The action this writer describes, for running together with others.</summary>
    public PlannedAction ToAction(string path) =>
        modeText is not null && mode is null ? throw new Common.ConfigException("mode", $"mode '{modeText}' is for database tables; a folder takes error_if_exists, append, overwrite or overwrite_partitions") :
        new(Written(), new TargetSink(new WriteTarget(Common.S3Uri.IsS3(path) ? path.TrimEnd('/') : Path.GetFullPath(path), format ?? FileFormat.Parquet, mode ?? WriteMode.ErrorIfExists, partitionBy)));

    /// <summary>
    /// The action writing into catalog table <paramref name="table"/> ("db.table"): an existing table's
    /// location, format and partition keys, or a new table at <paramref name="path"/> (default
    /// $GLINT_HOME/warehouse/db/table). Mode defaults to append. The catalog changes only after the run commits.
    /// </summary>
    public PlannedAction ToTableAction(string table, string? path = null)
    {
        var written = Written();
        return new(written, new TargetSink(Catalog.TableWrites.Resolve(frame.Session.Catalog, table, path, format, mode, partitionBy, written.Schema, frame.Session.Options.Home)));
    }

    /// <summary>
    /// The rows as files take them. DuckDB's sum of integers is a 128-bit HUGEINT, which Parquet cannot hold and DuckDB
    /// writes as DOUBLE, losing exactness above 2^53; Glint writes it as BIGINT (UBIGINT), as Spark types sum(bigint),
    /// and a sum too large for it fails the task with DuckDB's out-of-range error instead of rounding.
    /// </summary>
    private LogicalNode Written()
    {
        var columns = frame.Schema.Columns;
        if (!columns.Any(c => c.Type is "HUGEINT" or "UHUGEINT")) return frame.Plan;
        return Binder.Project(frame.Plan, [.. columns.Select(c => c.Type switch
        {
            "HUGEINT" => $"CAST({Sql.Ident(c.Name)} AS BIGINT) AS {Sql.Ident(c.Name)}",
            "UHUGEINT" => $"CAST({Sql.Ident(c.Name)} AS UBIGINT) AS {Sql.Ident(c.Name)}",
            _ => Sql.Ident(c.Name),
        })]);
    }

    /// <summary>Writes into a catalog table (see <see cref="ToTableAction"/>) and registers its new partitions.</summary>
    public RunSummary SaveAsTable(string table, string? path = null, CancellationToken cancellation = default) =>
        frame.Session.Run([ToTableAction(table, path)], cancellation).Summary;

    /// <summary>Runs the write; nothing is visible at the target until every task succeeded and the commit ran.</summary>
    public RunSummary Save(string path, CancellationToken cancellation = default) =>
        frame.Session.Run([ToAction(path)], cancellation).Summary;

    public RunSummary Parquet(string path) => Format("parquet").Save(path);
    public RunSummary Csv(string path) => Format("csv").Save(path);
    public RunSummary Json(string path) => Format("json").Save(path);

    public string Explain(string path) => frame.Session.Explain([ToAction(path)]);
}
