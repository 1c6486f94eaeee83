using System.Text.RegularExpressions;
using System.Xml.Linq;
using EasyHard.Host.Composition;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>The Dockerfile (not buildable here: no container engine) agrees with the projects and the code.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = RepositoryFiles.ReadText("Dockerfile");

    [GeneratedRegex(@"^\s*(?<instruction>[A-Z]+)\s+(?<args>.*)$")]
    private static partial Regex InstructionPattern();

    /// <summary>Instructions with line continuations joined.</summary>
    private static List<(string Instruction, string Args)> Instructions()
    {
        var joined = Dockerfile.Replace("\\\r\n", " ", StringComparison.Ordinal).Replace("\\\n", " ", StringComparison.Ordinal);
        return joined.Split('\n')
            .Where(l => !l.TrimStart().StartsWith('#'))
            .Select(l => InstructionPattern().Match(l))
            .Where(m => m.Success)
            .Select(m => (m.Groups["instruction"].Value, m.Groups["args"].Value.Trim()))
            .ToList();
    }

    [Fact]
    public void Dockerfile_EntryPoint_RunsTheHostAssembly_AndExposesTheHttpPort()
    {
        var instructions = Instructions();
        var entrypoint = instructions.Single(i => i.Instruction == "ENTRYPOINT").Args;
        var assembly = typeof(EasyHardApp).Assembly.GetName().Name;
        Assert.Equal($"[\"dotnet\", \"/app/{assembly}.dll\"]", entrypoint);
        Assert.Equal(RoleExpectations.HttpPort, instructions.Single(i => i.Instruction == "EXPOSE").Args);
        Assert.Contains(instructions, i => i.Instruction == "USER" && i.Args != "root" && i.Args != "0");
        Assert.Equal("[\"run\", \"--role\", \"all\"]", instructions.Single(i => i.Instruction == "CMD").Args);
    }

    [Fact]
    public void Dockerfile_Environment_IsOptionsTheAppBinds()
    {
        var env = Instructions().Where(i => i.Instruction == "ENV").SelectMany(i => EnvPairs(i.Args)).ToDictionary();
        Assert.Equal("0.0.0.0", env["Http__BindAddress"]);
        Assert.Equal(RoleExpectations.HttpPort, env["Http__Port"]);
        foreach (var (key, value) in env)
        {
            Assert.Null(ConfigurationKeys.Problem(key, value));
        }

        Assert.Empty(ConfigurationKeys.ValidationFailures(env));
    }

    [Fact]
    public void Dockerfile_RestoreLayer_CopiesEveryProjectTheHostNeeds()
    {
        var copied = Instructions().Where(i => i.Instruction == "COPY" && !i.Args.StartsWith("--from", StringComparison.Ordinal))
            .Select(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])
            .Where(p => p.EndsWith(".csproj", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var project in ProjectClosure("src/Host/EasyHard.Host.csproj"))
        {
            Assert.Contains(project, copied);
        }

        foreach (var project in copied)
        {
            Assert.True(File.Exists(RepositoryFiles.PathOf(project)), $"{project} is copied but does not exist");
        }

        // Build settings that shape compilation (analyzers run with warnings as errors) must be in the image build too.
        var rootCopies = Instructions().Where(i => i.Instruction == "COPY" && i.Args.EndsWith(" ./", StringComparison.Ordinal))
            .SelectMany(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]).ToHashSet(StringComparer.Ordinal);
        foreach (var file in new[] { "global.json", ".editorconfig", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            Assert.True(File.Exists(RepositoryFiles.PathOf(file)), $"{file} is missing");
            Assert.Contains(file, rootCopies);
        }

        // The CUDA switch is the build property the projects read.
        Assert.Contains("-p:TorchDevice=${TORCH_DEVICE}", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("TorchDevice", RepositoryFiles.ReadText("Directory.Build.props"), StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_KeepsEverythingTheDockerfileCopies()
    {
        var ignored = RepositoryFiles.ReadText(".dockerignore").Split('\n')
            .Select(l => l.Trim().TrimEnd('/'))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);
        var sources = Instructions().Where(i => i.Instruction == "COPY" && !i.Args.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]);
        foreach (var source in sources)
        {
            var top = source.TrimEnd('/').Split('/')[0];
            Assert.DoesNotContain(top, ignored);
            Assert.False(top.EndsWith(".md", StringComparison.Ordinal) && ignored.Contains("*.md"), source);
        }

        // Build outputs never enter the context (they would shadow a clean restore).
        Assert.Contains("**/bin", ignored);
        Assert.Contains("**/obj", ignored);
    }

    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([project]);
        while (queue.TryDequeue(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(next)!;
            foreach (var reference in XDocument.Parse(RepositoryFiles.ReadText(next)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(RepositoryFiles.PathOf(directory), reference.Attribute("Include")!.Value));
                queue.Enqueue(Path.GetRelativePath(RepositoryFiles.Root, full).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }

        return seen;
    }

    private static IEnumerable<KeyValuePair<string, string>> EnvPairs(string args)
    {
        foreach (Match m in Regex.Matches(args, "(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?:\"(?<value>[^\"]*)\"|(?<value>\\S*))"))
        {
            yield return new(m.Groups["key"].Value, m.Groups["value"].Value);
        }
    }
}
