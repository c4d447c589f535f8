using System.Collections.Immutable;
using DuckDB.NET.Data;
using Glint.Common;
using Glint.Engine;

namespace Glint.Plan;

/// <summary>
/// Checks SQL against a schema before any task runs: the step is rendered over an empty relation
/// of the input schema and described by DuckDB, so a wrong column or type fails at plan time.
/// </summary>
internal static class Binder
{
    /// <summary>An empty relation with exactly the columns and types of <paramref name="schema"/>.</summary>
    public static string EmptyRelation(Schema schema) =>
        "SELECT " + string.Join(", ", schema.Columns.Select(c => $"CAST(NULL AS {c.Type}) AS {Sql.Ident(c.Name)}")) + " LIMIT 0";

    /// <summary>The output schema of <paramref name="op"/> applied to a relation of <paramref name="input"/>'s schema.</summary>
    public static Schema Bind(Schema input, PhysicalOperator op, string context) =>
        // Described without a wrapping SELECT * so that duplicate output names stay visible (a wrapper renames them);
        // map_sql keeps its wrapper because the user's query may start with its own WITH.
        Describe(op is MapSqlOp
            ? $"WITH input AS ({EmptyRelation(input)}) SELECT * FROM ({op.Render("input")})"
            : $"WITH input AS ({EmptyRelation(input)}) {op.Render("input")}", context);

    public static Schema Describe(string query, string context)
    {
        try
        {
            var rows = DuckDbInstances.OnDriver(c => c.Query("DESCRIBE " + query));
            var columns = rows.Select(r => new Column((string)r[0]!, (string)r[1]!)).ToList();
            var duplicate = columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw new PlanException($"{context}: the result has two columns named '{duplicate.Key}'; give one an alias", duplicate.Key);
            return Schema.Of(columns);
        }
        catch (DuckDBException e)
        {
            throw new PlanException($"{context}: {DuckDbErrors.Explain(e)}", context, e);
        }
    }

    public static FilterNode Filter(LogicalNode input, string condition)
    {
        var context = $"filter '{condition}'";
        SqlInspector.CheckNarrow($"SELECT * FROM input WHERE ({condition})", context, expression: true);
        var result = Bind(input.Schema, new ProjectOp([$"({condition}) AS glint_condition"]), context);
        var type = result.Columns[0].Type;
        if (type != "BOOLEAN")
            throw new PlanException($"{context}: a filter must be a boolean condition, but this is {type}", condition);
        return new FilterNode(input, condition);
    }

    public static ProjectNode Project(LogicalNode input, ImmutableArray<string> expressions)
    {
        if (expressions.IsEmpty) throw new PlanException("select: give at least one column or expression");
        var context = $"select [{string.Join(", ", expressions)}]";
        foreach (var e in expressions)
            SqlInspector.CheckNarrow($"SELECT {e} FROM input", $"select '{e}'", expression: true);
        var schema = Bind(input.Schema, new ProjectOp(expressions), context);
        return new ProjectNode(input, expressions, schema);
    }

    public static WithColumnNode WithColumn(LogicalNode input, string name, string expression)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new PlanException("with_column: the new column needs a name");
        var context = $"with_column {name} = '{expression}'";
        SqlInspector.CheckNarrow($"SELECT {expression} FROM input", context, expression: true);
        var replaces = input.Schema.Find(name) is not null;
        var schema = Bind(input.Schema, new WithColumnOp(name, expression, replaces), context);
        return new WithColumnNode(input, name, expression, schema);
    }

    public static MapSqlNode MapSql(LogicalNode input, string query)
    {
        var context = $"map_sql '{Shorten(query)}'";
        SqlInspector.CheckNarrow(query, context, expression: false);
        var schema = Bind(input.Schema, new MapSqlOp(query), context);
        return new MapSqlNode(input, query, schema);
    }

    public static UnionNode Union(ImmutableArray<LogicalNode> inputs)
    {
        var first = inputs[0].Schema;
        foreach (var other in inputs.Skip(1))
            if (other.Schema.Columns.Length != first.Columns.Length)
                throw new PlanException(
                    $"union: inputs have {first.Columns.Length} and {other.Schema.Columns.Length} columns; union matches columns by position, so the counts must be equal ([{string.Join(", ", first.Names)}] vs [{string.Join(", ", other.Schema.Names)}])");
        // Let DuckDB pick each column's common supertype, as UNION ALL would.
        var query = string.Join(" UNION ALL ", inputs.Select(i => $"SELECT * FROM ({EmptyRelation(i.Schema)})"));
        var unified = Describe(query, "union");
        var output = Schema.Of(first.Columns.Select((c, i) => c with { Type = unified.Columns[i].Type }));
        return new UnionNode(inputs, output);
    }

    private static string Shorten(string sql)
    {
        var oneLine = sql.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 80 ? oneLine : oneLine[..77] + "...";
    }
}
