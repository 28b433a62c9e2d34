using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Infrastructure.Auth;

/// <summary>
/// The data-protection key ring signs the sign-in cookies, the API's bearer tokens and the antiforgery tokens, and is kept
/// in the database so that every instance and every restart shares it. Whoever reads that table could forge a sign-in,
/// so in production the keys are encrypted at rest with a certificate from `DataProtection:CertificatePath` (a PFX with
/// `DataProtection:CertificatePassword`, or a PEM certificate with its key in `DataProtection:CertificateKeyPath`).
/// </summary>
public static class KeyRingProtection
{
    public static IServiceCollection AddOpsKeyRing(this IServiceCollection services, IConfiguration configuration)
    {
        var keys = services.AddDataProtection().SetApplicationName("OpsConsole").PersistKeysToDbContext<OpsDbContext>();
        if (LoadCertificate(configuration) is { } certificate)
        {
            // Decryption is given the certificate too: on Linux the framework would otherwise look for it in a store.
            keys.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        return services;
    }

    public static bool IsEncrypted(IConfiguration configuration) => configuration["DataProtection:CertificatePath"] is { Length: > 0 };

    /// <summary>Outside Development an unencrypted key ring is said at every start.</summary>
    public static void WarnWhenUnencrypted(WebApplication app)
    {
        if (!app.Environment.IsDevelopment() && !IsEncrypted(app.Configuration))
        {
            app.Logger.LogWarning("The data-protection keys (they sign cookies and API tokens) are stored unencrypted in the database. " +
                "Set DataProtection:CertificatePath (and DataProtection:CertificatePassword or DataProtection:CertificateKeyPath) to encrypt them; see the README.");
        }
    }

    private static X509Certificate2? LoadCertificate(IConfiguration configuration)
    {
        if (configuration["DataProtection:CertificatePath"] is not { Length: > 0 } path)
        {
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = configuration["DataProtection:CertificateKeyPath"] is { Length: > 0 } keyPath
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(path, configuration["DataProtection:CertificatePassword"]);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"DataProtection:CertificatePath: the certificate '{path}' could not be read ({ex.Message}).", ex);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"DataProtection:CertificatePath: the certificate '{path}' has no private key, so the keys could not be read back.");
        }
        return certificate;
    }
}
