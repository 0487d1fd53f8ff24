using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Reads a record's text back from a plain trace file by its byte offset and length, for the rare reject whose text
/// was not kept (a row found out of time order only by the ordering stage, after parallel workers parsed it). This
/// spares the in-order scanning thread from splitting every row's fields just in case.
/// </summary>
public sealed class RawRecordReader(string path) : IDisposable
{
    private SafeFileHandle? _file;

    public string Read(long offset, int length)
    {
        _file ??= File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = RandomAccess.Read(_file, bytes.AsSpan(read), offset + read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Encoding.UTF8.GetString(bytes, 0, read);
    }

    public void Dispose() => _file?.Dispose();
}
