using System.Collections.Concurrent;
using System.Data.Common;
using Marten;
using Weasel.Core;
using Weasel.Storage;

namespace MembershipLedger.Storage;

/// <summary>
/// Queues a SQL statement in a session's batch, as Marten's <c>QueueSqlCommand</c> does, more cheaply.
/// <para>
/// Why not <c>QueueSqlCommand</c>: for every statement it splits the text at its placeholders again and looks each
/// value's database type up in a table behind a lock. When a rebuild still queued a statement per event and projection,
/// that work was most of its time (docs/benchmarks.md, "NDJSON import and rebuilding the projections"); every write, an
/// import and the daemon still queue them. Here the text is split once per distinct text, and Npgsql infers each value's
/// type itself (the statements cast where it matters).
/// </para>
/// The values are bound in order; null is SQL null.
/// </summary>
public static class LedgerSql
{
    private static readonly ConcurrentDictionary<string, string[]> Pieces = new(StringComparer.Ordinal);

    public static void QueueSql(this IDocumentOperations operations, string sql, params object?[] values)
    {
        var pieces = Pieces.GetOrAdd(sql, text => text.Split('?'));
        if (pieces.Length != values.Length + 1)
            throw new ArgumentException($"The statement has {pieces.Length - 1} placeholders and {values.Length} values were given.", nameof(values));
        operations.QueueOperation(new Statement(pieces, values));
    }

    private sealed class Statement(string[] pieces, object?[] values) : Weasel.Storage.IStorageOperation, NoDataReturnedCall
    {
        public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
        {
            builder.Append(pieces[0]);
            for (var i = 0; i < values.Length; i++)
            {
                builder.AppendParameter(values[i] ?? DBNull.Value);
                builder.Append(pieces[i + 1]);
            }
        }

        public Type DocumentType => typeof(Marten.Storage.StorageFeatures);

        public Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;

        public OperationRole Role() => OperationRole.Other;
    }
}
