using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Settings;
using OpsConsole.Infrastructure.Events;

namespace OpsConsole.Infrastructure.Cluster;

/// <summary>
/// Applies on this instance a settings change saved on another (<see cref="SettingsChanged"/> through the event bridge):
/// <see cref="RuntimeSettings"/> reads a fresh snapshot, which applies the section when its values differ. Without it an
/// instance kept its snapshot up to <see cref="RuntimeSettings.RefreshAfter"/>, so two instances could poll the yard at
/// different intervals for half a minute. A change missed while Redis was down is still applied by that renewal.
/// </summary>
public sealed class SettingsChangeListener(IOpsEventStream events, BridgedEvents bridged, RuntimeSettings settings, ILogger<SettingsChangeListener> logger)
    : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe<SettingsChanged>(async changed =>
        {
            if (!bridged.Contains(changed))
            {
                return; // saved here: applied already
            }
            try
            {
                await settings.ReadFreshAsync(changed.Module);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The {Module} settings changed on another instance could not be read; the snapshot's renewal will apply them", changed.Module);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
