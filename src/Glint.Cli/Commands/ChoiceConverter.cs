using System.ComponentModel;
using System.Globalization;
using Glint.Common;

namespace Glint.Cli.Commands;

/// <summary>Reads an option naming one value of an enum, in any case; anything else is refused with the values spelt as users type them.</summary>
public sealed class ChoiceConverter<T> : TypeConverter where T : struct, Enum
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        Enum.TryParse<T>(value as string, ignoreCase: true, out var choice) && Enum.IsDefined(choice) && !int.TryParse(value as string, out _)
            ? choice
            : throw new ConfigException(typeof(T).Name, $"{Words(typeof(T).Name)}: expected one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, not '{value}'");

    private static string Words(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? $" {char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));
}
