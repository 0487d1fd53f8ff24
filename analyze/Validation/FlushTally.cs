using System.Globalization;
using System.Text;
using MmReplay.Ingest;

namespace MmReplay.Analyze.Validation;

/// <summary>
/// The non-task-switch TLB flush events of one op group, recorded or predicted: page counts of the local flushes and
/// of the IPI sends (order-free: compared sorted), and the number of remote shootdowns.
/// </summary>
public sealed class FlushTally
{
    private readonly List<long> _local = [];
    private readonly List<long> _ipiSends = [];

    public IReadOnlyList<long> LocalPages => _local;

    public IReadOnlyList<long> IpiSendPages => _ipiSends;

    public int RemoteShootdowns { get; private set; }

    public bool IsEmpty => _local.Count == 0 && _ipiSends.Count == 0 && RemoteShootdowns == 0;

    public void Add(TlbFlushReason reason, long pages)
    {
        switch (reason)
        {
            case TlbFlushReason.LocalShootdown or TlbFlushReason.LocalMmShootdown:
                Insert(_local, pages);
                break;
            case TlbFlushReason.RemoteSendIpi:
                Insert(_ipiSends, pages);
                break;
            case TlbFlushReason.RemoteShootdown or TlbFlushReason.RemoteWrongCpu:
                RemoteShootdowns++;
                break;
        }
    }

    public bool SameLocal(FlushTally other) => _local.SequenceEqual(other._local);

    public bool SameRemote(FlushTally other) => RemoteShootdowns == other.RemoteShootdowns && _ipiSends.SequenceEqual(other._ipiSends);

    /// <summary>Page counts as text, e.g. "-1,1,1" (sorted; empty when none).</summary>
    public static string Format(IReadOnlyList<long> pages)
    {
        var b = new StringBuilder();
        foreach (var p in pages)
        {
            if (b.Length > 0)
            {
                b.Append(',');
            }

            b.Append(p.ToString(CultureInfo.InvariantCulture));
        }

        return b.ToString();
    }

    /// <summary>Keeps the list sorted so two tallies compare as multisets.</summary>
    private static void Insert(List<long> list, long pages)
    {
        var at = list.BinarySearch(pages);
        list.Insert(at < 0 ? ~at : at, pages);
    }
}
