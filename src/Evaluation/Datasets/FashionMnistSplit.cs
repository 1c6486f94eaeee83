namespace EasyHard.Evaluation.Datasets;

/// <summary>The two files pairs of Fashion-MNIST: 60000 training and 10000 test images.</summary>
public enum FashionMnistSplit
{
    Train,
    Test,
}
