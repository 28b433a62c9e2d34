using System.Buffers;
using System.Text;
using OpsConsole.Core.Shared.Csv;

namespace OpsConsole.Core.Etl;

/// <summary>
/// CSV written as UTF-8 straight into a buffer writer, for the records export: the text CsvHelper's writer gives with
/// its default configuration (comma, "\r\n", a field quoted when it holds a quote, comma, CR or LF or starts or ends
/// with a space; quotes doubled), byte for byte (<c>Utf8CsvWriterTests</c> compares the two), but from bytes as SQLite
/// hands them over. CsvHelper takes a string per field: a million rows made 13 million strings, and the server GC's
/// young generation grew to take them (ADR 0010, "Exporting in constant memory"). Text columns go through
/// <see cref="TextField(ReadOnlySpan{byte})"/>, which applies <see cref="CsvCells"/>' formula rule (ADR 0014).
/// </summary>
public ref struct Utf8CsvWriter(IBufferWriter<byte> output)
{
    private static readonly SearchValues<byte> NeedQuotes = SearchValues.Create(",\"\r\n"u8);
    private Span<byte> _buffer;
    private int _used;
    private bool _inRecord;

    /// <summary>A field the console formatted (a number, a date, an id) from its UTF-8 bytes; an empty span is an empty field (as null is).</summary>
    public void Field(scoped ReadOnlySpan<byte> utf8) => Write(utf8, escapeFormula: false);

    /// <summary>A text field (from outside the console) from its UTF-8 bytes, made inert when it starts like a formula.</summary>
    public void TextField(scoped ReadOnlySpan<byte> utf8) => Write(utf8, CsvCells.StartsLikeFormula(utf8));

    private void Write(scoped ReadOnlySpan<byte> utf8, bool escapeFormula)
    {
        // The escape goes in front of the text, so the field cannot start with a space; it still needs quotes as the text would.
        var quote = utf8.Length > 0 && (utf8.IndexOfAny(NeedQuotes) >= 0 || (!escapeFormula && utf8[0] == (byte)' ') || utf8[^1] == (byte)' ');
        var target = Reserve(utf8.Length * (quote ? 2 : 1) + 4);
        var n = 0;
        if (_inRecord)
        {
            target[n++] = (byte)',';
        }
        _inRecord = true;
        if (quote)
        {
            target[n++] = (byte)'"';
        }
        if (escapeFormula)
        {
            target[n++] = (byte)CsvCells.FormulaEscape;
        }
        if (!quote)
        {
            utf8.CopyTo(target[n..]);
            n += utf8.Length;
        }
        else
        {
            foreach (var b in utf8)
            {
                target[n++] = b;
                if (b == (byte)'"')
                {
                    target[n++] = b;
                }
            }
            target[n++] = (byte)'"';
        }
        _used += n;
    }

    /// <summary>A field the console formatted, from text (null is an empty field).</summary>
    public void Field(string? text) => Write(text, text: false);

    /// <summary>A text field from outside the console (null is an empty field), made inert when it starts like a formula.</summary>
    public void TextField(string? text) => Write(text, text: true);

    private void Write(string? value, bool text)
    {
        if (string.IsNullOrEmpty(value))
        {
            Field(ReadOnlySpan<byte>.Empty);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var utf8 = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var bytes = utf8[..Encoding.UTF8.GetBytes(value, utf8)];
            Write(bytes, text && CsvCells.StartsLikeFormula(bytes));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Ends the record with CsvHelper's default line ending.</summary>
    public void EndRecord()
    {
        var target = Reserve(2);
        target[0] = (byte)'\r';
        target[1] = (byte)'\n';
        _used += 2;
        _inRecord = false;
    }

    /// <summary>Hands everything written so far to the buffer writer.</summary>
    public void Flush()
    {
        if (_used > 0)
        {
            output.Advance(_used);
        }
        _used = 0;
        _buffer = default;
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _used < size)
        {
            Flush();
            _buffer = output.GetSpan(Math.Max(size, 4096));
        }
        return _buffer[_used..];
    }
}
