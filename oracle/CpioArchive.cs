using System.Globalization;
using System.Text;

namespace MmReplay.Oracle;

/// <summary>
/// Writes a cpio "newc" archive, the format the kernel unpacks as an initramfs: per entry a 110-byte ASCII
/// header (magic 070701 and 13 eight-digit hex fields), the NUL-terminated name and the data, each padded to
/// 4 bytes; a TRAILER!!! entry ends it. Written here so no staging folder or external tool is needed.
/// </summary>
public sealed class CpioArchive
{
    private const int DirectoryMode = 0x4000 | 0x1ed; // S_IFDIR | 0755
    private const int FileMode = 0x8000;              // S_IFREG
    private readonly Stream output;
    private int inode = 1;

    public CpioArchive(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        this.output = output;
    }

    public void AddDirectory(string name) => Add(name, DirectoryMode, ReadOnlySpan<byte>.Empty);

    public void AddFile(string name, ReadOnlySpan<byte> data, bool executable) =>
        Add(name, FileMode | (executable ? 0x1ed : 0x1a4), data);

    /// <summary>Writes the trailer; the archive is complete after this.</summary>
    public void Finish() => Add("TRAILER!!!", 0, ReadOnlySpan<byte>.Empty);

    private void Add(string name, int mode, ReadOnlySpan<byte> data)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        var header = new StringBuilder("070701", 110);
        int nlink = (mode & 0x4000) != 0 ? 2 : 1;
        int[] fields = [inode++, mode, 0, 0, nlink, 0, data.Length, 0, 0, 0, 0, nameBytes.Length, 0];
        foreach (int field in fields)
            header.Append(field.ToString("x8", CultureInfo.InvariantCulture));
        output.Write(Encoding.ASCII.GetBytes(header.ToString()));
        output.Write(nameBytes);
        Pad(110 + nameBytes.Length);
        output.Write(data);
        Pad(data.Length);
    }

    private void Pad(int length)
    {
        int padding = (4 - length % 4) % 4;
        for (int i = 0; i < padding; i++)
            output.WriteByte(0);
    }
}
