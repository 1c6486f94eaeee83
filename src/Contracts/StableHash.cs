using System.Text;

namespace EasyHard.Contracts;

/// <summary>
/// Hashes of sample ids that every process and run agree on (unlike <see cref="string.GetHashCode()"/>), so that a
/// decision taken per id (its cross-fitting fold, whether a resampled stream carries it) is the same on a redelivery,
/// a replay or another instance.
/// </summary>
public static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>FNV-1a (64 bit) of the UTF-8 bytes of <paramref name="id"/>.</summary>
    public static ulong Fnv1a(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        ulong hash = FnvOffset;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(id.Length) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(id, buffer)] : Encoding.UTF8.GetBytes(id);
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return hash;
    }

    /// <summary>
    /// A number in [0, 1) spread uniformly over ids: FNV-1a mixed by SplitMix64's finalizer (FNV's high bits follow
    /// its last bytes too closely for ids such as <c>s-1</c>, <c>s-2</c>), its top 53 bits scaled.
    /// </summary>
    public static double Uniform(string id)
    {
        ulong z = Fnv1a(id);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
