namespace TriggerPlugins.DataverseEmulator;

/// <summary>How to start a <see cref="DataverseEmulator"/>. Validated by <see cref="DataverseEmulator.StartAsync"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 (the default) lets the operating system choose a free one.</summary>
    public int Port { get; set; }

    /// <summary>A seed JSON file (see the emulator's README). Ignored when <see cref="Seed"/> is set.</summary>
    public string? SeedFile { get; set; }

    /// <summary>A seed given in code. When neither this nor <see cref="SeedFile"/> is set, the built-in demo tenant is used.</summary>
    public EmulatorSeed? Seed { get; set; }

    /// <summary>How long an issued access token stays valid. Defaults to one hour, like Azure AD.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Faults to inject from the start (copied at start); change them later through <see cref="DataverseEmulator.Faults"/>.</summary>
    public EmulatorFaults? Faults { get; set; }

    /// <summary>Seeds the random source of faults and ticket numbers so that a run can be reproduced.</summary>
    public int? RandomSeed { get; set; }

    internal TimeProvider Clock { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"EmulatorOptions.Port must be between 0 and 65535 (was {Port}).", nameof(Port));
        }

        if (TokenLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException($"EmulatorOptions.TokenLifetime must be positive (was {TokenLifetime}).", nameof(TokenLifetime));
        }

        Faults?.Validate();
    }
}
