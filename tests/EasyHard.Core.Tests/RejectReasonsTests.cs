using System.Reflection;
using EasyHard.Contracts.Codecs;

namespace EasyHard.Core.Tests;

/// <summary>One catalogue of dead-letter reasons for every role: each role's list draws from it, nothing else.</summary>
public sealed class RejectReasonsTests
{
    private static readonly string[] Declared =
        [.. typeof(RejectReasons).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void EveryDeclaredCode_BelongsToARole_AndAllIsTheirUnion()
    {
        Assert.Equal(Declared.Order(StringComparer.Ordinal), RejectReasons.All.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EachRolesList_IsDistinct_AndTheShellsCodesApplyToEveryRole()
    {
        foreach (var role in new[] { RejectReasons.Ingest, RejectReasons.Scorer, RejectReasons.Sink })
        {
            Assert.Equal(role.Count, role.Distinct(StringComparer.Ordinal).Count());
            Assert.Contains(RejectReasons.OutputTooLarge, role);
            Assert.Contains(RejectReasons.Undeliverable, role);
        }
    }
}
