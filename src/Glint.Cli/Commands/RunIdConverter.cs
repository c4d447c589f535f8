using System.ComponentModel;
using System.Globalization;
using Glint.Common;

namespace Glint.Cli.Commands;

/// <summary>Reads a run id argument or option (as <c>glint runs</c> prints them) into a <see cref="RunId"/>; blank is refused.</summary>
public sealed class RunIdConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        RunId.TryParse(value as string, out var id) ? id
            : throw new ConfigException("run-id", "a run id is needed, as glint runs lists them (e.g. run-20261125-101500-1a2b3c)");
}
