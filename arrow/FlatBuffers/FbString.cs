using System.Text;

namespace MmReplay.Arrow.FlatBuffers;

/// <summary>A FlatBuffers string: UTF-8 bytes (the serializer adds the length and the mandatory NUL).</summary>
internal sealed class FbString(string value) : FbNode
{
    public byte[] Utf8 { get; } = Encoding.UTF8.GetBytes(value);
}
