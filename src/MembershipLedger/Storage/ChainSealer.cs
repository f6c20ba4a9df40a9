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

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _nudged.WaitAsync(Backstop, ct);
                // Commits from here on nudge again: the pass below may read the notes before they are visible.
                Volatile.Write(ref _awake, 0);
                while (await EventChain.SealAsync(source, wait: false, ct) < 0) await Task.Delay(Busy, ct);
                if (_warned) logger.LogInformation("Sealing the event chain again.");
                _warned = false;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                // The database down says so itself elsewhere; what was noted stays noted and is sealed on the next pass.
                if (!_warned) logger.LogWarning(error, "Cannot seal the event chain; appended events wait, noted, for the next pass.");
                _warned = true;
            }
        }
        // The last commits of a host that stops are sealed now rather than by whichever host starts next.
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await EventChain.SealAsync(source, wait: true, bound.Token);
        }
        catch (Exception error) when (error is NpgsqlException or OperationCanceledException or ObjectDisposedException)
        {
            logger.LogInformation("Left the last events unsealed at stop ({Reason}); the next host to start seals them.", error.Message);
        }
    }

    private sealed class Nudger(ChainSealer sealer) : DocumentSessionListenerBase
    {
        public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            if (commit.GetEvents().Any()) sealer.Nudge();
            return Task.CompletedTask;
        }
    }
}
