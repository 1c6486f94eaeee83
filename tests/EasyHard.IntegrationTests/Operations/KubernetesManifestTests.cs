using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static EasyHard.IntegrationTests.Operations.Yaml;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>
/// The manifests under <c>k8s/</c> (parsed; no cluster here) agree with the code: ports, health paths,
/// configuration keys, topics, consumer groups, images, shutdown timing; and kustomize's references resolve.
/// </summary>
public sealed class KubernetesManifestTests
{
    private const string Base = "k8s/base";

    private static readonly Lazy<List<Dictionary<object, object>>> BaseObjects = new(() =>
        Resources(Base).SelectMany(RepositoryFiles.ReadYamlDocuments).Select(d => Map(d, "manifest")).ToList());

    private static IEnumerable<string> Resources(string kustomizationDirectory)
    {
        var kustomization = RepositoryFiles.ReadYaml($"{kustomizationDirectory}/kustomization.yaml");
        return List(At(kustomization, "resources") ?? new List<object>(), "resources")
            .Select(r => Str(r, "resource"))
            .Where(r => r.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(r => $"{kustomizationDirectory}/{r}");
    }

    private static IEnumerable<Dictionary<object, object>> OfKind(string kind) =>
        BaseObjects.Value.Where(o => At(o, "kind") as string == kind);

    private static Dictionary<object, object> Named(string kind, string name) =>
        OfKind(kind).Single(o => RequireStr(o, "metadata", "name") == name);

    private static string RoleOf(Dictionary<object, object> deployment)
    {
        var args = List(Require(deployment, "spec", "template", "spec", "containers", "0", "args"), "args").Select(a => Str(a, "arg")).ToList();
        Assert.Equal(3, args.Count);
        Assert.Equal("run", args[0]);
        Assert.Equal("--role", args[1]);
        return args[2];
    }

    private static Dictionary<string, string> ConfigMapData() => StringMap(Require(Named("ConfigMap", "easyhard-config"), "data"), "ConfigMap data");

    [Fact]
    public void Kustomizations_ReferenceOnlyFilesThatExist_AndBaseListsEveryManifest()
    {
        var kustomizations = Directory.EnumerateFiles(RepositoryFiles.PathOf("k8s"), "kustomization.yaml", SearchOption.AllDirectories).ToList();
        Assert.True(kustomizations.Count >= 5, "k8s/, k8s/base and the cpu, no-keda and sasl-ssl overlays");
        foreach (var file in kustomizations)
        {
            var directory = Path.GetDirectoryName(file)!;
            var relative = Path.GetRelativePath(RepositoryFiles.Root, file).Replace(Path.DirectorySeparatorChar, '/');
            var kustomization = RepositoryFiles.ReadYaml(relative);
            var referenced = new List<string>();
            referenced.AddRange((At(kustomization, "resources") as List<object> ?? []).Select(r => Str(r, "resource")));
            referenced.AddRange((At(kustomization, "patches") as List<object> ?? []).Select(p => At(p, "path") as string).OfType<string>());
            referenced.AddRange((At(kustomization, "configMapGenerator") as List<object> ?? [])
                .SelectMany(g => (At(g, "files") as List<object> ?? []).Select(f => Str(f, "file"))));
            foreach (var reference in referenced)
            {
                var path = Path.GetFullPath(Path.Combine(directory, reference));
                Assert.True(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")), $"{relative} references missing {reference}");
            }
        }

        var listed = Resources(Base).ToHashSet(StringComparer.Ordinal);
        var present = RepositoryFiles.KubernetesManifestFiles().Where(f => f.StartsWith(Base + "/", StringComparison.Ordinal)).ToList();
        Assert.All(present, f => Assert.Contains(f, listed));
    }

    [Fact]
    public void Manifests_EveryDocumentParses_AndHasKindAndName()
    {
        var files = RepositoryFiles.KubernetesManifestFiles().ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var documents = RepositoryFiles.ReadYamlDocuments(file);
            Assert.NotEmpty(documents);
            foreach (var document in documents)
            {
                // Kustomize strategic-merge patches name their target; JSON6902 patches live inline in kustomization files.
                RequireStr(document, "apiVersion");
                RequireStr(document, "kind");
                RequireStr(document, "metadata", "name");
            }
        }
    }

    [Fact]
    public void Deployments_OnePerRole_WithProbesPortAndImageOfTheCode()
    {
        var deployments = OfKind("Deployment").ToList();
        Assert.Equal(RoleExpectations.Roles.Order(), deployments.Select(RoleOf).Order());
        foreach (var deployment in deployments)
        {
            var role = RoleOf(deployment);
            Assert.Equal($"easyhard-{role}", RequireStr(deployment, "metadata", "name"));
            var container = Require(deployment, "spec", "template", "spec", "containers", "0");
            var image = RoleExpectations.ImageName(RequireStr(container, "image"));
            Assert.Equal(role == "scorer" ? "easyhard-cuda" : "easyhard", image);

            var port = Require(container, "ports", "0");
            Assert.Equal("http", RequireStr(port, "name"));
            Assert.Equal(RoleExpectations.HttpPort, RequireStr(port, "containerPort"));
            Assert.Equal(RoleExpectations.LivePath, RequireStr(container, "livenessProbe", "httpGet", "path"));
            Assert.Equal(RoleExpectations.ReadyPath, RequireStr(container, "readinessProbe", "httpGet", "path"));
            Assert.Equal(RoleExpectations.LivePath, RequireStr(container, "startupProbe", "httpGet", "path"));
            Assert.Equal("http", RequireStr(container, "livenessProbe", "httpGet", "port"));
            Assert.Equal("http", RequireStr(container, "readinessProbe", "httpGet", "port"));

            // Selector labels are a subset of the pod labels, or the Deployment is rejected.
            var selector = StringMap(Require(deployment, "spec", "selector", "matchLabels"), "matchLabels");
            var labels = StringMap(Require(deployment, "spec", "template", "metadata", "labels"), "pod labels");
            Assert.All(selector, kv => Assert.Equal(kv.Value, labels[kv.Key]));
            Assert.Null(At(deployment, "spec", "replicas")); // KEDA or the HPA owns replicas
        }
    }

    [Fact]
    public void Deployments_TerminationGrace_IsLongerThanTheHostsShutdownTimeout()
    {
        using var app = EasyHardApp();
        var shutdown = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.Equal(TimeSpan.FromSeconds(30), shutdown);
        foreach (var deployment in OfKind("Deployment"))
        {
            var grace = int.Parse(RequireStr(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"), CultureInfo.InvariantCulture);
            Assert.True(grace > shutdown.TotalSeconds, $"{RoleOf(deployment)}: terminationGracePeriodSeconds {grace} <= {shutdown.TotalSeconds}");
        }
    }

    private static Microsoft.AspNetCore.Builder.WebApplication EasyHardApp() =>
        Host.Composition.EasyHardApp.Build(Host.Composition.Roles.None, ["--Http:Port=0"]);

    [Fact]
    public void Scorer_RequestsOneGpu_OnAGpuNode_AndTheCpuOverlayRemovesAllOfIt()
    {
        var scorer = Named("Deployment", "easyhard-scorer");
        var pod = Require(scorer, "spec", "template", "spec");
        Assert.Equal("1", RequireStr(pod, "containers", "0", "resources", "limits", "nvidia.com/gpu"));
        Assert.NotEmpty(Map(Require(pod, "nodeSelector"), "nodeSelector"));
        Assert.Contains(List(Require(pod, "tolerations"), "tolerations"), t => At(t, "key") as string == "nvidia.com/gpu");
        var env = List(Require(pod, "containers", "0", "env"), "env").ToDictionary(e => RequireStr(e, "name"), e => RequireStr(e, "value"));
        Assert.Equal("cuda", env["Scorer__Device"]);
        foreach (var other in OfKind("Deployment").Where(d => RoleOf(d) != "scorer"))
        {
            Assert.Null(At(other, "spec", "template", "spec", "containers", "0", "resources", "limits", "nvidia.com/gpu"));
        }

        var overlay = RepositoryFiles.ReadYaml("k8s/overlays/cpu/kustomization.yaml");
        var patch = List(Require(overlay, "patches"), "patches").Single(p => RequireStr(p, "target", "name") == "easyhard-scorer");
        var operations = List(new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<object>(RequireStr(patch, "patch")), "patch");
        var removed = operations.Where(o => RequireStr(o, "op") == "remove").Select(o => RequireStr(o, "path")).ToHashSet();
        Assert.Contains("/spec/template/spec/nodeSelector", removed);
        Assert.Contains("/spec/template/spec/tolerations", removed);
        Assert.Contains("/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu", removed);
        foreach (var operation in operations)
        {
            // A JSON patch on a path that does not exist fails `kubectl apply -k`; check every path against the base
            // (an add appends to an existing list: "/-" names its end).
            var path = RequireStr(operation, "path");
            Assert.NotNull(AtPointer(scorer, path.EndsWith("/-", StringComparison.Ordinal) ? path[..^2] : path));
        }

        var threads = operations.Single(o => RequireStr(o, "op") == "add" && RequireStr(o, "value", "name") == "Scorer__Threads__Torch");
        Assert.Equal("1", RequireStr(threads, "value", "value"));
        // Two CPUs requested: the heads on two threads, whatever the node's core count.
        var headThreads = operations.Single(o => RequireStr(o, "op") == "add" && RequireStr(o, "value", "name") == "Scorer__Threads__Heads");
        Assert.Equal("2", RequireStr(headThreads, "value", "value"));

        var deviceOp = operations.Single(o => RequireStr(o, "path") == "/spec/template/spec/containers/0/env/0");
        Assert.Equal("Scorer__Device", RequireStr(deviceOp, "value", "name"));
        Assert.Equal("cpu", RequireStr(deviceOp, "value", "value"));
        Assert.Equal("Scorer__Device", RequireStr(AtPointer(scorer, "/spec/template/spec/containers/0/env/0"), "name"));
        var images = List(Require(overlay, "images"), "images");
        Assert.Contains(images, i => RequireStr(i, "name") == "easyhard-cuda" && RequireStr(i, "newName") == "easyhard");
    }

    [Fact]
    public void Environment_EveryKeyInConfigMapSecretAndContainers_IsAnOptionTheAppBinds()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new List<(string File, Dictionary<string, string> Values)>();
        foreach (var file in RepositoryFiles.KubernetesManifestFiles())
        {
            foreach (var document in RepositoryFiles.ReadYamlDocuments(file))
            {
                var kind = RequireStr(document, "kind");
                if (kind == "ConfigMap" && RequireStr(document, "metadata", "name") == "easyhard-config")
                {
                    sources.Add((file, StringMap(At(document, "data"), file)));
                }
                else if (kind == "Secret")
                {
                    sources.Add((file, StringMap(At(document, "stringData"), file)));
                }
                else if (kind == "Deployment")
                {
                    var env = At(document, "spec", "template", "spec", "containers", "0", "env") as List<object> ?? [];
                    sources.Add((file, env.ToDictionary(e => RequireStr(e, "name"), e => RequireStr(e, "value"))));
                }
            }
        }

        Assert.True(sources.Count >= 6);
        foreach (var (file, values) in sources)
        {
            foreach (var (key, value) in values)
            {
                Assert.True(ConfigurationKeys.Problem(key, value) is null, $"{file}: {ConfigurationKeys.Problem(key, value)}");
                environment[key] = value;
            }
        }

        Assert.Empty(ConfigurationKeys.ValidationFailures(environment));
    }

    [Fact]
    public void Secrets_AreOnlyInSecrets_AndEveryPodLoadsConfigMapAndSecret()
    {
        static bool IsSecretKey(string key) =>
            key.Contains("Password", StringComparison.OrdinalIgnoreCase) || key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase)
            || key.Contains("SaslUsername", StringComparison.OrdinalIgnoreCase) || key.Contains("SslKey", StringComparison.OrdinalIgnoreCase)
            || key.Contains("Secret", StringComparison.OrdinalIgnoreCase);

        foreach (var file in RepositoryFiles.KubernetesManifestFiles())
        {
            foreach (var document in RepositoryFiles.ReadYamlDocuments(file))
            {
                var kind = RequireStr(document, "kind");
                if (kind == "ConfigMap")
                {
                    Assert.DoesNotContain(StringMap(At(document, "data"), file).Keys, IsSecretKey);
                }
                else if (kind == "Deployment")
                {
                    var env = At(document, "spec", "template", "spec", "containers", "0", "env") as List<object> ?? [];
                    Assert.DoesNotContain(env, e => IsSecretKey(RequireStr(e, "name")) && At(e, "value") is not null);
                }
            }
        }

        Assert.True(StringMap(Require(Named("Secret", "easyhard-secrets"), "stringData"), "secret").ContainsKey("Sink__Database__ConnectionString"));
        foreach (var deployment in OfKind("Deployment"))
        {
            var envFrom = List(Require(deployment, "spec", "template", "spec", "containers", "0", "envFrom"), "envFrom");
            Assert.Contains(envFrom, e => At(e, "configMapRef", "name") as string == "easyhard-config");
            Assert.Contains(envFrom, e => At(e, "secretRef", "name") as string == "easyhard-secrets");
        }
    }

    [Fact]
    public void ConfigMap_TopicsGroupsAndPort_EqualTheCodeDefaults()
    {
        var data = ConfigMapData();
        Assert.Equal(RoleExpectations.HttpPort, data["Http__Port"]);
        Assert.Equal("0.0.0.0", data["Http__BindAddress"]);
        foreach (var property in typeof(Core.Configuration.TopicOptions).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            Assert.Equal((string)property.GetValue(RoleExpectations.Topics)!, data[$"Topics__{property.Name}"]);
        }

        foreach (var role in RoleExpectations.Roles)
        {
            Assert.Equal(RoleExpectations.GroupId(role), data[RoleExpectations.GroupIdKey(role)]);
        }
    }

    [Fact]
    public void ScaledObjects_ScaleEachRoleOnItsOwnGroupTopicAndBrokers()
    {
        var data = ConfigMapData();
        var deployments = OfKind("Deployment").ToDictionary(d => RequireStr(d, "metadata", "name"));
        var scaled = OfKind("ScaledObject").ToList();
        Assert.Equal(3, scaled.Count);
        foreach (var scaledObject in scaled)
        {
            Assert.Equal("Deployment", RequireStr(scaledObject, "spec", "scaleTargetRef", "kind"));
            var target = RequireStr(scaledObject, "spec", "scaleTargetRef", "name");
            Assert.True(deployments.TryGetValue(target, out var deployment), $"ScaledObject targets unknown {target}");
            var role = RoleOf(deployment);
            var kafka = List(Require(scaledObject, "spec", "triggers"), "triggers").Single(t => RequireStr(t, "type") == "kafka");
            var metadata = StringMap(Require(kafka, "metadata"), "kafka trigger");

            Assert.Equal(RoleExpectations.GroupId(role), metadata["consumerGroup"]);
            Assert.Equal(data[RoleExpectations.GroupIdKey(role)], metadata["consumerGroup"]);
            Assert.Equal(RoleExpectations.InputTopic(role), metadata["topic"]);
            Assert.Equal(data[RoleExpectations.InputTopicKey(role)], metadata["topic"]);
            Assert.Equal(data["Kafka__BootstrapServers"], metadata["bootstrapServers"]);
            // The app's consumers start from the earliest offset (KafkaConnection); the scaler must count lag the same way.
            Assert.Equal("earliest", metadata["offsetResetPolicy"]);

            var min = int.Parse(RequireStr(scaledObject, "spec", "minReplicaCount"), CultureInfo.InvariantCulture);
            var max = int.Parse(RequireStr(scaledObject, "spec", "maxReplicaCount"), CultureInfo.InvariantCulture);
            Assert.InRange(min, 1, max); // never to zero: the scorer would lose its warm proxy

            // A CPU trigger needs a CPU request on the container.
            if (List(Require(scaledObject, "spec", "triggers"), "triggers").Any(t => RequireStr(t, "type") == "cpu"))
            {
                RequireStr(deployment, "spec", "template", "spec", "containers", "0", "resources", "requests", "cpu");
            }
        }

        Assert.Equal(RoleExpectations.Roles.Order(), scaled.Select(s => RoleOf(deployments[RequireStr(s, "spec", "scaleTargetRef", "name")])).Order());
    }

    [Fact]
    public void NoKedaOverlay_DeletesEveryScaledObject_AndAddsOneCpuHpaPerDeployment()
    {
        var overlay = RepositoryFiles.ReadYaml("k8s/overlays/no-keda/kustomization.yaml");
        var deleted = List(Require(overlay, "patches"), "patches")
            .Select(p => new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<object>(RequireStr(p, "patch")))
            .Where(p => At(p, "$patch") as string == "delete" && At(p, "kind") as string == "ScaledObject")
            .Select(p => RequireStr(p, "metadata", "name"));
        Assert.Equal(OfKind("ScaledObject").Select(s => RequireStr(s, "metadata", "name")).Order(), deleted.Order());

        var hpas = RepositoryFiles.ReadYamlDocuments("k8s/overlays/no-keda/hpa.yaml");
        Assert.All(hpas, h => Assert.Equal("HorizontalPodAutoscaler", RequireStr(h, "kind")));
        Assert.Equal(OfKind("Deployment").Select(d => RequireStr(d, "metadata", "name")).Order(),
            hpas.Select(h => RequireStr(h, "spec", "scaleTargetRef", "name")).Order());
        Assert.All(hpas, h => Assert.Equal("cpu", RequireStr(h, "spec", "metrics", "0", "resource", "name")));
        Assert.DoesNotContain(BaseObjects.Value, o => RequireStr(o, "kind") == "HorizontalPodAutoscaler");
    }

    [Fact]
    public void SaslOverlay_ConfiguresBothClients_KeepsCredentialsInTheSecret_AndAuthenticatesKeda()
    {
        var config = StringMap(Require(RepositoryFiles.ReadYaml("k8s/overlays/sasl-ssl/config.yaml"), "data"), "sasl config");
        foreach (var client in new[] { "Consumer", "Producer" })
        {
            Assert.Equal("SaslSsl", config[$"Kafka__{client}__SecurityProtocol"]);
            Assert.True(config.ContainsKey($"Kafka__{client}__SaslMechanism"));
        }

        var secret = StringMap(Require(RepositoryFiles.ReadYaml("k8s/overlays/sasl-ssl/secret.yaml"), "stringData"), "sasl secret");
        var auth = RepositoryFiles.ReadYaml("k8s/overlays/sasl-ssl/triggerauthentication.yaml");
        foreach (var reference in List(Require(auth, "spec", "secretTargetRef"), "secretTargetRef"))
        {
            Assert.Equal("easyhard-secrets", RequireStr(reference, "name"));
            Assert.True(secret.ContainsKey(RequireStr(reference, "key")), $"TriggerAuthentication reads missing key {RequireStr(reference, "key")}");
        }

        Assert.Equal(config["Kafka__BootstrapServers"], RequireStr(
            List(Require(RepositoryFiles.ReadYaml("k8s/overlays/sasl-ssl/kustomization.yaml"), "patches"), "patches")
                .Select(p => At(p, "patch") as string).OfType<string>()
                .Select(p => new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<object>(p))
                .OfType<List<object>>().Single()
                .Single(o => RequireStr(o, "path") == "/spec/triggers/0/metadata/bootstrapServers"), "value"));
    }

    [Fact]
    public void ServicesAndServiceMonitor_ExposeMetricsOnTheHttpPort_AndPdbsCoverEveryRole()
    {
        var deployments = OfKind("Deployment").ToList();
        foreach (var deployment in deployments)
        {
            var name = RequireStr(deployment, "metadata", "name");
            var podLabels = StringMap(Require(deployment, "spec", "template", "metadata", "labels"), "pod labels");
            var service = Named("Service", name);
            Assert.All(StringMap(Require(service, "spec", "selector"), "service selector"), kv => Assert.Equal(kv.Value, podLabels[kv.Key]));
            var port = Require(service, "spec", "ports", "0");
            Assert.Equal(RoleExpectations.HttpPort, RequireStr(port, "port"));
            Assert.Equal("http", RequireStr(port, "targetPort"));
            Assert.Equal("http", RequireStr(port, "name"));

            var pdb = Named("PodDisruptionBudget", name);
            Assert.All(StringMap(Require(pdb, "spec", "selector", "matchLabels"), "pdb selector"), kv => Assert.Equal(kv.Value, podLabels[kv.Key]));
        }

        var monitor = Assert.Single(OfKind("ServiceMonitor"));
        var selector = StringMap(Require(monitor, "spec", "selector", "matchLabels"), "monitor selector");
        foreach (var service in OfKind("Service"))
        {
            var labels = StringMap(Require(service, "metadata", "labels"), "service labels");
            Assert.All(selector, kv => Assert.Equal(kv.Value, labels[kv.Key]));
        }

        var endpoint = Require(monitor, "spec", "endpoints", "0");
        Assert.Equal("http", RequireStr(endpoint, "port"));
        Assert.Equal(RoleExpectations.MetricsPath, RequireStr(endpoint, "path"));
    }

    [Fact]
    public void Dashboard_ConfigMapCopy_EqualsTheSource_AndPrometheusRule_EqualsAlertsYml()
    {
        Assert.Equal(
            RepositoryFiles.ReadText("deploy/grafana/dashboards/easyhard.json"),
            RepositoryFiles.ReadText("k8s/base/grafana/easyhard.json"));
        var kustomization = RepositoryFiles.ReadYaml($"{Base}/kustomization.yaml");
        var generator = List(Require(kustomization, "configMapGenerator"), "configMapGenerator").Single();
        Assert.Equal("grafana/easyhard.json", RequireStr(generator, "files", "0"));
        Assert.Equal("1", RequireStr(generator, "options", "labels", "grafana_dashboard"));

        var serializer = new YamlDotNet.Serialization.SerializerBuilder().Build();
        var alerts = Require(RepositoryFiles.ReadYaml("deploy/prometheus/alerts.yml"), "groups");
        var rule = Named("PrometheusRule", "easyhard");
        Assert.Equal(serializer.Serialize(alerts), serializer.Serialize(Require(rule, "spec", "groups")));
    }

    [Fact]
    public void Images_AreTheEasyHardImageOrItsCudaBuild_Everywhere()
    {
        var names = new List<string>();
        foreach (var deployment in OfKind("Deployment"))
        {
            names.Add(RoleExpectations.ImageName(RequireStr(deployment, "spec", "template", "spec", "containers", "0", "image")));
        }

        foreach (var file in Directory.EnumerateFiles(RepositoryFiles.PathOf("k8s"), "kustomization.yaml", SearchOption.AllDirectories))
        {
            var kustomization = RepositoryFiles.ReadYaml(Path.GetRelativePath(RepositoryFiles.Root, file).Replace(Path.DirectorySeparatorChar, '/'));
            foreach (var image in At(kustomization, "images") as List<object> ?? [])
            {
                names.Add(RequireStr(image, "name"));
                if (At(image, "newName") is string newName)
                {
                    names.Add(RoleExpectations.ImageName(newName));
                }
            }
        }

        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains(n, RoleExpectations.ImageNames));
    }
}
