using Mesh.Operator.WebhookTls;

namespace Mesh.Operator.Tests.WebhookTls;

public sealed class OperatorNamespaceTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void The_flag_wins_over_the_environment_and_the_service_account()
    {
        File.WriteAllText(_file, "from-file\n");

        Assert.Equal("from-flag", OperatorNamespace.Resolve("from-flag", _ => "from-env", _file));
    }

    [Fact]
    public void Pod_namespace_comes_before_the_service_account_file()
    {
        File.WriteAllText(_file, "from-file\n");

        Assert.Equal("from-env", OperatorNamespace.Resolve(null, name => name == "POD_NAMESPACE" ? "from-env" : null, _file));
        Assert.Equal("from-file", OperatorNamespace.Resolve(null, _ => null, _file));
    }

    [Fact]
    public void Without_any_source_it_is_mesh_system()
    {
        Assert.Equal("mesh-system", OperatorNamespace.Resolve(null, _ => null, Path.Combine(_file + ".missing", "namespace")));
    }
}
