using KubeRunner.Executor;

return await ExecutorProgram.RunAsync(args);
