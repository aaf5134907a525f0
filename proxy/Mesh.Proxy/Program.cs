using Mesh.Proxy.Cli;

return await ProxyCommandLine.InvokeAsync(args);
