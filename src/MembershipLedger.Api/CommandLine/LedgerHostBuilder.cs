using MembershipLedger.Api.Database;

namespace MembershipLedger.Api.CommandLine;

/// <summary>
/// The ledger's host, as <c>Program</c> serves it and as JasperFx's commands build it: built only when asked for (<c>catalogue</c> and <c>help</c> never do, so they never start a database). Building
/// resolves the database (configured, or the embedded one) and lends it to the host, which stops it when disposed.
/// </summary>
public sealed class LedgerHostBuilder(string[] settings, bool quiet) : IHostBuilder
{
    private readonly WebApplicationBuilder _builder = WebApplication.CreateBuilder(settings);

    public IDictionary<object, object> Properties => _builder.Host.Properties;

    public IHost Build()
    {
        // Standard output carries exports and reports; the host's own logging stays out of it.
        if (quiet) _builder.Logging.ClearProviders();
        else if (string.IsNullOrEmpty(_builder.Configuration["urls"])) _builder.WebHost.UseUrls(LedgerHost.DefaultUrl);
        LedgerDatabase database;
        try
        {
            database = LedgerDatabase.ResolveAsync(_builder.Configuration).GetAwaiter().GetResult();
        }
        catch (PostgresBinariesNotFoundException e)
        {
            throw new JasperFx.CommandLine.CommandFailureException(e.Message);
        }
        _builder.AddLedger(database.ConnectionString, database.Embedded, serving: !quiet);
        _builder.Services.AddSingleton(_ => new DatabaseLease(database));
        var app = _builder.Build();
        // Resolved once so the container owns it: disposing the host stops an embedded database.
        app.Services.GetRequiredService<DatabaseLease>();
        app.MapLedger();
        app.LoadSamplesAndGreet(database.Description);
        return app;
    }

    public IHostBuilder ConfigureHostConfiguration(Action<IConfigurationBuilder> configure) => Forward(b => b.ConfigureHostConfiguration(configure));
    public IHostBuilder ConfigureAppConfiguration(Action<HostBuilderContext, IConfigurationBuilder> configure) => Forward(b => b.ConfigureAppConfiguration(configure));
    public IHostBuilder ConfigureServices(Action<HostBuilderContext, IServiceCollection> configure) => Forward(b => b.ConfigureServices(configure));
    public IHostBuilder UseServiceProviderFactory<TContainerBuilder>(IServiceProviderFactory<TContainerBuilder> factory) where TContainerBuilder : notnull =>
        Forward(b => b.UseServiceProviderFactory(factory));
    public IHostBuilder UseServiceProviderFactory<TContainerBuilder>(Func<HostBuilderContext, IServiceProviderFactory<TContainerBuilder>> factory) where TContainerBuilder : notnull =>
        Forward(b => b.UseServiceProviderFactory(factory));
    public IHostBuilder ConfigureContainer<TContainerBuilder>(Action<HostBuilderContext, TContainerBuilder> configure) => Forward(b => b.ConfigureContainer(configure));

    private LedgerHostBuilder Forward(Action<IHostBuilder> configure)
    {
        configure(_builder.Host);
        return this;
    }

    private sealed class DatabaseLease(LedgerDatabase database) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => database.DisposeAsync();
    }
}
