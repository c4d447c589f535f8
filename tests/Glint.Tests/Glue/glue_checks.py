"""Single checks of Glint's Glue endpoint through boto3: paging, what is not echoed, unknown operations, signatures, runs across a crash.

Usage: glue_checks.py <check> <endpoint> <data folder> [access key] [secret key]; prints OK (and, for start-slow, the run id).
"""
import os
import sys
import time

import boto3
import botocore.exceptions

from glue_clients import Boto3Client, GlueCallError

check, endpoint, data = sys.argv[1], sys.argv[2], sys.argv[3]
glue = Boto3Client(endpoint)
if len(sys.argv) > 5:
    glue.client = boto3.client("glue", endpoint_url=endpoint, region_name="eu-west-1", aws_access_key_id=sys.argv[4], aws_secret_access_key=sys.argv[5])
    glue.client.meta.events.register("after-call.glue", glue._check)


def paging():
    for i in range(7):
        glue.call("CreateDatabase", DatabaseInput={"Name": f"db{i}"})
    pages, token = [], None
    while True:
        page = glue.call("GetDatabases", MaxResults=3, **({"NextToken": token} if token else {}))
        pages.append([d["Name"] for d in page["DatabaseList"]])
        token = page.get("NextToken")
        if not token:
            break
    assert [len(p) for p in pages] == [3, 3, 1], pages
    assert sorted(n for p in pages for n in p) == [f"db{i}" for i in range(7)], pages
    everything = [d["Name"] for page in glue.client.get_paginator("get_databases").paginate(PaginationConfig={"PageSize": 2}) for d in page["DatabaseList"]]
    assert sorted(everything) == [f"db{i}" for i in range(7)], everything
    # Nothing the client did not set comes back (Terraform would see it as drift).
    db = glue.call("GetDatabase", Name="db0")["Database"]
    assert set(db) == {"Name", "CreateTime", "CatalogId"}, db
    try:
        glue.call("GetDatabases", MaxResults=0)
        raise AssertionError("MaxResults=0 was accepted")
    except GlueCallError as e:
        assert e.code == "InvalidInputException", e
    except botocore.exceptions.ParamValidationError:
        pass
    try:
        glue.call("GetDatabases", NextToken="not-a-token")
        raise AssertionError("a made-up NextToken was accepted")
    except GlueCallError as e:
        assert e.code == "InvalidInputException", e


def unknown():
    try:
        glue.client.get_dev_endpoints()
        raise AssertionError("GetDevEndpoints succeeded")
    except botocore.exceptions.ClientError as e:
        meta = e.response["ResponseMetadata"]
        assert e.response["Error"]["Code"] == "UnknownOperationException", e.response
        assert meta["HTTPStatusCode"] == 400 and meta["RetryAttempts"] == 0, meta


def signed():
    glue.call("CreateDatabase", DatabaseInput={"Name": "signed"})
    assert glue.call("GetDatabase", Name="signed")["Database"]["Name"] == "signed"


def refused(code):
    try:
        glue.call("GetDatabases")
        raise AssertionError("a request with the wrong credentials was answered")
    except GlueCallError as e:
        assert e.code == code, e


def start_slow():
    glue.call("CreateJob", Name="slow", Role="glint", Command={"Name": "glueetl", "ScriptLocation": os.path.join(data, "slow.yaml")},
              DefaultArguments={"--input": os.path.join(data, "events"), "--output": os.path.join(data, "slow-out")})
    run = glue.call("StartJobRun", JobName="slow")["JobRunId"]
    deadline = time.time() + 60
    while glue.call("GetJobRun", JobName="slow", RunId=run)["JobRun"]["JobRunState"] != "RUNNING":
        assert time.time() < deadline, "the slow run did not start running"
        time.sleep(0.2)
    print(run)


def after_crash(run):
    deadline = time.time() + 60
    while (state := glue.call("GetJobRun", JobName="slow", RunId=run)["JobRun"])["JobRunState"] == "RUNNING":
        assert time.time() < deadline, "the run of the killed server is still RUNNING"
        time.sleep(0.5)
    # Failed by the lease that lapsed, or by recovery when the killed run had begun its commit journal: both leave nothing behind.
    assert state["JobRunState"] == "FAILED" and ("stopped" in state["ErrorMessage"] or "ended before its commit" in state["ErrorMessage"]), state
    assert not os.path.exists(os.path.join(data, "slow-out")) or os.listdir(os.path.join(data, "slow-out")) == [], "the killed run left output"
    # The dead run no longer counts against MaxConcurrentRuns.
    again = glue.call("StartJobRun", JobName="slow")["JobRunId"]
    glue.call("BatchStopJobRun", JobName="slow", JobRunIds=[again])


if check == "paging":
    paging()
elif check == "unknown":
    unknown()
elif check == "signed":
    signed()
elif check.startswith("refused:"):
    refused(check.split(":", 1)[1])
elif check == "start-slow":
    start_slow()
elif check.startswith("after-crash:"):
    after_crash(check.split(":", 1)[1])
else:
    raise SystemExit(f"unknown check {check}")
print("OK")
