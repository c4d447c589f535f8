using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Catalog;

namespace Glint.Web.Glue;

/// <summary>
/// Partitions: Create/Get/GetPartitions (Expression: a condition on partition keys, evaluated over the metastore's values before any
/// file is touched)/BatchCreate/BatchGet/BatchUpdate/BatchDelete/Update/DeletePartition, and GetPartitionIndexes (Glint keeps none).
/// A batch applies every good entry and reports each bad one in Errors, as Glue does.
/// </summary>
internal static class PartitionOperations
{
    public static void Register(GlueService s)
    {
        s.Add("CreatePartition", r => { Create(s, Table(s, r), r.Item(r.Node("PartitionInput") ?? Missing(r, "PartitionInput"), "PartitionInput")); return []; });
        s.Add("BatchCreatePartition", r => BatchCreate(s, r));
        s.Add("GetPartition", r => Get(s, r));
        s.Add("GetPartitions", r => GetPartitions(s, r));
        s.Add("BatchGetPartition", r => BatchGet(s, r));
        s.Add("UpdatePartition", r => { Update(s, Table(s, r), r.Strings("PartitionValueList", required: true), r.Item(r.Node("PartitionInput") ?? Missing(r, "PartitionInput"), "PartitionInput")); return []; });
        s.Add("BatchUpdatePartition", r => BatchUpdate(s, r));
        s.Add("DeletePartition", r => { Delete(s, Table(s, r), r.Strings("PartitionValues", required: true)); return []; });
        s.Add("BatchDeletePartition", r => BatchDelete(s, r));
        s.Add("GetPartitionIndexes", r => { Table(s, r); return new JsonObject { ["PartitionIndexDescriptorList"] = new JsonArray() }; });
    }

    private static JsonNode Missing(GlueRequest r, string member) => throw GlueError.Invalid($"{r.Operation}: {member} is required");

    private static CatalogTable Table(GlueService s, GlueRequest r) => TableOperations.Require(s, r.Required("DatabaseName"), r.Required("TableName"));

    private static ImmutableArray<string?> Values(IEnumerable<string> values) => [.. values.Select(v => (string?)v)];

    private static CatalogPartition? Find(GlueService s, CatalogTable table, ImmutableArray<string?> values)
    {
        return s.Store.FindPartition(table.Database, table.Name, values);
    }

    private static void Create(GlueService s, CatalogTable table, GlueRequest input)
    {
        var partition = TableInputs.Partition(input, table);
        if (Find(s, table, partition.Values) is not null) throw GlueError.Exists($"Partition already exists: {string.Join(", ", partition.Values)}");
        s.Store.PutPartitions(table.Database, table.Name, [partition]);
    }

    private static void Update(GlueService s, CatalogTable table, List<string> values, GlueRequest input)
    {
        var old = Find(s, table, Values(values)) ?? throw GlueError.NotFound($"Partition not found: {string.Join(", ", values)}");
        var partition = TableInputs.Partition(input, table);
        s.Store.ReplacePartition(table.Database, table.Name, old.Values, partition);
    }

    private static void Delete(GlueService s, CatalogTable table, List<string> values)
    {
        if (Find(s, table, Values(values)) is null) throw GlueError.NotFound($"Partition not found: {string.Join(", ", values)}");
        s.Store.DeletePartitions(table.Database, table.Name, [Values(values)]);
    }

    private static JsonObject Get(GlueService s, GlueRequest r)
    {
        var table = Table(s, r);
        var values = r.Strings("PartitionValues", required: true);
        var partition = Find(s, table, Values(values)) ?? throw GlueError.NotFound($"Partition not found: {string.Join(", ", values)}");
        return new JsonObject { ["Partition"] = CatalogShapes.Partition(s, table, CatalogShapes.Table(s, table), partition) };
    }

    private static JsonObject GetPartitions(GlueService s, GlueRequest r)
    {
        var table = Table(s, r);
        var partitions = r.Text("Expression") is { Length: > 0 } expression
            ? CatalogSource.PartitionsWhere(s.Store, table, expression, "Expression")
            : s.Store.Partitions(table.Database, table.Name);
        var shape = CatalogShapes.Table(s, table);
        return GluePage.Write(r, partitions, p => CatalogShapes.Partition(s, table, shape, p), "Partitions", 1000);
    }

    private static JsonObject BatchGet(GlueService s, GlueRequest r)
    {
        var table = Table(s, r);
        var all = s.Store.Partitions(table.Database, table.Name).ToDictionary(p => p.Key);
        var shape = CatalogShapes.Table(s, table);
        var (found, missing) = (new JsonArray(), new JsonArray());
        foreach (var (node, i) in r.Array("PartitionsToGet", required: true, max: 1000).Select((n, i) => (n, i)))
        {
            var values = r.Item(node, $"PartitionsToGet[{i}]").Strings("Values", required: true);
            var key = new CatalogPartition(Values(values), "", 0, 0, null, "").Key;
            if (all.TryGetValue(key, out var p)) found.Add(CatalogShapes.Partition(s, table, shape, p));
            else missing.Add(new JsonObject { ["Values"] = GlueJson.Strings(values) });
        }
        return new JsonObject { ["Partitions"] = found, ["UnprocessedKeys"] = missing };
    }

    private static JsonObject BatchCreate(GlueService s, GlueRequest r)
    {
        var table = Table(s, r);
        var errors = new JsonArray();
        foreach (var (node, i) in r.Array("PartitionInputList", required: true, max: 100).Select((n, i) => (n, i)))
        {
            var input = r.Item(node, $"PartitionInputList[{i}]");
            Each(errors, "PartitionValues", () => input.Strings("Values"), () => Create(s, table, input));
        }
        return new JsonObject { ["Errors"] = errors };
    }

    private static JsonObject BatchUpdate(GlueService s, GlueRequest r)
    {
        var table = Table(s, r);
        var errors = new JsonArray();
        foreach (var (node, i) in r.Array("Entries", required: true, max: 100).Select((n, i) => (n, i)))
        {
            var entry = r.Item(node, $"Entries[{i}]");
            Each(errors, "PartitionValueList", () => entry.Strings("PartitionValueList", required: true),
                () => Update(s, table, entry.Strings("PartitionValueList", required: true), entry.Item(entry.Node("PartitionInput"), "PartitionInput")));
        }
        return new JsonObject { ["Errors"] = errors };
    }

    private static JsonObject BatchDelete(GlueService s, GlueRequest r)
    {
        var table = Table(s, r);
        var errors = new JsonArray();
        foreach (var (node, i) in r.Array("PartitionsToDelete", required: true, max: 25).Select((n, i) => (n, i)))
        {
            var item = r.Item(node, $"PartitionsToDelete[{i}]");
            Each(errors, "PartitionValues", () => item.Strings("Values", required: true), () => Delete(s, table, item.Strings("Values", required: true)));
        }
        return new JsonObject { ["Errors"] = errors };
    }

    /// <summary>Applies one batch entry; its failure becomes an entry of Errors naming its values, and the batch goes on.</summary>
    private static void Each(JsonArray errors, string member, Func<List<string>> values, Action apply)
    {
        if (GlueError.Attempt(apply) is not { } detail) return;
        List<string> named;
        try { named = values(); } catch (GlueError) { named = []; }
        errors.Add(new JsonObject { [member] = GlueJson.Strings(named), ["ErrorDetail"] = detail });
    }
}
