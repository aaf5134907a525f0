using Mesh.Demo;

// Usage: Mesh.Demo [REPOSITORY] [--keep]. --keep leaves the mesh running after the checks, for the /ui dashboard.
var keep = args.Contains("--keep");
var positional = args.Where(a => a != "--keep").ToArray();
var repository = positional.Length > 0 ? Path.GetFullPath(positional[0]) : Directory.GetCurrentDirectory();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// demo.sh forwards an interruption as SIGTERM: stop as on Ctrl-C, so the children are stopped too (a --keep run
// otherwise never ends on it).
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

try
{
    return await DemoRunner.RunAsync(repository, keep, Console.Out, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 130;
}
