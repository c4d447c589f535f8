using Glint.Common;

namespace Glint.Catalog;

/// <summary>Opens the metastore a setting names: a PostgreSQL connection string, or a SQLite file (default $GLINT_HOME/metastore.db).</summary>
public static class Metastores
{
    /// <summary>The environment variable that names the metastore when no option does.</summary>
    public const string Variable = "GLINT_METASTORE";

    public static IMetastore Open(string? location, string home)
    {
        location ??= Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(location)) location = Path.Combine(home, "metastore.db");
        try
        {
            if (Storage.Databases.DatabaseConnection.IsPostgres(location))
                // A postgresql:// URL as sources take it, or a key=value connection string.
                return new SqlMetastore(new PostgresDialect(Storage.Databases.DatabaseConnection.Parse(location).ConnectionString));
            var path = location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? location["sqlite:".Length..] : location;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return new SqlMetastore(new SqliteDialect(Path.GetFullPath(path)));
        }
        catch (Exception e) when (e is not GlintException)
        {
            throw new CatalogException("metastore", $"cannot open the metastore '{Redact(location)}': {e.Message}", e);
        }
    }

    /// <summary>A connection string without its password, for messages.</summary>
    public static string Redact(string location) => Storage.Databases.DatabaseConnection.Redact(location);
}
