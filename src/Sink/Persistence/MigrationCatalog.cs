using System.Globalization;
using System.Reflection;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// Loads the embedded scripts <c>Persistence/Migrations/{provider}/NNNN_name.sql</c> and
/// <c>Persistence/Migrations/shared/NNNN_name.sql</c> (SQL that means the same on every provider) in version order.
/// Versions are the numeric prefix; a duplicate version is a build mistake and fails loudly.
/// </summary>
internal static class MigrationCatalog
{
    public static IReadOnlyList<Migration> Load(string provider)
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        string[] prefixes =
        [
            $"{typeof(MigrationCatalog).Namespace}.Migrations.{provider.ToLowerInvariant()}.",
            $"{typeof(MigrationCatalog).Namespace}.Migrations.shared.",
        ];
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var prefix = prefixes.FirstOrDefault(p => resource.StartsWith(p, StringComparison.Ordinal));
            if (prefix is null || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[prefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration resource '{resource}' must be named NNNN_description.sql.");
            }

            migrations.Add(new Migration(version, name, Read(assembly, resource)));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two {provider} migrations share version {duplicate.Key}.");
        }

        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"No embedded migrations found for provider '{provider}'.");
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
