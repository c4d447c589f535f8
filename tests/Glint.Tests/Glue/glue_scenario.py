"""One Glue user's day against Glint's endpoint, through one client: catalog, partitions, a crawler, a bookmarked job, a stopped run, tags.

Usage: glue_scenario.py <boto3|cli-v1|cli-v2> <endpoint> <data folder>. The data folder holds what the test prepared: flights/ (to crawl),
shop.db (a SQLite database to crawl), events/ and staged/ (a job's input now and later), job.yaml, slow.yaml. It prints DONE at the end;
the test then checks the job's output against DuckDB and reads the crawled table with glint sql.
"""
import os
import shutil
import sys
import time

from glue_clients import GlueCallError, client

kind, endpoint, data = sys.argv[1], sys.argv[2], sys.argv[3]
glue = client(kind, endpoint)
steps = []


def step(name):
    steps.append(name)
    print(f"[{kind}] {name}", flush=True)


def fails(code, operation, **params):
    try:
        glue.call(operation, **params)
    except GlueCallError as e:
        assert e.code == code, f"{operation} answered {e.code}, expected {code}: {e}"
        return
    raise AssertionError(f"{operation} succeeded, expected {code}")


def wait(what, probe, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = probe()
        if value is not None:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def columns(*pairs):
    return [{"Name": n, "Type": t} for n, t in pairs]


# ---- databases
step("databases")
glue.call("CreateDatabase", DatabaseInput={"Name": "lake", "Description": "raw zone", "Parameters": {"owner": "data"}})
db = glue.call("GetDatabase", Name="lake")["Database"]
assert (db["Name"], db["Description"], db["Parameters"]) == ("lake", "raw zone", {"owner": "data"}), db
assert "LocationUri" not in db, "a default the client did not set came back"
glue.call("UpdateDatabase", Name="lake", DatabaseInput={"Name": "lake", "Description": "raw zone, v2"})
assert glue.call("GetDatabase", Name="lake")["Database"]["Description"] == "raw zone, v2"
glue.call("CreateDatabase", DatabaseInput={"Name": "scratch"})
assert {"lake", "scratch"} <= {d["Name"] for d in glue.call("GetDatabases")["DatabaseList"]}
fails("AlreadyExistsException", "CreateDatabase", DatabaseInput={"Name": "lake"})
fails("EntityNotFoundException", "GetDatabase", Name="nowhere")
glue.call("DeleteDatabase", Name="scratch")
fails("EntityNotFoundException", "DeleteDatabase", Name="scratch")

# ---- tables and versions
step("tables")
storage = {"Columns": columns(("id", "bigint"), ("amount", "decimal(10,2)"), ("tags", "array<string>"), ("buyer", "struct<name:string,age:int>")),
           "Location": os.path.join(data, "sales"), "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
           "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}
glue.call("CreateTable", DatabaseName="lake", TableInput={"Name": "sales", "StorageDescriptor": storage, "TableType": "EXTERNAL_TABLE",
          "PartitionKeys": columns(("year", "string"), ("month", "int")), "Parameters": {"classification": "parquet"}})
table = glue.call("GetTable", DatabaseName="lake", Name="sales")["Table"]
assert [c["Type"] for c in table["StorageDescriptor"]["Columns"]] == ["bigint", "decimal(10,2)", "array<string>", "struct<name:string,age:int>"], table
assert [k["Name"] for k in table["PartitionKeys"]] == ["year", "month"]
fails("AlreadyExistsException", "CreateTable", DatabaseName="lake", TableInput={"Name": "sales", "StorageDescriptor": storage})
fails("InvalidInputException", "CreateTable", DatabaseName="lake",
      TableInput={"Name": "bad", "StorageDescriptor": dict(storage, Columns=columns(("x", "no_such_type")))})
fails("EntityNotFoundException", "CreateTable", DatabaseName="nowhere", TableInput={"Name": "t", "StorageDescriptor": storage})
fails("EntityNotFoundException", "GetTable", DatabaseName="lake", Name="nope")
wider = dict(storage, Columns=storage["Columns"] + columns(("channel", "string")))
glue.call("UpdateTable", DatabaseName="lake", TableInput={"Name": "sales", "StorageDescriptor": wider, "TableType": "EXTERNAL_TABLE",
          "PartitionKeys": columns(("year", "string"), ("month", "int"))})
versions = glue.call("GetTableVersions", DatabaseName="lake", TableName="sales")["TableVersions"]
assert len(versions) == 2, versions
old = min(versions, key=lambda v: int(v["VersionId"]))
assert len(glue.call("GetTableVersion", DatabaseName="lake", TableName="sales", VersionId=old["VersionId"])["TableVersion"]["Table"]["StorageDescriptor"]["Columns"]) == 4
assert glue.call("GetTable", DatabaseName="lake", Name="sales")["Table"]["StorageDescriptor"]["Columns"][-1]["Name"] == "channel"
glue.call("DeleteTableVersion", DatabaseName="lake", TableName="sales", VersionId=old["VersionId"])
fails("EntityNotFoundException", "GetTableVersion", DatabaseName="lake", TableName="sales", VersionId=old["VersionId"])
answer = glue.call("BatchDeleteTableVersion", DatabaseName="lake", TableName="sales", VersionIds=["999"])
assert [e["ErrorDetail"]["ErrorCode"] for e in answer["Errors"]] == ["EntityNotFoundException"], answer
for name in ("t1", "t2"):
    glue.call("CreateTable", DatabaseName="lake", TableInput={"Name": name, "StorageDescriptor": storage})
assert {"sales", "t1", "t2"} <= {t["Name"] for t in glue.call("GetTables", DatabaseName="lake")["TableList"]}
assert [t["Name"] for t in glue.call("GetTables", DatabaseName="lake", Expression="sal.*")["TableList"]] == ["sales"]
glue.call("DeleteTable", DatabaseName="lake", Name="t1")
answer = glue.call("BatchDeleteTable", DatabaseName="lake", TablesToDelete=["t2", "t1"])
assert [e["TableName"] for e in answer["Errors"]] == ["t1"], answer

# ---- partitions
step("partitions")
def part(year, month, location=None):
    return {"Values": [year, str(month)], "StorageDescriptor": {"Location": location or os.path.join(data, "sales", f"year={year}", f"month={month}")}}
answer = glue.call("BatchCreatePartition", DatabaseName="lake", TableName="sales",
                   PartitionInputList=[part(y, m) for y in ("2023", "2024") for m in (1, 2, 3)])
assert answer.get("Errors", []) == [], answer
glue.call("CreatePartition", DatabaseName="lake", TableName="sales", PartitionInput=part("2025", 1))
fails("AlreadyExistsException", "CreatePartition", DatabaseName="lake", TableName="sales", PartitionInput=part("2025", 1))
answer = glue.call("BatchCreatePartition", DatabaseName="lake", TableName="sales", PartitionInputList=[part("2025", 1), part("2025", 2)])
assert [e["ErrorDetail"]["ErrorCode"] for e in answer["Errors"]] == ["AlreadyExistsException"], answer
got = glue.call("GetPartition", DatabaseName="lake", TableName="sales", PartitionValues=["2024", "2"])["Partition"]
assert got["Values"] == ["2024", "2"] and got["StorageDescriptor"]["Location"].endswith("month=2"), got
fails("EntityNotFoundException", "GetPartition", DatabaseName="lake", TableName="sales", PartitionValues=["1999", "1"])
picked = glue.call("GetPartitions", DatabaseName="lake", TableName="sales", Expression="year = '2024' AND month > 1")["Partitions"]
assert sorted(p["Values"][1] for p in picked) == ["2", "3"] and all(p["Values"][0] == "2024" for p in picked), picked
picked = glue.call("GetPartitions", DatabaseName="lake", TableName="sales", Expression="year IN ('2023', '2025') AND month BETWEEN 1 AND 2")["Partitions"]
assert sorted(tuple(p["Values"]) for p in picked) == [("2023", "1"), ("2023", "2"), ("2025", "1"), ("2025", "2")], picked
assert len(glue.call("GetPartitions", DatabaseName="lake", TableName="sales")["Partitions"]) == 8
fails("InvalidInputException", "GetPartitions", DatabaseName="lake", TableName="sales", Expression="colour = 'red'")
answer = glue.call("BatchGetPartition", DatabaseName="lake", TableName="sales",
                   PartitionsToGet=[{"Values": ["2023", "1"]}, {"Values": ["1999", "9"]}])
assert [p["Values"] for p in answer["Partitions"]] == [["2023", "1"]] and answer["UnprocessedKeys"] == [{"Values": ["1999", "9"]}], answer
moved = os.path.join(data, "elsewhere")
glue.call("UpdatePartition", DatabaseName="lake", TableName="sales", PartitionValueList=["2023", "1"], PartitionInput=part("2023", 1, moved))
assert glue.call("GetPartition", DatabaseName="lake", TableName="sales", PartitionValues=["2023", "1"])["Partition"]["StorageDescriptor"]["Location"] == moved
answer = glue.call("BatchUpdatePartition", DatabaseName="lake", TableName="sales",
                   Entries=[{"PartitionValueList": ["2023", "2"], "PartitionInput": part("2023", 2, moved + "2")},
                            {"PartitionValueList": ["1999", "9"], "PartitionInput": part("1999", 9)}])
assert [e["PartitionValueList"] for e in answer["Errors"]] == [["1999", "9"]], answer
glue.call("DeletePartition", DatabaseName="lake", TableName="sales", PartitionValues=["2025", "2"])
answer = glue.call("BatchDeletePartition", DatabaseName="lake", TableName="sales",
                   PartitionsToDelete=[{"Values": ["2025", "1"]}, {"Values": ["2025", "2"]}])
assert [e["PartitionValues"] for e in answer["Errors"]] == [["2025", "2"]], answer
assert len(glue.call("GetPartitions", DatabaseName="lake", TableName="sales")["Partitions"]) == 6
assert glue.call("GetPartitionIndexes", DatabaseName="lake", TableName="sales").get("PartitionIndexDescriptorList", []) == []

# ---- connections and crawlers
step("crawler")
connection = {"Name": "shop", "ConnectionType": "JDBC", "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:sqlite:" + os.path.join(data, "shop.db")}}
glue.call("CreateConnection", ConnectionInput=connection)
assert glue.call("GetConnection", Name="shop")["Connection"]["ConnectionProperties"]["JDBC_CONNECTION_URL"].endswith("shop.db")
assert [c["Name"] for c in glue.call("GetConnections")["ConnectionList"]] == ["shop"]
fails("InvalidInputException", "CreateConnection", ConnectionInput=dict(connection, Name="secret",
      ConnectionProperties={"JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/shop", "USERNAME": "etl", "PASSWORD": "hunter2"}))
glue.call("UpdateConnection", Name="shop", ConnectionInput=dict(connection, Description="the shop"))
assert glue.call("GetConnection", Name="shop")["Connection"]["Description"] == "the shop"
targets = {"S3Targets": [{"Path": os.path.join(data, "flights"), "Exclusions": ["**/_SUCCESS", "**.tmp"]}],
           "JdbcTargets": [{"ConnectionName": "shop", "Path": "%"}]}
glue.call("CreateCrawler", Name="nightly", Role="glint", DatabaseName="lake", Targets=targets, TablePrefix="raw_",
          SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"}, Tags={"team": "data"})
fails("AlreadyExistsException", "CreateCrawler", Name="nightly", Role="glint", DatabaseName="lake", Targets=targets)
fails("InvalidInputException", "CreateCrawler", Name="other", Role="glint", DatabaseName="lake",
      Targets={"JdbcTargets": [{"ConnectionName": "nope", "Path": "%"}]})
crawler = glue.call("GetCrawler", Name="nightly")["Crawler"]
assert crawler["State"] == "READY" and "LastCrawl" not in crawler and crawler["TablePrefix"] == "raw_", crawler
fails("CrawlerNotRunningException", "StopCrawler", Name="nightly")
glue.call("StartCrawler", Name="nightly")
def crawl_ended():
    c = glue.call("GetCrawler", Name="nightly")["Crawler"]
    return c.get("LastCrawl") if c["State"] == "READY" else None
last = wait("the crawl to end", crawl_ended)
assert last["Status"] == "SUCCEEDED", last
tables = {t["Name"]: t for t in glue.call("GetTables", DatabaseName="lake", Expression="raw_.*")["TableList"]}
assert "raw_flights" in tables and any(n.startswith("raw_") and "customers" in n for n in tables), sorted(tables)
assert [k["Name"] for k in tables["raw_flights"]["PartitionKeys"]] == ["year", "month"], tables["raw_flights"]
assert len(glue.call("GetPartitions", DatabaseName="lake", TableName="raw_flights")["Partitions"]) == 3
crawls = glue.call("ListCrawls", CrawlerName="nightly")["Crawls"]
assert [c["State"] for c in crawls] == ["COMPLETED"], crawls
metrics = glue.call("GetCrawlerMetrics", CrawlerNameList=["nightly"])["CrawlerMetricsList"]
assert metrics[0]["CrawlerName"] == "nightly" and metrics[0]["TablesCreated"] >= 2, metrics
assert "nightly" in glue.call("ListCrawlers")["CrawlerNames"]
assert [c["Name"] for c in glue.call("GetCrawlers")["Crawlers"]] == ["nightly"]
flights = {"Role": "glint", "Command": {"Name": "glueetl", "ScriptLocation": os.path.join(data, "flights.yaml")},
           "DefaultArguments": {"--output": os.path.join(data, "flights-out")}}
glue.call("CreateJob", Name="flights", **flights)
done_flights = glue.call("StartJobRun", JobName="flights")["JobRunId"]
glue.call("UpdateCrawler", Name="nightly", TablePrefix="raw2_")
assert glue.call("GetCrawler", Name="nightly")["Crawler"]["TablePrefix"] == "raw2_"
fails("EntityNotFoundException", "StartCrawler", Name="nope")

# ---- a bookmarked job whose script is a Glint job spec
step("jobs")
job = {"Role": "glint", "Command": {"Name": "glueetl", "ScriptLocation": os.path.join(data, "job.yaml")},
       "DefaultArguments": {"--input": os.path.join(data, "events"), "--min": "0"}, "WorkerType": "G.1X", "NumberOfWorkers": 2,
       "MaxRetries": 0, "Timeout": 10, "ExecutionProperty": {"MaxConcurrentRuns": 1}}
glue.call("CreateJob", Name="incremental", Tags={"team": "data"}, **job)
fails("AlreadyExistsException", "CreateJob", Name="incremental", **job)
fails("InvalidInputException", "CreateJob", Name="pyspark", **dict(job, Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/etl.py"}))
got = glue.call("GetJob", JobName="incremental")["Job"]
assert (got["Command"]["ScriptLocation"], got["WorkerType"], got["NumberOfWorkers"], got["MaxRetries"]) == (job["Command"]["ScriptLocation"], "G.1X", 2, 0), got
assert got["ExecutionProperty"]["MaxConcurrentRuns"] == 1
glue.call("UpdateJob", JobName="incremental", JobUpdate=dict(job, Description="events above a minimum"))
assert glue.call("GetJob", JobName="incremental")["Job"]["Description"] == "events above a minimum"
assert sorted(j["Name"] for j in glue.call("GetJobs")["Jobs"]) == ["flights", "incremental"]
assert glue.call("ListJobs", Tags={"team": "data"})["JobNames"] == ["incremental"]
assert glue.call("ListJobs", Tags={"team": "web"})["JobNames"] == []
answer = glue.call("BatchGetJobs", JobNames=["incremental", "missing"])
assert [j["Name"] for j in answer["Jobs"]] == ["incremental"] and answer["JobsNotFound"] == ["missing"], answer
fails("EntityNotFoundException", "StartJobRun", JobName="missing")
fails("EntityNotFoundException", "GetJobBookmark", JobName="incremental")

def run_to_end(job_name, run_id, seconds=180):
    def probe():
        r = glue.call("GetJobRun", JobName=job_name, RunId=run_id)["JobRun"]
        return r if r["JobRunState"] in ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR") else None
    return wait(f"run {run_id}", probe, seconds)

arguments = {"--output": os.path.join(data, "out"), "--job-bookmark-option": "job-bookmark-enable"}
first = glue.call("StartJobRun", JobName="incremental", Arguments=arguments)["JobRunId"]
done = run_to_end("incremental", first)
assert done["JobRunState"] == "SUCCEEDED", done
assert done["DPUSeconds"] > 0 and done["Attempt"] == 0 and done["Arguments"]["--output"] == arguments["--output"], done
bookmark = glue.call("GetJobBookmark", JobName="incremental")["JobBookmarkEntry"]
assert bookmark["JobName"] == "incremental" and bookmark["RunId"] == first, bookmark
for name in sorted(os.listdir(os.path.join(data, "staged"))):
    shutil.move(os.path.join(data, "staged", name), os.path.join(data, "events", name))
second = glue.call("StartJobRun", JobName="incremental", Arguments=arguments)["JobRunId"]
done = run_to_end("incremental", second)
assert done["JobRunState"] == "SUCCEEDED", done
assert {r["Id"] for r in glue.call("GetJobRuns", JobName="incremental")["JobRuns"]} == {first, second}
assert glue.call("GetJobBookmark", JobName="incremental")["JobBookmarkEntry"]["RunId"] == second
entry = glue.call("ResetJobBookmark", JobName="incremental", RunId=first)["JobBookmarkEntry"]
assert entry["RunId"] == first, entry
glue.call("ResetJobBookmark", JobName="incremental")
fails("EntityNotFoundException", "GetJobBookmark", JobName="incremental")
fails("EntityNotFoundException", "GetJobRun", JobName="incremental", RunId="run-20200101-000000-000000")

done = run_to_end("flights", done_flights)
assert done["JobRunState"] == "SUCCEEDED", done
glue.call("DeleteJob", JobName="flights")

# ---- a long run, stopped; a second start while it runs is refused
step("stop")
glue.call("CreateJob", Name="slow", **dict(job, Command={"Name": "glueetl", "ScriptLocation": os.path.join(data, "slow.yaml")},
                                            DefaultArguments={"--input": os.path.join(data, "events"), "--output": os.path.join(data, "slow-out")}))
slow = glue.call("StartJobRun", JobName="slow")["JobRunId"]
wait("the slow run to run", lambda: True if glue.call("GetJobRun", JobName="slow", RunId=slow)["JobRun"]["JobRunState"] == "RUNNING" else None)
fails("ConcurrentRunsExceededException", "StartJobRun", JobName="slow")
answer = glue.call("BatchStopJobRun", JobName="slow", JobRunIds=[slow, "run-20200101-000000-000000"])
assert [s["JobRunId"] for s in answer["SuccessfulSubmissions"]] == [slow] and len(answer["Errors"]) == 1, answer
done = run_to_end("slow", slow)
assert done["JobRunState"] == "STOPPED", done
assert not os.path.exists(os.path.join(data, "slow-out")) or os.listdir(os.path.join(data, "slow-out")) == [], "a stopped run wrote its target"
answer = glue.call("BatchStopJobRun", JobName="slow", JobRunIds=[slow])
assert answer["SuccessfulSubmissions"] == [] and len(answer["Errors"]) == 1, answer

# ---- tags
step("tags")
arn = f"arn:aws:glue:eu-west-1:123456789012:job/incremental"
assert glue.call("GetTags", ResourceArn=arn)["Tags"] == {"team": "data"}
glue.call("TagResource", ResourceArn=arn, TagsToAdd={"tier": "silver"})
assert glue.call("GetTags", ResourceArn=arn)["Tags"] == {"team": "data", "tier": "silver"}
glue.call("UntagResource", ResourceArn=arn, TagsToRemove=["team"])
assert glue.call("GetTags", ResourceArn=arn)["Tags"] == {"tier": "silver"}
assert glue.call("GetTags", ResourceArn="arn:aws:glue:eu-west-1:123456789012:crawler/nightly")["Tags"] == {"team": "data"}
fails("EntityNotFoundException", "GetTags", ResourceArn="arn:aws:glue:eu-west-1:123456789012:job/missing")
fails("InvalidInputException", "GetTags", ResourceArn="not-an-arn")

# ---- deleting; what is gone answers EntityNotFoundException, and deleting a job twice is fine (as Glue)
step("delete")
glue.call("DeleteJob", JobName="slow")
glue.call("DeleteJob", JobName="slow")
fails("EntityNotFoundException", "GetJob", JobName="slow")
glue.call("DeleteCrawler", Name="nightly")
fails("EntityNotFoundException", "GetCrawler", Name="nightly")
glue.call("DeleteConnection", ConnectionName="shop")
fails("EntityNotFoundException", "DeleteConnection", ConnectionName="shop")
glue.call("DeleteTable", DatabaseName="lake", Name="sales")
fails("EntityNotFoundException", "GetTable", DatabaseName="lake", Name="sales")
print(f"DONE {len(steps)} steps, {glue.checked} answers checked", flush=True)
