namespace Glint.Web.Glue;

/// <summary>Every Glue operation the endpoint implements, registered by area; any other target is an UnknownOperationException (a 400).</summary>
internal static class GlueOperations
{
    public static void Register(GlueService service)
    {
        DatabaseOperations.Register(service);
        TableOperations.Register(service);
        PartitionOperations.Register(service);
        JobOperations.Register(service);
        JobRunOperations.Register(service);
        CrawlerOperations.Register(service);
        ConnectionOperations.Register(service);
        TagOperations.Register(service);
        DataQualityOperations.Register(service);
    }
}
