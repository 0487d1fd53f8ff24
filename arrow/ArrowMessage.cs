using MmReplay.Arrow.FlatBuffers;

namespace MmReplay.Arrow;

/// <summary>One framed IPC message: its header table and its body, with their absolute file offsets.</summary>
internal sealed record ArrowMessage(byte HeaderType, FbTableView Header, ReadOnlyMemory<byte> Body, long Offset, int MetadataLength, long BodyOffset);
