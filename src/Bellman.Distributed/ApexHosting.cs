using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Bellman.Distributed;

/// <summary>
/// How the learner's silo and the actors' clients find each other. Without an advertised address the
/// silo uses Orleans' localhost clustering (loopback only, one machine); with one it uses development
/// clustering with itself as the primary silo, listening on every interface, and actors on other
/// machines connect to its gateway with static clustering. In both modes the primary silo is a single
/// point of failure: a membership provider (ADO.NET, Redis, Azure tables) removes it.
/// </summary>
public static class ApexHosting
{
    /// <summary>The Orleans cluster id of Ape-X runs.</summary>
    public const string ClusterId = "bellman-apex";
    /// <summary>The Orleans service id of Ape-X runs.</summary>
    public const string ServiceId = "bellman-apex";

    /// <summary>Builds (does not start) the learner's silo with <paramref name="hub"/> as the grains' shared state.</summary>
    public static IHost BuildSilo(ApexHub hub, int siloPort, int gatewayPort, IPAddress? advertise)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(hub);
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        ConfigureLogging(builder.Logging);
        builder.UseOrleans(silo =>
        {
            if (advertise is null) silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: ServiceId, clusterId: ClusterId);
            else
            {
                silo.UseDevelopmentClustering(new IPEndPoint(advertise, siloPort))
                    .ConfigureEndpoints(advertise, siloPort, gatewayPort, listenOnAnyHostAddress: true)
                    .Configure<ClusterOptions>(o => { o.ClusterId = ClusterId; o.ServiceId = ServiceId; });
            }
        });
        return builder.Build();
    }

    /// <summary>Builds (does not start) an actor's client of the gateway at <paramref name="gateway"/>.</summary>
    public static IHost BuildClient(IPEndPoint gateway)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        ConfigureLogging(builder.Logging);
        builder.UseOrleansClient(client => client.UseStaticClustering(gateway)
            .Configure<ClusterOptions>(o => { o.ClusterId = ClusterId; o.ServiceId = ServiceId; }));
        return builder.Build();
    }

    /// <summary>Parses <c>HOST:PORT</c> (a name or an address).</summary>
    public static IPEndPoint ParseEndpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is <= 0 or > 65535)
            throw new ArgumentException($"--learner = '{text}' is not HOST:PORT (for example 127.0.0.1:30000).");
        string host = text[..colon];
        if (IPAddress.TryParse(host, out var address)) return new IPEndPoint(address, port);
        var addresses = Dns.GetHostAddresses(host);
        var v4 = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"--learner = '{text}': host '{host}' has no address.");
        return new IPEndPoint(v4, port);
    }

    // Orleans logs nothing unless BELLMAN_ORLEANS_LOG names a level (Warning, Information, Debug).
    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        var level = System.Environment.GetEnvironmentVariable("BELLMAN_ORLEANS_LOG");
        if (level is not null && Enum.TryParse<LogLevel>(level, ignoreCase: true, out var min))
        {
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            logging.SetMinimumLevel(min);
        }
    }

    /// <summary>A host lifetime that leaves Ctrl-C and SIGTERM to the CLI (which stops the host itself).</summary>
    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
