using System.Globalization;
using ScottPlot;

namespace EasyHard.Sink.Reporting;

/// <summary>
/// The report's charts, drawn with ScottPlot and returned as SVG markup to inline in the page (no files, no network).
/// </summary>
public static class ReportPlots
{
    private const int Width = 640;
    private const int Height = 360;

    private static readonly Color Accent = Color.FromHex("#c0392b");
    private static readonly Color Calm = Color.FromHex("#2e86c1");

    /// <summary>Mean noise (the estimated noise rate) and the share above 0.5 per given label.</summary>
    public static string ClassNoise(IReadOnlyList<ClassSummary> classes, LabelNames names)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var plot = new Plot();
        var bars = new List<Bar>();
        for (var i = 0; i < classes.Count; i++)
        {
            bars.Add(new Bar { Position = (3 * i) + 0, Value = classes[i].MeanNoise, FillColor = Accent });
            bars.Add(new Bar { Position = (3 * i) + 1, Value = classes[i].ShareNoisy, FillColor = Calm });
        }

        plot.Add.Bars(bars);
        Legend(plot, ("mean noise (estimated noise rate)", Accent), ("share with noise > 0.5", Calm));
        ClassTicks(plot, classes.Select(c => c.Label).ToList(), names, spacing: 3, offset: 0.5);
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, 1.05);
        plot.YLabel("share of the class's samples");
        return Svg(plot, Width, Height);
    }

    /// <summary>Easy, medium and hard samples per given label, stacked.</summary>
    public static string DifficultyBuckets(IReadOnlyList<ClassSummary> classes, LabelNames names)
    {
        ArgumentNullException.ThrowIfNull(classes);
        (string Name, Color Color, Func<ClassSummary, long> Count)[] buckets =
        [
            ("easy", Color.FromHex("#27ae60"), c => c.Easy),
            ("medium", Color.FromHex("#f1c40f"), c => c.Medium),
            ("hard", Accent, c => c.Hard),
        ];
        var plot = new Plot();
        var bars = new List<Bar>();
        for (var i = 0; i < classes.Count; i++)
        {
            double bottom = 0;
            foreach (var bucket in buckets)
            {
                var top = bottom + bucket.Count(classes[i]);
                bars.Add(new Bar { Position = i, ValueBase = bottom, Value = top, FillColor = bucket.Color });
                bottom = top;
            }
        }

        plot.Add.Bars(bars);
        Legend(plot, [.. buckets.Select(b => (b.Name, b.Color))]);
        ClassTicks(plot, classes.Select(c => c.Label).ToList(), names, spacing: 1, offset: 0);
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("samples");
        return Svg(plot, Width, Height);
    }

    /// <summary>
    /// Given label (rows) × suggested label (columns), each row as shares of the given label's samples. The diagonal
    /// (agreement) is left blank so the colour scale shows the confusions; every cell is written as its count.
    /// </summary>
    public static string Transitions(IReadOnlyList<TransitionCell> cells, int classes, LabelNames names)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(names);
        var counts = new long[classes, classes];
        foreach (var cell in cells.Where(c => c.Label < classes && c.SuggestedLabel < classes && c.Label >= 0 && c.SuggestedLabel >= 0))
        {
            counts[cell.Label, cell.SuggestedLabel] += cell.Samples;
        }

        var shares = new double[classes, classes];
        for (var given = 0; given < classes; given++)
        {
            double row = 0;
            for (var suggested = 0; suggested < classes; suggested++)
            {
                row += counts[given, suggested];
            }

            for (var suggested = 0; suggested < classes; suggested++)
            {
                shares[given, suggested] = given == suggested || row == 0 ? double.NaN : counts[given, suggested] / row;
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = new ScottPlot.Colormaps.Amp();
        heatmap.NaNCellColor = Color.FromHex("#f4f4f4");
        // One SVG rectangle per cell: crisp at any zoom (a bitmap would be blurred when the page scales it).
        heatmap.RenderStrategy = new ScottPlot.Plottables.Heatmap.RenderStrategies.Rectangles();
        var darkAbove = 0.6 * Enumerable.Range(0, classes * classes).Select(i => shares[i / classes, i % classes]).Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max();
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "share of the given label's samples";
        // ScottPlot draws row 0 at the top: given label i sits at y = classes − 1 − i, suggested label j at x = j.
        for (var given = 0; given < classes; given++)
        {
            for (var suggested = 0; suggested < classes; suggested++)
            {
                var text = plot.Add.Text(counts[given, suggested].ToString(CultureInfo.InvariantCulture), suggested, classes - 1 - given);
                text.LabelFontSize = classes > 12 ? 8 : 11;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = shares[given, suggested] > darkAbove ? Colors.White : Colors.Black;
            }
        }

        var labels = Enumerable.Range(0, classes).ToList();
        ClassTicks(plot, labels, names, spacing: 1, offset: 0);
        plot.Axes.Left.SetTicks(
            [.. labels.Select(l => (double)(classes - 1 - l))],
            [.. labels.Select(names.Labelled)]);
        plot.XLabel("suggested label");
        plot.YLabel("given label");
        return Svg(plot, Width + 160, Height + 200);
    }

    /// <summary>A histogram of one score.</summary>
    public static string Distribution(Histogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var plot = new Plot();
        var width = histogram.BinWidth > 0 ? histogram.BinWidth : 1;
        var bars = histogram.Counts.Select((count, i) => new Bar
        {
            Position = histogram.Min + ((i + 0.5) * width),
            Value = count,
            Size = width * 0.95,
            FillColor = Calm,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Margins(bottom: 0);
        plot.Title(histogram.Name);
        plot.XLabel(histogram.Name);
        plot.YLabel("samples");
        return Svg(plot, Width / 2, Height * 3 / 4);
    }

    /// <summary>Agreement of the proxy's out-of-sample prediction with the given label, and mean noise, by model version.</summary>
    public static string Versions(IReadOnlyList<ModelVersionSummary> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var plot = new Plot();
        double[] xs = [.. versions.Select(v => (double)v.LastVersion)];
        var accuracy = plot.Add.Scatter(xs, [.. versions.Select(v => v.Accuracy)]);
        accuracy.Color = Calm;
        accuracy.LegendText = "prediction = given label";
        var noise = plot.Add.Scatter(xs, [.. versions.Select(v => v.MeanNoise)]);
        noise.Color = Accent;
        noise.LegendText = "mean noise";
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.SetLimitsY(0, 1.05);
        plot.XLabel("model version");
        plot.YLabel("share of samples");
        return Svg(plot, Width, Height);
    }

    private static void Legend(Plot plot, params (string Name, Color Color)[] items)
    {
        plot.ShowLegend(items.Select(i => new LegendItem { LabelText = i.Name, FillColor = i.Color }), Alignment.UpperRight);
    }

    private static void ClassTicks(Plot plot, IReadOnlyList<int> labels, LabelNames names, int spacing, double offset)
    {
        plot.Axes.Bottom.SetTicks(
            [.. labels.Select((_, i) => (spacing * i) + offset)],
            [.. labels.Select(names.Labelled)]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 90;
    }

    /// <summary>
    /// The SVG element alone (the XML declaration dropped so it can sit inside HTML), with a viewBox so that the page
    /// can scale it to its column instead of cropping it.
    /// </summary>
    private static string Svg(Plot plot, int width, int height)
    {
        var svg = plot.GetSvgXml(width, height);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        svg = start > 0 ? svg[start..] : svg;
        return string.Create(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {width} {height}\" ") + svg["<svg ".Length..];
    }
}
