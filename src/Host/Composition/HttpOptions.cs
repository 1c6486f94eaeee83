using System.ComponentModel.DataAnnotations;

namespace EasyHard.Host.Composition;

/// <summary>The one HTTP port per process serving /metrics, /health/live and /health/ready (section <c>Http</c>).</summary>
public sealed class HttpOptions
{
    public const string SectionName = "Http";

    /// <summary>0 picks a free port (tests).</summary>
    [Range(0, 65535)] public int Port { get; set; } = 9400;

    /// <summary>Address to bind; 0.0.0.0 in containers.</summary>
    [Required(AllowEmptyStrings = false)] public string BindAddress { get; set; } = "127.0.0.1";
}
