using EasyHard.Contracts.V1;

namespace EasyHard.Contracts;

/// <summary>Lower-case names of difficulty buckets as they appear in headers, SQL and JSON.</summary>
public static class BucketNames
{
    public static string ToName(this Bucket bucket) => bucket switch
    {
        Bucket.Easy => "easy",
        Bucket.Medium => "medium",
        Bucket.Hard => "hard",
        _ => "warming",
    };
}
