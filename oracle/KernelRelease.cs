using System.Globalization;

namespace MmReplay.Oracle;

/// <summary>The major.minor of a kernel release string such as <c>6.1.0-56-amd64</c>.</summary>
public readonly record struct KernelRelease(int Major, int Minor) : IComparable<KernelRelease>
{
    public static bool TryParse(string? release, out KernelRelease value)
    {
        value = default;
        if (string.IsNullOrEmpty(release))
            return false;
        string[] parts = release.Split('.', '-', '+');
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
            return false;
        value = new KernelRelease(major, minor);
        return true;
    }

    public int CompareTo(KernelRelease other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(KernelRelease a, KernelRelease b) => a.CompareTo(b) < 0;
    public static bool operator >(KernelRelease a, KernelRelease b) => a.CompareTo(b) > 0;
    public static bool operator <=(KernelRelease a, KernelRelease b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KernelRelease a, KernelRelease b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
