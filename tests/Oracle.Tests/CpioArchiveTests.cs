using System.Text;
using MmReplay.Oracle;

namespace MmReplay.Oracle.Tests;

public sealed class CpioArchiveTests
{
    [Fact]
    public void Newc_entry_has_the_header_name_and_data_padded_to_four_bytes()
    {
        using var stream = new MemoryStream();
        var archive = new CpioArchive(stream);
        archive.AddFile("ab", "xyz"u8, executable: true);
        archive.Finish();
        string text = Encoding.ASCII.GetString(stream.ToArray());

        // Fields: ino 1, mode 0x81ed (S_IFREG|0755), uid, gid, nlink 1, mtime, size 3, 4 device numbers,
        // namesize 3 ("ab\0"), check. 110 + 3 = 113 -> 3 padding bytes; data 3 -> 1 padding byte.
        string header = "070701" + "00000001" + "000081ed" + "00000000" + "00000000" + "00000001" + "00000000" +
                        "00000003" + "00000000" + "00000000" + "00000000" + "00000000" + "00000003" + "00000000";
        Assert.Equal(header + "ab\0" + "\0\0\0" + "xyz" + "\0", text[..120]);
        // The trailer: ino 2, mode 0, nlink 1 (a plain entry), size 0, namesize 11 ("TRAILER!!!\0").
        Assert.StartsWith("070701" + "00000002" + "00000000", text[120..]);
        Assert.Contains("TRAILER!!!\0", text[120..]);
        Assert.Equal(0, stream.Length % 4);
    }
}
