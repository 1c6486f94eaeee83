using System.ComponentModel.DataAnnotations;
using EasyHard.Core.Configuration;

namespace EasyHard.Core.Tests;

public sealed class DeliveryOptionsTests
{
    [Theory]
    [InlineData("exactly-once", "Delivery:Guarantee")]
    [InlineData("", "Guarantee")]
    public void UnknownGuarantee_FailsWithTheKeyName(string guarantee, string key)
    {
        var errors = Validate(new DeliveryOptions { Guarantee = guarantee });
        Assert.Contains(errors, e => e.ErrorMessage!.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownOffsetJournalMode_FailsWithTheKeyName()
    {
        var errors = Validate(new DeliveryOptions { OffsetJournal = "sometimes" });
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("Delivery:OffsetJournal", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("exactly_once", "auto", true, true)]
    [InlineData("exactly_once", "auto", false, false)]
    [InlineData("exactly_once", "on", false, true)]
    [InlineData("exactly_once", "off", true, false)]
    [InlineData("at_least_once", "on", true, false)]
    public void OffsetJournal_IsUsedOnlyWithTransactions_AndByDefaultOnlyOnTheEmbeddedCluster(string guarantee, string journal, bool embedded, bool expected) =>
        Assert.Equal(expected, new DeliveryOptions { Guarantee = guarantee, OffsetJournal = journal }.UsesOffsetJournal(embedded));

    [Fact]
    public void InstanceId_DefaultsToTheHostName() =>
        Assert.Equal(Environment.MachineName, new DeliveryOptions().ResolvedInstanceId);

    private static List<ValidationResult> Validate(DeliveryOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
