using System.Buffers.Binary;
using Glint.Common;

namespace Glint.Storage;

/// <summary>
/// Reads a Parquet file's row count straight from its footer: the last 8 bytes give the footer's
/// length, and the footer (Thrift compact protocol) holds <c>num_rows</c> as field 3 of FileMetaData.
/// Two small reads per file, where DuckDB's parquet_file_metadata parses every column's metadata.
/// </summary>
internal static class ParquetFooter
{
    private const int NumRowsField = 3;

    public static long RowCount(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
            Span<byte> tail = stackalloc byte[8];
            if (file.Length < 12) throw Malformed(path, "too short");
            file.Seek(-8, SeekOrigin.End);
            file.ReadExactly(tail);
            if (tail[4] != 'P' || tail[5] != 'A' || tail[6] != 'R' || tail[7] != '1') throw Malformed(path, "no PAR1 magic at the end");
            var length = BinaryPrimitives.ReadInt32LittleEndian(tail);
            if (length <= 0 || length > file.Length - 8) throw Malformed(path, "bad footer length");
            var footer = new byte[length];
            file.Seek(-8 - length, SeekOrigin.End);
            file.ReadExactly(footer);
            return new CompactReader(footer).FindI64Field(NumRowsField) ?? throw Malformed(path, "footer has no num_rows");
        }
        catch (Exception e) when (e is IndexOutOfRangeException or EndOfStreamException or ArgumentOutOfRangeException)
        {
            throw Malformed(path, "unreadable footer");
        }
    }

    private static SourceException Malformed(string path, string why) =>
        new(path, $"'{path}' is not a valid Parquet file ({why})");

    /// <summary>Just enough of Thrift's compact protocol to skip fields and read one i64.</summary>
    private ref struct CompactReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public long? FindI64Field(int wanted)
        {
            short id = 0;
            while (true)
            {
                var header = data[position++];
                var type = header & 0x0F;
                if (type == 0) return null;
                var delta = header >> 4;
                id = delta == 0 ? (short)ZigZag(Varint()) : (short)(id + delta);
                if (id == wanted && type == 6) return ZigZag(Varint());
                Skip(type);
            }
        }

        private void Skip(int type)
        {
            switch (type)
            {
                case 1 or 2: break;                          // booleans live in the header
                case 3: position++; break;                   // byte
                case 4 or 5 or 6: Varint(); break;           // i16, i32, i64
                case 7: position += 8; break;                // double
                case 8:                                      // binary / string
                {
                    var length = (int)Varint();              // read before adding: Varint moves position
                    position += length;
                    break;
                }
                case 9 or 10:                                // list, set
                {
                    var header = data[position++];
                    var size = header >> 4 == 15 ? (int)Varint() : header >> 4;
                    var element = header & 0x0F;
                    for (var i = 0; i < size; i++)
                        if (element is 1 or 2) position++; else Skip(element);
                    break;
                }
                case 11:                                     // map
                {
                    var size = (int)Varint();
                    if (size == 0) break;
                    var types = data[position++];
                    for (var i = 0; i < size; i++) { Skip(types >> 4); Skip(types & 0x0F); }
                    break;
                }
                case 12:                                     // struct
                {
                    while (true)
                    {
                        var header = data[position++];
                        if ((header & 0x0F) == 0) break;
                        if (header >> 4 == 0) Varint();
                        Skip(header & 0x0F);
                    }
                    break;
                }
                default: throw new IndexOutOfRangeException();
            }
        }

        private ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = data[position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new IndexOutOfRangeException();
        }

        private static long ZigZag(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);
    }
}
