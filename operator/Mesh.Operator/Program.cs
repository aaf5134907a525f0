using Mesh.Operator.Cli;

return MeshCli.Run(args, Console.Out, Console.Error);
