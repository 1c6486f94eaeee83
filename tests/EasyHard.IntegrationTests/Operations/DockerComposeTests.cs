using static EasyHard.IntegrationTests.Operations.Yaml;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>docker-compose.yml (parsed, since no container engine runs here) agrees with the code.</summary>
public sealed class DockerComposeTests
{
    private static Dictionary<object, object> Services(string file = "docker-compose.yml") =>
        Map(Require(RepositoryFiles.ReadYaml(file), "services"), "services");

    private static IEnumerable<(string Name, Dictionary<object, object> Service)> EasyHardServices() =>
        Services()
            .Select(kv => (Name: Str(kv.Key, "service"), Service: Map(kv.Value, Str(kv.Key, "service"))))
            .Where(s => At(s.Service, "image") is string image && RoleExpectations.ImageNames.Contains(RoleExpectations.ImageName(image)));

    [Fact]
    public void Compose_EveryRole_IsItsOwnServiceRunningThatRole()
    {
        var services = Services();
        foreach (var role in RoleExpectations.Roles)
        {
            Assert.True(services.ContainsKey(role), $"no service '{role}'");
            var command = List(Require(services[role], "command"), $"{role}.command").Select(c => Str(c, "command")).ToArray();
            Assert.Equal(["run", "--role", role], command);
        }

        foreach (var infrastructure in new[] { "kafka", "kafka-init", "postgres", "prometheus", "grafana", "producer" })
        {
            Assert.True(services.ContainsKey(infrastructure), $"no service '{infrastructure}'");
        }

        var producer = List(Require(services["producer"], "command"), "producer.command").Select(c => Str(c, "command")).ToList();
        Assert.Equal("produce", producer[0]);
    }

    [Fact]
    public void Compose_EnvironmentKeys_AreOptionsTheAppBinds()
    {
        foreach (var (name, service) in EasyHardServices())
        {
            var environment = StringMap(At(service, "environment"), $"{name}.environment");
            Assert.NotEmpty(environment);
            foreach (var (key, value) in environment)
            {
                var problem = ConfigurationKeys.Problem(key, value);
                Assert.True(problem is null, problem);
            }

            Assert.Empty(ConfigurationKeys.ValidationFailures(environment.Where(kv => !kv.Value.Contains("${", StringComparison.Ordinal)).ToDictionary()));
        }
    }

    [Fact]
    public void Compose_RoleServices_ListenOnTheHttpPortWithHealthAndTopicsOfTheCode()
    {
        var services = Services();
        foreach (var role in RoleExpectations.Roles)
        {
            var service = services[role];
            var environment = StringMap(At(service, "environment"), $"{role}.environment");
            Assert.Equal("0.0.0.0", environment["Http__BindAddress"]);
            Assert.Equal(RoleExpectations.HttpPort, environment["Http__Port"]);
            Assert.Equal(RoleExpectations.GroupId(role), environment[RoleExpectations.GroupIdKey(role)]);
            Assert.Equal(RoleExpectations.InputTopic(role), environment[RoleExpectations.InputTopicKey(role)]);
            Assert.Equal("kafka:9092", environment["Kafka__BootstrapServers"]);

            var ports = List(Require(service, "ports"), $"{role}.ports").Select(p => Str(p, "port")).ToList();
            Assert.Contains(ports, p => p.EndsWith($":{RoleExpectations.HttpPort}", StringComparison.Ordinal));

            var health = string.Join(' ', List(Require(service, "healthcheck", "test"), "healthcheck").Select(t => Str(t, "test")));
            Assert.Contains(RoleExpectations.ReadyPath, health, StringComparison.Ordinal);
            Assert.Contains($"/{RoleExpectations.HttpPort}", health, StringComparison.Ordinal);

            // SIGTERM → drain within the host's 30 s shutdown timeout; the grace period must be longer.
            var grace = RequireStr(service, "stop_grace_period");
            Assert.True(int.Parse(grace.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture) > 30, $"{role}: stop_grace_period {grace}");
        }

        var sinkEnvironment = StringMap(At(services["sink"], "environment"), "sink.environment");
        Assert.Equal("postgres", sinkEnvironment["Sink__Database__Provider"]);
    }

    [Fact]
    public void Compose_Producer_SendsSamplesOfTheShapeTheRolesAccept_ToTheirKafkaAndInputTopic()
    {
        var services = Services();
        var command = List(Require(services["producer"], "command"), "producer.command").Select(c => Str(c, "command")).ToList();
        string Arg(string name) => command[command.IndexOf(name) + 1];
        var stream = Host.Producing.GeneratedStream.Create(Arg("--dataset"), 1, Evaluation.Datasets.NoiseSpec.Parse(Arg("--noise")), seed: 0, fallBackToSynthetic: false);
        foreach (var role in RoleExpectations.Roles)
        {
            var environment = StringMap(At(services[role], "environment"), role);
            Assert.Equal(stream.Dimension.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["Schema__Dimension"]);
            Assert.Equal(stream.Classes.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["Schema__Classes"]);
            Assert.Equal(environment["Kafka__BootstrapServers"], Arg("--bootstrap"));
        }

        Assert.Equal(RoleExpectations.Topics.Input, Arg("--topic"));
    }

    [Fact]
    public void Compose_TopicEnvironment_EqualsTopicOptionsDefaults_AndKafkaInitCreatesEveryTopic()
    {
        var topics = RoleExpectations.Topics;
        var services = Services();
        foreach (var role in RoleExpectations.Roles)
        {
            var environment = StringMap(At(services[role], "environment"), role);
            foreach (var property in typeof(Core.Configuration.TopicOptions).GetProperties().Where(p => p.PropertyType == typeof(string)))
            {
                Assert.Equal((string)property.GetValue(topics)!, environment[$"Topics__{property.Name}"]);
            }
        }

        var init = string.Join('\n', List(Require(services["kafka-init"], "command"), "kafka-init.command").Select(c => Str(c, "command")));
        var created = init.Split("for topic in ", StringSplitOptions.None)[1].Split(';')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(topics.All().Order(), created.Order());
    }

    [Fact]
    public void Compose_Images_AreTheEasyHardImageBuiltFromTheDockerfile()
    {
        var easyhard = EasyHardServices().ToList();
        Assert.Equal(4, easyhard.Count); // ingest, scorer, sink, producer
        Assert.All(easyhard, s => Assert.Equal("easyhard:latest", RequireStr(s.Service, "image")));
        Assert.Single(easyhard, s => At(s.Service, "build") is not null);
        Assert.True(File.Exists(RepositoryFiles.PathOf("Dockerfile")));

        var gpu = Map(Require(Services("deploy/compose/docker-compose.gpu.yml"), "scorer"), "gpu scorer");
        Assert.Equal("easyhard-cuda", RoleExpectations.ImageName(RequireStr(gpu, "image")));
        Assert.Equal("cuda", RequireStr(gpu, "build", "args", "TORCH_DEVICE"));
        Assert.Equal("cuda", RequireStr(gpu, "environment", "Scorer__Device"));
        Assert.Equal(".", RequireStr(gpu, "build", "context"));
    }

    [Fact]
    public void Compose_PrometheusAndGrafana_MountTheDeployFiles()
    {
        var services = Services();
        var prometheusVolumes = List(Require(services["prometheus"], "volumes"), "prometheus.volumes").Select(v => Str(v, "volume")).ToList();
        Assert.Contains("./deploy/prometheus:/etc/prometheus:ro", prometheusVolumes);
        var grafanaVolumes = List(Require(services["grafana"], "volumes"), "grafana.volumes").Select(v => Str(v, "volume")).ToList();
        Assert.Contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro", grafanaVolumes);
        Assert.Contains("./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro", grafanaVolumes);

        // The dashboard provider reads the folder the dashboards are mounted at; the data source is the compose Prometheus.
        var provider = List(Require(RepositoryFiles.ReadYaml("deploy/grafana/provisioning/dashboards/easyhard.yml"), "providers"), "providers")[0];
        Assert.Equal("/var/lib/grafana/dashboards", RequireStr(provider, "options", "path"));
        var datasource = List(Require(RepositoryFiles.ReadYaml("deploy/grafana/provisioning/datasources/prometheus.yml"), "datasources"), "datasources")[0];
        Assert.Equal("prometheus", RequireStr(datasource, "type"));
        Assert.Equal("http://prometheus:9090", RequireStr(datasource, "url"));

        // Prometheus scrapes every role service on the role port.
        var scrape = List(Require(RepositoryFiles.ReadYaml("deploy/prometheus/prometheus.yml"), "scrape_configs"), "scrape_configs")
            .Single(c => RequireStr(c, "job_name") == "easyhard");
        Assert.Equal(RoleExpectations.MetricsPath, RequireStr(scrape, "metrics_path"));
        var targets = List(Require(scrape, "static_configs"), "static_configs")
            .SelectMany(c => List(Require(c, "targets"), "targets").Select(t => Str(t, "target"))).ToList();
        Assert.Equal(RoleExpectations.Roles.Select(r => $"{r}:{RoleExpectations.HttpPort}").Order(), targets.Order());
    }
}
