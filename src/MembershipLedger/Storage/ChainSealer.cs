using Marten;
using Marten.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MembershipLedger.Storage;

/// <summary>
/// Seals the events this host appends into the chain just after they commit (<see cref="EventChain"/>): woken by every
/// session of this host that committed events (<see cref="Listener"/>), and once a second whatever happened, for what
/// other hosts, SQL by hand or an interrupted pass left noted. Every host runs one; they take turns on the chain's head,
/// and a host that finds another sealing tries again shortly (the other may have read its notes before they committed).
/// Under load one pass seals what many commits appended, in one transaction and one flush.
/// </summary>
public sealed class ChainSealer(NpgsqlDataSource source, ILogger<ChainSealer> logger) : BackgroundService
{
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Busy = TimeSpan.FromMilliseconds(20);
    private readonly SemaphoreSlim _nudged = new(0);
    private int _awake;
    private bool _warned;

    /// <summary>Wakes the sealer: events were committed.</summary>
    public void Nudge()
    {
        // One pending wake-up is enough: the pass it starts seals everything committed by then.
        if (Interlocked.Exchange(ref _awake, 1) == 0) _nudged.Release();
    }

    /// <summary>The session listener that nudges this sealer after every commit that appended events.</summary>
    public IDocumentSessionListener Listener => new Nudger(this);

    // A thread of its own, with synchronous calls, and a connection of its own: under load the thread pool and the
    // connection pool are busy with requests, and the sealer does not queue behind them for either. (Measured, that was
    // not what made events wait for their seal under load; the notes' dead index entries were: see VacuumNotesNowAndThen.)
    protected override Task ExecuteAsync(CancellationToken ct) =>
        Task.Factory.StartNew(() => Run(ct), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken ct)
    {
        NpgsqlConnection? connection = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                _nudged.Wait(Backstop, ct);
                // Commits from here on nudge again: the pass below may read the notes before they are visible.
                Volatile.Write(ref _awake, 0);
                connection ??= source.OpenConnection();
                long sealedNow;
                while ((sealedNow = EventChain.Seal(connection, wait: false, ct)) < 0) ct.WaitHandle.WaitOne(Busy);
                VacuumNotesNowAndThen(connection, sealedNow);
                if (_warned) logger.LogInformation("Sealing the event chain again.");
                _warned = false;
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                // The database down says so itself elsewhere; what was noted stays noted and is sealed on the next pass.
                if (!_warned) logger.LogWarning(error, "Cannot seal the event chain; appended events wait, noted, for the next pass.");
                _warned = true;
                connection?.Dispose();
                connection = null;
                ct.WaitHandle.WaitOne(Backstop);
            }
        }
        // The last commits of a host that stops are sealed now rather than by whichever host starts next.
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            connection ??= source.OpenConnection();
            EventChain.Seal(connection, wait: true, bound.Token);
        }
        catch (Exception error) when (error is NpgsqlException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            logger.LogInformation("Left the last events unsealed at stop ({Reason}); the next host to start seals them.", error.Message);
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>
    /// The notes are a queue: every pass deletes what it sealed, and the next pass's search for the lowest notes walks
    /// the index entries of every deleted one until a vacuum removes them. Autovacuum visits a table at most once a minute;
    /// under 32 writers a pass slowed from 2 to 17 ms within 40 s and events waited over 100 ms for their seal. Vacuuming
    /// the notes (a few pages) every <see cref="VacuumEvery"/> sealed events keeps a pass at 2–4 ms (docs/benchmarks.md).
    /// </summary>
    private void VacuumNotesNowAndThen(NpgsqlConnection connection, long sealedNow)
    {
        _sinceVacuum += sealedNow;
        if (_sinceVacuum < VacuumEvery) return;
        // Without giving back its emptied pages: that needs the table to itself for a moment, and appends would wait on it.
        using var vacuum = new NpgsqlCommand($"vacuum (truncate false) {EventChain.PendingTable}", connection);
        vacuum.ExecuteNonQuery();
        _sinceVacuum = 0;
    }

    private const int VacuumEvery = 1_000;
    private long _sinceVacuum;

    private sealed class Nudger(ChainSealer sealer) : DocumentSessionListenerBase
    {
        public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            if (commit.GetEvents().Any()) sealer.Nudge();
            return Task.CompletedTask;
        }
    }
}
