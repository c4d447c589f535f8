namespace Glint.Plan;

// What a shuffle's map task adds to its rows: the bucket column its output is partitioned by.

/// <summary>Adds the bucket column a shuffle's map task partitions its output by.</summary>
internal sealed record BucketOp(string Expression) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT *, CAST({Expression} AS INTEGER) AS {ShuffleSink.BucketColumn} FROM {input}";
    public override string Describe() => $"bucket = {Expression}";
}
