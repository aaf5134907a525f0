using System.Runtime.InteropServices;
using Mesh.Convergence;

var root = args.Length > 0 && Directory.Exists(args[0]) ? args[0] : Directory.GetCurrentDirectory();
HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args.Length > 0 && Directory.Exists(args[0]) ? args[1..] : args, root);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(HarnessOptions.Usage);
    return 2;
}

var manifests = Directory.CreateTempSubdirectory("mesh-convergence-").FullName;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
try
{
    return await new ConvergenceRun(options, manifests).RunAsync(cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted");
    return 130;
}
finally
{
    if (!options.KeepManifests)
    {
        Directory.Delete(manifests, recursive: true);
    }
}
