using System.Buffers;
using System.Text;

namespace KubeRunner.Executor.Processes;

/// <summary>
/// Turns bytes into log lines, one chunk at a time (the synchronous core of
/// <see cref="OutputLineReader"/>). Memory stays bounded by the longest piece.
/// </summary>
/// <remarks>
/// Invalid UTF-8 becomes '?' once per run of bad bytes, as Go's strings.ToValidUTF8(s, "?") does
/// in forgejo-runner; NUL becomes '?' too, because the forge stores log rows as text.
/// </remarks>
internal sealed class LineDecoder
{
    private readonly char[] _line;
    private int _length;
    private bool _pendingCr;
    private bool _afterInvalid;

    public LineDecoder(int maxLineChars)
    {
        // Two, so that a surrogate pair always fits in one piece.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineChars, 2);
        _line = new char[maxLineChars];
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/>, adding every completed line or piece to
    /// <paramref name="lines"/>.
    /// </summary>
    /// <returns>
    /// How many bytes were used; the rest (at most 3) is the start of a UTF-8 sequence that the
    /// next chunk completes, to be passed again in front of it.
    /// </returns>
    public int Append(ReadOnlySpan<byte> bytes, List<string> lines)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80)
            {
                i++;
                _afterInvalid = false;
                switch (b)
                {
                    case (byte)'\n':
                        EndLine(lines);
                        break;
                    case 0:
                        Put('?', lines);
                        break;
                    default:
                        Put((char)b, lines);
                        break;
                }

                continue;
            }

            var status = Rune.DecodeFromUtf8(bytes[i..], out var rune, out var consumed);
            if (status == OperationStatus.NeedMoreData)
            {
                return i;
            }

            if (status == OperationStatus.Done)
            {
                _afterInvalid = false;
                Put(rune, lines);
            }
            else
            {
                PutInvalid(lines);
            }

            i += consumed;
        }

        return i;
    }

    /// <summary>Ends the input: <paramref name="rest"/> is what <see cref="Append"/> left over.</summary>
    public void Finish(ReadOnlySpan<byte> rest, List<string> lines)
    {
        if (!rest.IsEmpty)
        {
            PutInvalid(lines);
        }

        if (_length > 0 || _pendingCr)
        {
            EndLine(lines);
        }
    }

    private void PutInvalid(List<string> lines)
    {
        if (!_afterInvalid)
        {
            Put('?', lines);
        }

        _afterInvalid = true;
    }

    private void Put(Rune rune, List<string> lines)
    {
        Span<char> chars = stackalloc char[2];
        var count = rune.EncodeToUtf16(chars);
        Put(chars[..count], lines);
    }

    private void Put(char c, List<string> lines)
    {
        // A '\r' is held back until the next character: dropped if that is the line's end.
        if (c == '\r' && !_pendingCr)
        {
            _pendingCr = true;
            return;
        }

        Put(new ReadOnlySpan<char>(in c), lines);
    }

    private void Put(ReadOnlySpan<char> chars, List<string> lines)
    {
        if (_pendingCr && !(chars.Length == 1 && chars[0] == '\r'))
        {
            _pendingCr = false;
            Store("\r", lines);
        }
        else if (_pendingCr)
        {
            // "\r\r": the first one is content, the second is held back in its place.
            Store("\r", lines);
            return;
        }

        Store(chars, lines);
    }

    private void Store(ReadOnlySpan<char> chars, List<string> lines)
    {
        // A full piece is emitted only when more text follows, so that a line of exactly the
        // maximum length is not followed by an empty piece.
        if (_length + chars.Length > _line.Length)
        {
            lines.Add(new string(_line, 0, _length));
            _length = 0;
        }

        chars.CopyTo(_line.AsSpan(_length));
        _length += chars.Length;
    }

    private void EndLine(List<string> lines)
    {
        _pendingCr = false;
        _afterInvalid = false;
        lines.Add(new string(_line, 0, _length));
        _length = 0;
    }
}
