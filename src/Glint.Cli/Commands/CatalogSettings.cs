using System.ComponentModel;
using Glint.Catalog;
using Glint.Execution;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary>The option every catalog command takes: which metastore.</summary>
public class CatalogSettings : CommandSettings
{
    [CommandOption("--metastore <LOCATION>")]
    [Description("A SQLite file or a PostgreSQL connection string (Host=…;Database=…); default $GLINT_METASTORE, else $GLINT_HOME/metastore.db.")]
    public string? Metastore { get; init; }

    public IMetastore Open() => Metastores.Open(Metastore, SessionOptions.DefaultHome());
}
