namespace EasyHard.Scorer.Persistence;

/// <summary>Length-prefixed array I/O for checkpoints; a length mismatch means an incompatible checkpoint.</summary>
internal static class CheckpointIo
{
    public static void Write<T>(BinaryWriter writer, T[] values)
        where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public static void Read<T>(BinaryReader reader, T[] into)
        where T : unmanaged
    {
        int length = reader.ReadInt32();
        if (length != into.Length)
        {
            throw new InvalidDataException($"Checkpoint array has {length} elements where {into.Length} were expected.");
        }

        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(into.AsSpan());
        reader.BaseStream.ReadExactly(bytes);
    }

    /// <summary>Writes to a temporary file next to <paramref name="path"/>, flushes it to disk, then renames it over the target.</summary>
    public static void WriteAtomically(string path, Action<BinaryWriter> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = full + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                write(writer);
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
    }
}
