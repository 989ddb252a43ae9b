using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace KubeRunner.Agent.Tests.Actions;

/// <summary>Builds .tar.gz archives entry by entry, including ones no honest server would send.</summary>
internal sealed class TestArchive
{
    private readonly List<PaxTarEntry> _entries = [];

    public TestArchive Directory(string name)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101 });
        return this;
    }

    public TestArchive File(string name, string text, UnixFileMode mode = (UnixFileMode)0b110_100_100)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        return this;
    }

    public TestArchive Link(string name, string target, TarEntryType type = TarEntryType.SymbolicLink)
    {
        _entries.Add(new PaxTarEntry(type, name) { LinkName = target });
        return this;
    }

    /// <summary>The archive; <paramref name="withEndMarker"/> false leaves out tar's closing zero blocks.</summary>
    public byte[] ToTarGz(bool withEndMarker = true)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            _entries.ForEach(writer.WriteEntry);
        }

        // TarWriter writes the two zero blocks when disposed; cutting them off mimics an archive that stopped at an entry boundary.
        var bytes = withEndMarker ? tar.ToArray() : tar.ToArray()[..^1024];
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return compressed.ToArray();
    }
}
