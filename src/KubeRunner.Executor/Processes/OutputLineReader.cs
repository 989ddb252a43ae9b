using System.Runtime.CompilerServices;

namespace KubeRunner.Executor.Processes;

/// <summary>
/// Splits a step's output into log lines: '\n' ends a line and a '\r' before it is dropped;
/// invalid UTF-8 and NUL become '?'; a line longer than the maximum comes out in consecutive
/// pieces of at most that many characters; a last line without '\n' comes out at end of stream.
/// </summary>
internal sealed class OutputLineReader
{
    private const int ReadSize = 64 * 1024;

    // Room in front of each read for the start of a UTF-8 sequence cut by the previous one.
    private const int CarryRoom = 4;

    private readonly Stream _stream;
    private readonly int _maxLineChars;

    public OutputLineReader(Stream stream, int maxLineChars = 65536)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineChars, 2);
        _stream = stream;
        _maxLineChars = maxLineChars;
    }

    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var decoder = new LineDecoder(_maxLineChars);
        var buffer = new byte[CarryRoom + ReadSize];
        var lines = new List<string>();
        var carry = 0;
        while (true)
        {
            var count = await _stream.ReadAsync(buffer.AsMemory(carry, ReadSize), ct);
            if (count == 0)
            {
                break;
            }

            var used = decoder.Append(buffer.AsSpan(0, carry + count), lines);
            carry = carry + count - used;
            buffer.AsSpan(used, carry).CopyTo(buffer);
            foreach (var line in lines)
            {
                yield return line;
            }

            lines.Clear();
        }

        decoder.Finish(buffer.AsSpan(0, carry), lines);
        foreach (var line in lines)
        {
            yield return line;
        }
    }
}
