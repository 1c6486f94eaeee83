using EasyHard.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Tests;

public sealed class SampleSchemaOptionsTests
{
    private static IServiceProvider Services(Dictionary<string, string?> settings, int registrations)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        for (var i = 0; i < registrations; i++)
        {
            services.AddSampleSchemaOptions();
        }

        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddSampleSchemaOptions_CalledByEveryRole_BindsClassNamesOnce()
    {
        var provider = Services(new() { ["Schema:Classes"] = "2", ["Schema:ClassNames:0"] = "cat", ["Schema:ClassNames:1"] = "dog" }, registrations: 3);

        Assert.Equal(["cat", "dog"], provider.GetRequiredService<IOptions<SampleSchemaOptions>>().Value.ClassNames);
    }

    [Fact]
    public void Validate_ClassNamesNotOnePerClass_NamesBothKeysOnce()
    {
        var provider = Services(new() { ["Schema:Classes"] = "3", ["Schema:ClassNames:0"] = "cat" }, registrations: 2);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SampleSchemaOptions>>().Value);

        Assert.Equal(["Schema:ClassNames has 1 names but Schema:Classes is 3; give one name per class or none."], error.Failures);
    }

    [Theory]
    [InlineData("28x28", 1, 28, 28)]
    [InlineData("[1,28,28]", 1, 28, 28)]
    [InlineData("3x32x32", 3, 32, 32)]
    public void ImageShape_Parse_ReadsHeightWidthAndChannels(string text, int channels, int height, int width)
    {
        Assert.True(ImageShape.TryParse(text, out var shape));
        Assert.Equal(new ImageShape(channels, height, width), shape);
    }

    [Theory]
    [InlineData("28")]
    [InlineData("0x28")]
    [InlineData("2x28x28")]
    [InlineData("28 by 28")]
    public void ImageShape_Parse_RefusesWhatIsNotAnImage(string text)
    {
        Assert.False(ImageShape.TryParse(text, out _));
    }

    [Fact]
    public void Validate_ImageShapeOfAnotherSize_NamesTheDimension()
    {
        var options = new SampleSchemaOptions { Dimension = 784, ImageShape = "32x32" };

        Assert.Equal(
            ["Schema:ImageShape '32x32' holds 1024 values but Schema:Dimension is 784."],
            KeyedValidation.Failures(options, SampleSchemaOptions.SectionName));
    }
}
