using System.Collections.Immutable;
using DuckDB.NET.Data;
using Glint.Common;
using Glint.Storage;

namespace Glint.Execution;

/// <summary>Runs a task's query on its slot's DuckDB and delivers the rows as the task's output asks.</summary>
public sealed class SqlTaskRunner : ITaskRunner
{
    /// <summary>Uploads a task runs at once: transfers wait on the network, not on the slot's core.</summary>
    private const int Uploads = 4;

    public TaskResult Run(TaskSpec task, TaskAttemptId attempt, ITaskSlot taskSlot, CancellationToken cancellation)
    {
        var slot = taskSlot as Slot ?? throw new InvalidOperationException($"slot {taskSlot.Name} has no DuckDB of this process");
        try { return slot.Widened(task.Work.Slots, () => RunStaged(task, attempt, slot, cancellation)); }
        finally
        {
            // Staged objects take disk only while their task runs, whether it succeeds or not.
            foreach (var download in task.Work.Downloads)
                try { File.Delete(download.LocalPath); } catch (IOException) { }
        }
    }

    private static TaskResult RunStaged(TaskSpec task, TaskAttemptId attempt, Slot slot, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (task.Work.CollectsRejects)
            Execute(slot, $"DROP TABLE IF EXISTS {ScanSql.RejectsTable}; DROP TABLE IF EXISTS {ScanSql.RejectsScan}", cancellation, _ => 0);
        foreach (var download in task.Work.Downloads)
        {
            cancellation.ThrowIfCancellationRequested();
            new Storage.ObjectStores.ObjectStore(download.S3).Download(Common.S3Uri.Parse(download.Uri), download.LocalPath, download.Size);
        }
        long? databaseRows = null;
        if (task.Work.Database is { } database)
        {
            try { databaseRows = DatabaseStaging.Load(database, slot, cancellation); }
            catch
            {
                DatabaseStaging.Drop(slot); // a half-read split must not hold the slot's memory until its next task
                throw;
            }
        }
        TaskResult result;
        try
        {
            result = task.Work.Output switch
            {
                WriteFilesOutput write => Write(task.Work.Query, write, attempt, slot, cancellation),
                DatabaseOutput table => DatabaseBatchWriter.Write(task.Work.Query, table, attempt, slot, cancellation),
                CollectOutput collect => Collect(task.Work.Query, collect.MaxRows, slot, cancellation),
                CountOutput => Count(task.Work.Query, slot, cancellation),
                var other => throw new NotSupportedException($"task output {other.GetType().Name}"),
            };
        }
        finally
        {
            if (databaseRows is not null) DatabaseStaging.Drop(slot);
        }
        if (task.Work.InputRows is { } inputRows)
            result = result with { RowsIn = inputRows.Count() };
        if (databaseRows is { } read)
            result = result with { RowsIn = read };
        if (task.Work.CollectsRejects)
            result = result with { Errors = Rejects(slot, cancellation) };
        if (task.Work.JsonRejects is { } rejected)
            result = result with
            {
                Errors = [.. Execute(slot, rejected, cancellation, r => new ErrorRecord(r.GetString(0), Convert.ToInt64(r.GetValue(1)), r.GetString(2), r.GetString(3), r.GetString(4)))],
            };
        return result;
    }

    /// <summary>
    /// The rows the task's CSV scan rejected, one record per row: DuckDB lists a row once per bad column
    /// (a row short of k columns k times), so its reasons are joined, in Glint's words rather than DuckDB's
    /// (<c>column 'a': 'x' is not BIGINT</c>, <c>expected 5 columns, found 1</c>). The tables exist only when the scan ran.
    /// </summary>
    private static ImmutableArray<ErrorRecord> Rejects(Slot slot, CancellationToken cancellation)
    {
        var exists = Execute(slot, OutputSql.CsvRejectsExist, cancellation, r => Convert.ToInt64(r.GetValue(0)));
        if (exists.Single() == 0) return [];
        return [.. Execute(slot, OutputSql.CsvRejects, cancellation, r => new ErrorRecord(r.GetString(0), Convert.ToInt64(r.GetValue(1)), r.GetString(2), r.GetString(3), r.GetString(4)))];
    }

    private static TaskResult Count(string query, Slot slot, CancellationToken cancellation)
    {
        var rows = Execute(slot, OutputSql.Count(query), cancellation, reader => reader.GetInt64(0));
        return new TaskResult(null, rows.Single(), [], null);
    }

    private static TaskResult Collect(string query, long maxRows, Slot slot, CancellationToken cancellation)
    {
        var rows = Execute(slot, OutputSql.Collect(query, maxRows), cancellation, reader =>
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            return row;
        });
        if (rows.Count > maxRows)
            throw new Common.PlanException($"result has more than {maxRows} rows; Collect is for small results, use Write or Limit");
        return new TaskResult(null, rows.Count, [], rows);
    }

    private static TaskResult Write(string query, WriteFilesOutput output, TaskAttemptId attempt, Slot slot, CancellationToken cancellation)
    {
        if (output.Upload is { } s3)
        {
            // An s3:// target or exchanges on S3: write in the slot's own folder, upload under the attempt's prefix as the
            // task ends (so transfers overlap with the other slots' work, not with the commit), keep nothing local.
            var local = Path.Combine(slot.WorkFolder, "upload-out");
            try
            {
                var written = Write(query, output with { StagingFolder = local, Upload = null }, attempt, slot, cancellation);
                var prefix = $"{output.StagingFolder}/{attempt}";
                var store = new Storage.ObjectStores.ObjectStore(s3);
                try
                {
                    Parallel.ForEach(written.Files, new ParallelOptions { MaxDegreeOfParallelism = Uploads, CancellationToken = cancellation },
                        f => store.Upload(f.FullPath, Common.S3Uri.Parse($"{prefix}/{f.RelativePath}")));
                }
                catch (AggregateException e) when (e.InnerExceptions[0] is GlintException first)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first); // classified as the upload's own failure
                }
                return written with { Files = [.. written.Files.Select(f => f with { AttemptFolder = prefix })] };
            }
            finally
            {
                if (Directory.Exists(local)) Directory.Delete(local, recursive: true);
            }
        }
        var (folder, target, format) = OutputSql.Destination(output, attempt);
        var viaParquet = format != output.Format;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(viaParquet ? folder : output.StagingFolder);
        var copy = OutputSql.Copy(query, output, attempt, target, format);
        var files = new List<WrittenFile>();
        long rowsOut = 0;
        if (format == FileFormat.Parquet)
        {
            foreach (var (file, count) in Execute(slot, copy, cancellation, r => (r.GetString(0), Convert.ToInt64(r.GetValue(1)))))
            {
                rowsOut += count;
                files.Add(new WrittenFile(target, Path.GetRelativePath(target, file), count, new FileInfo(file).Length));
            }
        }
        else
        {
            var (count, paths) = Execute(slot, copy, cancellation, r => (r.GetInt64(0), (List<string>)r.GetValue(1))).Single();
            rowsOut = count;
            files.AddRange(paths.Select(p => new WrittenFile(target, Path.GetRelativePath(target, p),
                paths.Count == 1 ? count : null, new FileInfo(p).Length)));
        }

        var kept = ImmutableArray.CreateBuilder<WrittenFile>();
        foreach (var file in files)
        {
            if (file.Rows == 0 || rowsOut == 0) { File.Delete(file.FullPath); continue; }
            kept.Add(viaParquet ? ToJsonLines(file, folder, slot, cancellation) : file);
        }
        if (viaParquet) Directory.Delete(target, recursive: true);
        return new TaskResult(null, rowsOut, kept.ToImmutable(), null);
    }

    private static WrittenFile ToJsonLines(WrittenFile parquet, string folder, Slot slot, CancellationToken cancellation)
    {
        var relative = Path.ChangeExtension(parquet.RelativePath, ".json");
        var destination = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        Execute(slot, OutputSql.JsonLines(parquet.FullPath, destination), cancellation, _ => 0);
        return new WrittenFile(folder, relative, parquet.Rows, new FileInfo(destination).Length);
    }

    private static List<T> Execute<T>(Slot slot, string sql, CancellationToken cancellation, Func<DuckDBDataReader, T> read)
    {
        using var command = slot.Connection.CreateCommand();
        command.CommandText = sql;
        using var registration = cancellation.Register(command.Cancel);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        cancellation.ThrowIfCancellationRequested();
        return rows;
    }
}
