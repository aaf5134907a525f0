namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Each semantic rule of the compiler has a golden case (see Golden/README.md); the compiled output must equal the
/// expected file byte for byte. Set MESH_UPDATE_GOLDEN=1 to rewrite the expected files instead.
/// </summary>
public sealed class GoldenTests
{
    public static TheoryData<string> Cases() => [.. GoldenCase.Names()];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compiled_output_matches_the_golden_file(string caseName)
    {
        var actual = GoldenCase.Render(caseName);
        var expectedPath = GoldenCase.ExpectedPath(caseName);
        if (GoldenCase.Updating)
        {
            File.WriteAllText(expectedPath, actual);
        }

        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing; run with {GoldenCase.UpdateVariable}=1 to create it");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_does_not_depend_on_the_order_of_the_input(string caseName)
    {
        var reference = GoldenCase.Render(caseName);
        foreach (var seed in new[] { 1, 7, 42, 1234, 99991 })
        {
            var random = new Random(seed);
            var shuffled = GoldenCase.Render(caseName, set =>
                Mesh.Operator.Compiler.MeshSnapshot.From(set.ToSnapshot().All().OrderBy(_ => random.Next()).ToList()));

            Assert.Equal(reference, shuffled);
        }
    }
}
