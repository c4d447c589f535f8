namespace Glint.Tests.Support;

/// <summary>Compares canonical row lists and reports the first difference in full.</summary>
public static class AssertRows
{
    public static void Equal(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            if (expected[i] != actual[i])
                Assert.Fail($"row {i} differs (of {expected.Count} expected, {actual.Count} actual):\n  expected: {expected[i]}\n  actual:   {actual[i]}");
        if (expected.Count != actual.Count)
            Assert.Fail($"expected {expected.Count} rows, got {actual.Count}; first extra: {(expected.Count > actual.Count ? expected[actual.Count] : actual[expected.Count])}");
    }
}
