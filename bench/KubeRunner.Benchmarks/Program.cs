using KubeRunner.Benchmarks;

// Prints the figures of the README's performance table. Each figure is measured in this run next
// to its baseline, so the ratio holds whatever the machine.
Console.WriteLine("| Benchmark | Figure | Baseline in the same run | Ratio |");
Console.WriteLine("|---|---|---|---|");
foreach (var line in await ReporterThroughput.RunAsync())
{
    Console.WriteLine(line);
}

foreach (var line in await IdleRequests.RunAsync())
{
    Console.WriteLine(line);
}
