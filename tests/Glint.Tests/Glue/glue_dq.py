"""Glue Data Quality through boto3 against Glint's endpoint: rulesets, an evaluation run on a catalog table with a reference, results.

Usage: glue_dq.py <endpoint> <data folder>. The data folder holds orders/ and customers/ (Parquet) prepared by the test. Prints each rule's
result as "RULE <result> <metric>=<value> ... | <description>" and DONE at the end; the test compares the metrics with DuckDB.
"""
import os
import sys
import time

from glue_clients import GlueCallError, client

endpoint, data = sys.argv[1], sys.argv[2]
glue = client("boto3", endpoint)


def fails(code, operation, **params):
    try:
        glue.call(operation, **params)
    except GlueCallError as e:
        assert e.code == code, f"{operation} answered {e.code}, expected {code}: {e}"
        return str(e)
    raise AssertionError(f"{operation} succeeded, expected {code}")


parquet = {"InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
           "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}
glue.call("CreateDatabase", DatabaseInput={"Name": "dq"})
glue.call("CreateTable", DatabaseName="dq", TableInput={"Name": "orders", "TableType": "EXTERNAL_TABLE", "StorageDescriptor": dict(parquet,
          Location=os.path.join(data, "orders"), Columns=[{"Name": "id", "Type": "bigint"}, {"Name": "customer", "Type": "string"},
                                                           {"Name": "status", "Type": "string"}, {"Name": "amount", "Type": "double"}])})
glue.call("CreateTable", DatabaseName="dq", TableInput={"Name": "customers", "TableType": "EXTERNAL_TABLE", "StorageDescriptor": dict(parquet,
          Location=os.path.join(data, "customers"), Columns=[{"Name": "customer", "Type": "string"}])})

rules = """Rules = [
    RowCount > 0,
    IsComplete "id",
    IsUnique "id",
    Completeness "customer" >= 0.95,
    ColumnValues "status" in ["new", "paid", "shipped"],
    Mean "amount" between 0 and 1000,
    ReferentialIntegrity "customer" "customers.customer" >= 0.9
]
Analyzers = [ DistinctValuesCount "status" ]"""
target = {"DatabaseName": "dq", "TableName": "orders"}
assert glue.call("CreateDataQualityRuleset", Name="orders-rules", Ruleset=rules, TargetTable=target, Description="orders checks")["Name"] == "orders-rules"
fails("AlreadyExistsException", "CreateDataQualityRuleset", Name="orders-rules", Ruleset=rules)
message = fails("InvalidInputException", "CreateDataQualityRuleset", Name="bad", Ruleset="Rules = [ IsComplete ]")
assert "line 1, column 11" in message, message
fails("InvalidInputException", "CreateDataQualityRuleset", Name="nowhere", Ruleset=rules, TargetTable={"DatabaseName": "dq", "TableName": "nope"})
got = glue.call("GetDataQualityRuleset", Name="orders-rules")
assert got["Ruleset"] == rules and got["TargetTable"] == target and got["Description"] == "orders checks", got
listed = glue.call("ListDataQualityRulesets", Filter={"TargetTable": target})["Rulesets"]
assert [(r["Name"], r["RuleCount"]) for r in listed] == [("orders-rules", 7)], listed
assert glue.call("ListDataQualityRulesets", Filter={"TargetTable": {"DatabaseName": "dq", "TableName": "customers"}})["Rulesets"] == []
assert glue.call("UpdateDataQualityRuleset", Name="orders-rules", Description="orders, checked")["Description"] == "orders, checked"
fails("EntityNotFoundException", "GetDataQualityRuleset", Name="missing")

source = {"GlueTable": target}
fails("EntityNotFoundException", "StartDataQualityRulesetEvaluationRun", DataSource=source, Role="r", RulesetNames=["missing"])
fails("EntityNotFoundException", "StartDataQualityRulesetEvaluationRun", DataSource={"GlueTable": {"DatabaseName": "dq", "TableName": "nope"}},
      Role="r", RulesetNames=["orders-rules"])
run_id = glue.call("StartDataQualityRulesetEvaluationRun", DataSource=source, Role="arn:aws:iam::123456789012:role/dq", RulesetNames=["orders-rules"],
                   AdditionalDataSources={"customers": {"GlueTable": {"DatabaseName": "dq", "TableName": "customers"}}})["RunId"]
deadline = time.time() + 120
while True:
    run = glue.call("GetDataQualityRulesetEvaluationRun", RunId=run_id)
    if run["Status"] not in ("STARTING", "RUNNING"):
        break
    assert time.time() < deadline, "the evaluation run did not finish"
    time.sleep(0.3)
assert run["Status"] == "SUCCEEDED", run
assert len(run["ResultIds"]) == 1 and run["RulesetNames"] == ["orders-rules"], run
result = glue.call("GetDataQualityResult", ResultId=run["ResultIds"][0])
assert result["RulesetName"] == "orders-rules" and result["RulesetEvaluationRunId"] == run_id and result["DataSource"] == source, result
assert [r["Name"] for r in result["RuleResults"]] == [f"Rule_{i}" for i in range(1, 8)], result
for r in result["RuleResults"]:
    assert (r["Result"] == "PASS") == ("EvaluationMessage" not in r), r
    metrics = " ".join(f"{k}={v!r}" for k, v in sorted(r["EvaluatedMetrics"].items()))
    print(f"RULE {r['Result']} {metrics} | {r['Description']}", flush=True)
passed = sum(r["Result"] == "PASS" for r in result["RuleResults"])
assert abs(result["Score"] - passed / 7) < 1e-9, result
assert result["AnalyzerResults"][0]["EvaluatedMetrics"]["Column.status.DistinctValuesCount"] >= 1, result
batch = glue.call("BatchGetDataQualityResult", ResultIds=[run["ResultIds"][0], "dqresult-missing"])
assert [r["ResultId"] for r in batch["Results"]] == run["ResultIds"] and batch["ResultsNotFound"] == ["dqresult-missing"], batch
assert [r["ResultId"] for r in glue.call("ListDataQualityResults")["Results"]] == run["ResultIds"]
assert [r["RunId"] for r in glue.call("ListDataQualityRulesetEvaluationRuns")["Runs"]] == [run_id]
fails("EntityNotFoundException", "GetDataQualityResult", ResultId="dqresult-missing")
arn = "arn:aws:glue:us-east-1:123456789012:dataQualityRuleset/orders-rules"
glue.call("TagResource", ResourceArn=arn, TagsToAdd={"team": "orders"})
assert glue.call("GetTags", ResourceArn=arn)["Tags"] == {"team": "orders"}
glue.call("DeleteDataQualityRuleset", Name="orders-rules")
fails("EntityNotFoundException", "GetDataQualityRuleset", Name="orders-rules")
print("DONE", flush=True)
