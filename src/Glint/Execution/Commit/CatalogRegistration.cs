using Glint.Common;
using Glint.Storage;

namespace Glint.Execution.Commit;

/// <summary>A catalog table a run writes: created or evolved, and its partitions registered, once the run's commit is published.</summary>
internal sealed record CatalogRegistration(WriteTarget Target, Schema Schema);
