using System.Text;
using EasyHard.Scorer.Feedback;
using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

public sealed class FeedbackTests
{
    [Theory]
    [InlineData("{\"id\":\"s-1\",\"loss\":0.3}", true)]
    [InlineData("{\"loss\":1.5,\"epoch\":{\"n\":2},\"id\":\"s-1\"}", true)]
    [InlineData("{\"id\":\"s-1\"}", false)]
    [InlineData("{\"id\":\"\",\"loss\":0.3}", false)]
    [InlineData("{\"id\":\"s-1\",\"loss\":-1}", false)]
    [InlineData("{\"id\":\"s-1\",\"loss\":\"high\"}", false)]
    [InlineData("not json", false)]
    public void TryParse_AcceptsIdAndNonNegativeLossOnly(string json, bool expected)
    {
        bool ok = FeedbackConsumer.TryParse(Encoding.UTF8.GetBytes(json), out var id, out var loss);
        Assert.Equal(expected, ok);
        if (expected)
        {
            Assert.Equal("s-1", id);
            Assert.True(loss is 0.3f or 1.5f);
        }
    }

    [Fact]
    public void Store_BoundedOldestDroppedFirst_ApplyOverwritesKnownIds()
    {
        var store = new FeedbackStore(2);
        Assert.True(store.Set("a", 1));
        Assert.True(store.Set("b", 2));
        Assert.True(store.Set("a", 3));
        Assert.True(store.Set("c", 4));
        Assert.False(store.Set("d", float.NaN));

        var losses = new float[] { 9, 9, 9 };
        int applied = store.Apply(["a", "b", "c"], losses);

        Assert.Equal(2, store.Count);
        Assert.Equal(2, applied);       // "a" (first in) was dropped for "c"
        Assert.Equal([9f, 2f, 4f], losses);
    }

    [Fact]
    public void TargetBuffer_KeepsTheMostRecent_RefusesBadSamples()
    {
        var buffer = new TargetBuffer(2, 2);
        Assert.True(buffer.Add([1, 1], 0));
        Assert.True(buffer.Add([2, 2], 1));
        Assert.True(buffer.Add([3, 3], 2));
        Assert.False(buffer.Add([1, float.NaN], 0));
        Assert.False(buffer.Add([1, 1, 1], 0));

        var (features, labels) = buffer.Snapshot();

        Assert.Equal(2, buffer.Count);
        Assert.Equal([3f, 3f, 2f, 2f], features);
        Assert.Equal([2L, 1L], labels);
    }
}
