using System.Globalization;
using System.Text;

namespace MmReplay.Oracle;

/// <summary>
/// Builds the guest's initramfs: /init (the embedded script), /bin/busybox (static), /mmoracle (the runtime)
/// and /traces/NNN.ops, one op list per trace, run in file-name order.
/// </summary>
public static class InitramfsBuilder
{
    public static string OpListName(int index) => $"/traces/{index.ToString("D4", CultureInfo.InvariantCulture)}.ops";

    public static void Write(string path, string busybox, string runtime, IReadOnlyList<OpList> opLists)
    {
        ArgumentNullException.ThrowIfNull(opLists);
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            var archive = new CpioArchive(stream);
            archive.AddDirectory("bin");
            archive.AddDirectory("traces");
            archive.AddFile("init", GuestRuntime.InitScript, executable: true);
            archive.AddFile("bin/busybox", File.ReadAllBytes(busybox), executable: true);
            archive.AddFile("mmoracle", File.ReadAllBytes(runtime), executable: true);
            for (int i = 0; i < opLists.Count; i++)
                archive.AddFile(OpListName(i)[1..], Encoding.UTF8.GetBytes(opLists[i].ToText()), executable: false);
            archive.Finish();
        }
        File.Move(temporary, path, overwrite: true);
    }
}
