/// <summary>
/// The rows of the table that <c>all</c> prints at the end (docs/benchmarks.md holds it): each measurement beside the
/// PostgreSQL baseline measured in the same run, and the target it is held to.
/// </summary>
public static class Summary
{
    private static readonly List<string> Rows = [];

    /// <param name="met">Null when the row has no target of its own.</param>
    public static void Add(string measure, string result, string baseline, string target, bool? met) =>
        Rows.Add($"| {measure} | {result} | {baseline} | {target} | {(met is null ? "" : met.Value ? "met" : "not met")} |");

    public static void Print()
    {
        Console.WriteLine();
        Console.WriteLine("| measure | result | PostgreSQL baseline, same run | target | |");
        Console.WriteLine("| --- | ---: | ---: | --- | --- |");
        foreach (var row in Rows) Console.WriteLine(row);
    }
}
