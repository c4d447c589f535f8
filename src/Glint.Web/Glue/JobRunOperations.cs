using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Common;
using Glint.Jobs;

namespace Glint.Web.Glue;

/// <summary>
/// Runs and bookmarks: StartJobRun (runs the job in this process, in the background, honouring MaxConcurrentRuns), GetJobRun,
/// GetJobRuns, BatchStopJobRun (the run ends STOPPED at its next heartbeat, its targets untouched), GetJobBookmark, ResetJobBookmark.
/// </summary>
internal static class JobRunOperations
{
    private const string RunKind = "jobrun";

    public static void Register(GlueService s)
    {
        s.Add("StartJobRun", r => Start(s, r));
        s.Add("GetJobRun", r => new JsonObject { ["JobRun"] = Shape(s, RequireRun(s, r.Required("JobName"), r.Required("RunId"))) });
        s.Add("GetJobRuns", r => GluePage.Write(r, s.Jobs.Runs(JobOperations.Require(s, r.Required("JobName")).Name), run => Shape(s, Seen(s, run)), "JobRuns", 200));
        s.Add("BatchStopJobRun", r => Stop(s, r));
        s.Add("GetJobBookmark", r => new JsonObject { ["JobBookmarkEntry"] = Bookmark(s, JobOperations.Require(s, r.Required("JobName")).Name, r.Text("RunId")) });
        s.Add("ResetJobBookmark", r => Reset(s, r));
    }

    private static JobRun RequireRun(GlueService s, string job, string id)
    {
        JobOperations.Require(s, job);
        var run = s.Jobs.FindRun(new RunId(id));
        return run is not null && run.Job == job ? Seen(s, run) : throw GlueError.NotFound($"Job run {id} of job {job} not found.");
    }

    /// <summary>
    /// The run as a client should see it: one whose process died (a killed server) stops renewing its lease and is FAILED from then on —
    /// the store marks it so at the job's next start, and no client waits on a RUNNING that will never end.
    /// </summary>
    private static JobRun Seen(GlueService s, JobRun run) =>
        run.State is RunState.Running or RunState.Starting && run.Heartbeat < DateTimeOffset.UtcNow - s.RunLease
            ? run with { State = RunState.Failed, Ended = run.Heartbeat, Error = $"the process running it stopped (no heartbeat for {(int)s.RunLease.TotalSeconds} s)" }
            : run;

    private static JsonObject Start(GlueService s, GlueRequest r)
    {
        var name = r.Required("JobName");
        JobOperations.Require(s, name);
        var given = r.Map("Arguments");
        var arguments = GlueArguments.ForSpec(given, r.Operation);
        var bookmarks = GlueArguments.Bookmarks(given, r.Operation);
        var started = new TaskCompletionSource<JobRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        s.InBackground(() =>
        {
            try
            {
                new JobRunner(s.Jobs, s.Defaults).Start(name, arguments, s.Stopping, run =>
                {
                    s.Store.SetDocument(RunKind, run.RunId.Value, new JsonObject { ["Arguments"] = GlueJson.Map(given) }.ToJsonString());
                    started.TrySetResult(run);
                }, bookmarks);
            }
            catch (Exception e) { started.TrySetException(e); }
        });
        JobRun first;
        try { first = started.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult(); }
        catch (TimeoutException) { throw new GlueError("OperationTimeoutException", $"job {name} did not start within 60 s"); }
        return new JsonObject { ["JobRunId"] = first.RunId.Value };
    }

    private static JsonObject Stop(GlueService s, GlueRequest r)
    {
        var job = r.Required("JobName");
        var (stopped, errors) = (new JsonArray(), new JsonArray());
        foreach (var id in r.Strings("JobRunIds", required: true, max: 25))
        {
            var detail = GlueError.Attempt(() =>
            {
                var run = RequireRun(s, job, id);
                if (run.State is not (RunState.Running or RunState.Starting)) throw GlueError.Invalid($"Job run {id} is {State(run)}, not running");
                s.Jobs.RequestStop(run.RunId);
            });
            if (detail is null) stopped.Add(new JsonObject { ["JobName"] = job, ["JobRunId"] = id });
            else errors.Add(new JsonObject { ["JobName"] = job, ["JobRunId"] = id, ["ErrorDetail"] = detail });
        }
        return new JsonObject { ["SuccessfulSubmissions"] = stopped, ["Errors"] = errors };
    }

    public static string State(JobRun run) => run.State switch
    {
        RunState.Running when run.StopRequested => "STOPPING",
        _ => run.State.ToString().ToUpperInvariant(),
    };

    /// <summary>The JobRun shape: Glue's state, 0-based attempt, times, arguments as the run was given them, DPU-seconds and the error.</summary>
    private static JsonObject Shape(GlueService s, JobRun run)
    {
        var job = s.Jobs.FindJob(run.Job);
        var kept = GlueJson.Parse(s.Store.Document(RunKind, run.RunId.Value));
        var ended = run.Ended ?? DateTimeOffset.UtcNow;
        var o = new JsonObject
        {
            ["Id"] = run.RunId.Value,
            ["Attempt"] = run.Attempt - 1,
            ["JobName"] = run.Job,
            ["StartedOn"] = GlueJson.Time(run.Started),
            ["LastModifiedOn"] = GlueJson.Time(run.Ended ?? run.Heartbeat),
            ["JobRunState"] = State(run),
            ["Arguments"] = kept["Arguments"]?.DeepClone() ?? GlueJson.Map(run.Arguments.Select(kv => KeyValuePair.Create("--" + kv.Key, kv.Value))),
            ["PredecessorRuns"] = new JsonArray(),
            ["ExecutionTime"] = (int)Math.Round(run.Record?.WallSeconds ?? (ended - run.Started).TotalSeconds),
        };
        o.Put("PreviousRunId", run.PreviousRunId?.Value).Put("CompletedOn", run.Ended is { } e ? GlueJson.Time(e) : null).Put("ErrorMessage", run.Error);
        if (job is not null) o["Timeout"] = (int)Math.Ceiling(job.TimeoutMinutes);
        if (run.Record is { } record)
        {
            o["DPUSeconds"] = Math.Round(record.DpuSeconds, 3);
            if (JobOperations.WorkerTypes.Contains(record.WorkerType)) o.Put("WorkerType", record.WorkerType).Put("NumberOfWorkers", record.Workers > 0 ? record.Workers : null);
        }
        return o;
    }

    private static JsonObject Bookmark(GlueService s, string job, string? runId)
    {
        var bookmarks = s.Jobs.Bookmarks(job);
        if (bookmarks.Count == 0) throw GlueError.NotFound($"Continuation for job {job} not found.");
        var latest = bookmarks.MaxBy(b => b.Updated)!;
        var run = s.Jobs.FindRun(runId is null ? latest.RunId : new RunId(runId));
        var runs = s.Jobs.Runs(job).Count(r => r.State == RunState.Succeeded);
        var state = bookmarks.ToDictionary(b => b.Source, b => new { b.State.Files.Length, HighWater = b.State.HighWaterUtc, Keys = b.State.Keys?.ToString(), Run = b.RunId.Value });
        return new JsonObject
        {
            ["JobName"] = job,
            ["Version"] = runs,
            ["Run"] = runs,
            ["Attempt"] = Math.Max(0, (run?.Attempt ?? 1) - 1),
            ["RunId"] = (run?.RunId ?? latest.RunId).Value,
            ["JobBookmark"] = JsonSerializer.Serialize(state),
        }.Put("PreviousRunId", run?.PreviousRunId?.Value);
    }

    private static JsonObject Reset(GlueService s, GlueRequest r)
    {
        var job = JobOperations.Require(s, r.Required("JobName")).Name;
        if (r.Text("RunId") is { } id) s.Jobs.RewindBookmarks(job, new RunId(id));
        else s.Jobs.ResetBookmarks(job);
        var entry = new JsonObject { ["JobName"] = job, ["Version"] = 0, ["Run"] = 0, ["Attempt"] = 0 };
        if (s.Jobs.Bookmarks(job) is { Count: > 0 }) entry = Bookmark(s, job, null);
        return new JsonObject { ["JobBookmarkEntry"] = entry };
    }
}
