using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>Finds the repository root and reads its deployment files as plain object graphs.</summary>
public static class RepositoryFiles
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EasyHard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No EasyHard.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => LazyRoot.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string ReadText(string relative)
    {
        var path = PathOf(relative);
        Assert.True(File.Exists(path), $"{relative} is missing");
        return File.ReadAllText(path);
    }

    /// <summary>
    /// Every YAML document of a file as dictionaries, lists and strings. Merge keys (<c>&lt;&lt;: *anchor</c>) are
    /// resolved, as docker compose does.
    /// </summary>
    public static List<object> ReadYamlDocuments(string relative)
    {
        var deserializer = new DeserializerBuilder().Build();
        using var reader = new StringReader(ReadText(relative));
        var parser = new MergingParser(new Parser(reader));
        parser.Consume<StreamStart>();
        var documents = new List<object>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = deserializer.Deserialize<object>(parser);
            if (document is not null)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    public static object ReadYaml(string relative) => Assert.Single(ReadYamlDocuments(relative));

    /// <summary>Every kustomize-managed manifest file under <c>k8s/</c> (kustomization files excluded).</summary>
    public static IEnumerable<string> KubernetesManifestFiles() =>
        Directory.EnumerateFiles(PathOf("k8s"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
}
