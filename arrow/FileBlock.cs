namespace MmReplay.Arrow;

/// <summary>
/// Footer entry locating one message: <see cref="Offset"/> of its continuation marker, <see cref="MetadataLength"/>
/// including the 8-byte prefix and padding, then the body.
/// </summary>
internal readonly record struct FileBlock(long Offset, int MetadataLength, long BodyLength);
