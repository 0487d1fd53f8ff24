namespace MmReplay.Ingest;

/// <summary>Every <c>key=</c> of the args column, one bit each, so an op's allowed and required keys are masks.</summary>
[Flags]
public enum ArgKeys : uint
{
    None = 0,
    Prot = 1u << 0,
    Map = 1u << 1,
    Backing = 1u << 2,
    File = 1u << 3,
    PgOff = 1u << 4,
    Fs = 1u << 5,
    Flags = 1u << 6,
    Advice = 1u << 7,
    To = 1u << 8,
    NewLen = 1u << 9,
    Value = 1u << 10,
    Access = 1u << 11,
    ErrorCode = 1u << 12,
    Child = 1u << 13,
    Type = 1u << 14,
    Enable = 1u << 15,
    Async = 1u << 16,
    Want = 1u << 17,
    Clear = 1u << 18,
    First = 1u << 19,
    Nr = 1u << 20,
    Dev = 1u << 21,
    Kind = 1u << 22,
    WithPid = 1u << 23,
    WithAddr = 1u << 24,
    Reason = 1u << 25,
    Pages = 1u << 26,
    Call = 1u << 27,
    Event = 1u << 28,
}
