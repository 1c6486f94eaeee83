using EasyHard.Bench.Chaos;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>The chaos verifier's accounting, the schedule's determinism and the metric reading, without a pipeline.</summary>
public sealed class ChaosAccountingTests
{
    private static readonly ChaosInput[] Inputs = [new("a", false), new("b", false), new("c", false), new("big", true)];

    [Fact]
    public void Account_EveryIdOnceOrDeadLettered_Passes_AndCountsReasons()
    {
        var account = ChaosAccounting.Account(Inputs, ["a", "b", "c"], [new DeadLetter("big", "oversized"), new DeadLetter(null, "unparsable")], 0);

        Assert.True(account.Passed, string.Join("; ", account.Failures));
        Assert.Equal(4, account.Produced);
        Assert.Equal(3, account.OnceOnTrainerStream);
        Assert.Equal(1, account.DeadLettered);
        Assert.Equal(1, account.DeadLetteredByReason["oversized"]);
        Assert.Equal(1, account.DeadLettersWithoutId);
    }

    [Fact]
    public void Account_IdTwiceOnTrainerStream_Fails()
    {
        var account = ChaosAccounting.Account(Inputs, ["a", "b", "b", "c"], [new DeadLetter("big", "oversized")], 0);

        Assert.False(account.Passed);
        Assert.Equal(1, account.Duplicates);
        Assert.Equal(["b"], account.Examples["duplicates"]);
    }

    [Fact]
    public void Account_RepeatsWithinWhatAbortedTransactionsLeaveVisible_Pass_BeyondIt_Fail()
    {
        string[] stream = ["a", "a", "b", "b", "b", "c"];

        var within = ChaosAccounting.Account(Inputs, stream, [new DeadLetter("big", "oversized")], 0, visibleRepeatAllowance: 3);
        var beyond = ChaosAccounting.Account(Inputs, stream, [new DeadLetter("big", "oversized")], 0, visibleRepeatAllowance: 2);

        Assert.True(within.Passed, string.Join("; ", within.Failures));
        Assert.Equal(3, within.RepeatedRecords);
        Assert.Equal(2, within.Duplicates);
        Assert.False(beyond.Passed);
    }

    [Fact]
    public void Account_MissingId_WithNoRetentionLossReported_Fails()
    {
        var account = ChaosAccounting.Account(Inputs, ["a", "c"], [new DeadLetter("big", "oversized")], lostOnInput: 0);

        Assert.False(account.Passed);
        Assert.Equal(1, account.Missing);
        Assert.Equal(["b"], account.Examples["missing"]);
    }

    [Fact]
    public void Account_MissingIds_MatchedByTheRetentionMetric_Pass_ButNotWhenTheCountsDiffer()
    {
        var matched = ChaosAccounting.Account(Inputs, ["a"], [new DeadLetter("big", "oversized")], lostOnInput: 2);
        var overReported = ChaosAccounting.Account(Inputs, ["a"], [new DeadLetter("big", "oversized")], lostOnInput: 3);
        var underReported = ChaosAccounting.Account(Inputs, ["a"], [new DeadLetter("big", "oversized")], lostOnInput: 1);

        Assert.True(matched.Passed, string.Join("; ", matched.Failures));
        Assert.Equal(2, matched.Missing);
        Assert.False(overReported.Passed);
        Assert.False(underReported.Passed);
    }

    [Fact]
    public void Account_SampleTheBrokerNeverAcknowledged_MayBeAbsentOrOnTheStreamOnce_AndIsNotCountedAsProduced()
    {
        ChaosInput[] inputs = [.. Inputs, new("maybe", false, Unacknowledged: true)];

        var absent = ChaosAccounting.Account(inputs, ["a", "b", "c"], [new DeadLetter("big", "oversized")], 0);
        var present = ChaosAccounting.Account(inputs, ["a", "b", "c", "maybe"], [new DeadLetter("big", "oversized")], 0);
        var twice = ChaosAccounting.Account(inputs, ["a", "b", "c", "maybe", "maybe"], [new DeadLetter("big", "oversized")], 0);

        Assert.True(absent.Passed, string.Join("; ", absent.Failures));
        Assert.Equal(4, absent.Produced);
        Assert.Equal(0, absent.Missing);
        Assert.True(present.Passed, string.Join("; ", present.Failures));
        Assert.False(twice.Passed);
    }

    [Fact]
    public void Account_LossBetweenRoles_CountsOffsetsWithTheirMarkers_SoItBoundsTheMissingIdsFromAbove()
    {
        // b lost on the input topic (one offset, one record); c lost between roles, where its transaction's commit
        // marker was deleted with it: 2 offsets for 1 id.
        var within = ChaosAccounting.Account(Inputs, ["a"], [new DeadLetter("big", "oversized")], lostOnInput: 1, lostBetweenRoles: 2);
        var inputAlone = ChaosAccounting.Account(Inputs, ["a"], [new DeadLetter("big", "oversized")], lostOnInput: 1);
        var moreThanReported = ChaosAccounting.Account(Inputs, [], [new DeadLetter("big", "oversized")], lostOnInput: 1, lostBetweenRoles: 1);
        var lessThanOnInput = ChaosAccounting.Account(Inputs, ["a", "b"], [new DeadLetter("big", "oversized")], lostOnInput: 2, lostBetweenRoles: 4);

        Assert.True(within.Passed, string.Join("; ", within.Failures));
        Assert.Equal(1, within.LostOnInputByMetric);
        Assert.Equal(2, within.LostBetweenRolesByMetric);
        Assert.False(inputAlone.Passed);
        Assert.False(moreThanReported.Passed);
        Assert.False(lessThanOnInput.Passed);
    }

    [Fact]
    public void Account_LossBeforeTheRecorderReadTheOutput_IsItsOwnCategory_AndBoundsTheMissingIdsFromAbove()
    {
        // b and c reached the trainer stream, but retention deleted them (and a commit marker) before the recorder read them.
        var within = ChaosAccounting.Account(Inputs, ["a"], [new DeadLetter("big", "oversized")], lostOnInput: 0, lostBeforeRecorded: 3);
        var moreThanReported = ChaosAccounting.Account(Inputs, [], [new DeadLetter("big", "oversized")], lostOnInput: 0, lostBeforeRecorded: 2);

        Assert.True(within.Passed, string.Join("; ", within.Failures));
        Assert.Equal(3, within.LostBeforeRecorded);
        Assert.Equal(0, within.LostBetweenRolesByMetric);
        Assert.False(moreThanReported.Passed);
        Assert.Contains("the recorder 2 offsets of the output topics", moreThanReported.Failures.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Account_OnStreamAndDeadLettered_OversizedOnStream_AndNeverProduced_EachFail()
    {
        var both = ChaosAccounting.Account(Inputs, ["a", "b", "c"], [new DeadLetter("a", "x"), new DeadLetter("big", "oversized")], 0);
        var oversized = ChaosAccounting.Account(Inputs, ["a", "b", "c", "big"], [], 0);
        var unexpected = ChaosAccounting.Account(Inputs, ["a", "b", "c", "zzz"], [new DeadLetter("big", "oversized")], 0);

        Assert.Equal(1, both.OnStreamAndDeadLettered);
        Assert.False(both.Passed);
        Assert.Equal(1, oversized.OversizedOnStream);
        Assert.False(oversized.Passed);
        Assert.Equal(1, unexpected.Unexpected);
        Assert.False(unexpected.Passed);
    }

    [Fact]
    public void Plan_SameSeed_SamePlan_EveryEnabledKindAtLeastOnce_NoOtherKind()
    {
        IReadOnlyList<FaultKind> kinds = [FaultKind.Kill, FaultKind.BrokerDown, FaultKind.RequestErrors];

        var first = ChaosSchedule.Plan(7, TimeSpan.FromSeconds(60), kinds, 3, brokers: 3, churnRoles: ["ingest"]);
        var second = ChaosSchedule.Plan(7, TimeSpan.FromSeconds(60), kinds, 3, brokers: 3, churnRoles: ["ingest"]);
        var other = ChaosSchedule.Plan(8, TimeSpan.FromSeconds(60), kinds, 3, brokers: 3, churnRoles: ["ingest"]);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(kinds.Order(), first.Select(e => e.Kind).Distinct().Order());
        Assert.All(first, e => Assert.InRange(e.AtSeconds, 0, 60));
        Assert.True(first.Zip(first.Skip(1)).All(p => p.Second.AtSeconds >= p.First.AtSeconds));
    }

    [Fact]
    public void FaultKinds_Parse_NamesAndAll_UnknownNameFails()
    {
        Assert.Equal([FaultKind.Kill, FaultKind.MemberChurn], FaultKinds.Parse("kill, member-churn"));
        Assert.Equal(FaultKinds.All, FaultKinds.Parse("all"));
        Assert.Contains("broker-down", Assert.Throws<FormatException>(() => FaultKinds.Parse("kill,brokers-down")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoleCounters_SumEverySeries_FilterByOutcome_AndAbsentIsZero()
    {
        const string exposition = """
            # HELP easyhard_scorer_records_lost_to_retention_total Records deleted before they were read.
            # TYPE easyhard_scorer_records_lost_to_retention_total counter
            easyhard_scorer_records_lost_to_retention_total{topic="easyhard.samples",partition="0"} 3
            easyhard_scorer_records_lost_to_retention_total{topic="easyhard.samples",partition="2"} 4
            easyhard_scorer_records_lost_to_retention_total_created{topic="easyhard.samples",partition="0"} 1.7e9
            easyhard_scorer_transactions_total{outcome="committed"} 40
            easyhard_scorer_transactions_total{outcome="aborted"} 2
            easyhard_scorer_batches_total 12
            easyhard_scorer_errors_total{kind="partition_stalled"} 1
            easyhard_scorer_errors_total{kind="kafka_Local_TimedOut"} 5
            """;

        Assert.Equal(new RoleCounters(7, 2, 1), RoleCounters.Read(exposition, "scorer"));
        Assert.Equal(RoleCounters.Zero, RoleCounters.Read(exposition, "ingest"));
    }
}
