namespace EasyHard.Sink.Persistence;

/// <summary>One versioned SQL script embedded in the assembly.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
