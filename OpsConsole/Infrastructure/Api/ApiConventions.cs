using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// Who may call an endpoint, said once per endpoint (or group): the authorization policy, and the 401 and 403 answers
/// the OpenAPI document lists for it.
/// </summary>
public static class ApiConventions
{
    private static readonly string[] Problem = ["application/problem+json"];

    /// <summary>Callers signed in with a role the policy admits (401 without a sign-in, 403 for another role).</summary>
    public static TBuilder AllowedFor<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), Problem),
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), Problem));

    /// <summary>Any signed-in caller whose account is still enabled and unchanged, whatever the role (401 without a sign-in).</summary>
    public static TBuilder SignedIn<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(OpsPolicies.SignedIn).WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), Problem));

    /// <summary>
    /// Documents the body of a handler that reads it itself (one object or many, an optional body, CSV, multipart): for
    /// the OpenAPI document only, so that a request with another content type still reaches the handler and is told
    /// what to send (an Accepts declaration would make routing answer 404 instead).
    /// </summary>
    public static RouteHandlerBuilder TakesBody<TBody>(this RouteHandlerBuilder builder, params string[] contentTypes) =>
        builder.DescribeBody<TBody>(required: true, contentTypes);

    /// <summary>As <see cref="TakesBody{TBody}"/>, for a JSON body the caller may leave out (<see cref="OptionalJsonBody"/>).</summary>
    public static RouteHandlerBuilder TakesOptionalBody<TBody>(this RouteHandlerBuilder builder) => builder.DescribeBody<TBody>(required: false, []);

    private static RouteHandlerBuilder DescribeBody<TBody>(this RouteHandlerBuilder builder, bool required, string[] contentTypes) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(TBody), null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Content = (contentTypes.Length == 0 ? ["application/json"] : contentTypes).ToDictionary(t => t, _ => new OpenApiMediaType { Schema = schema }),
            };
        });
}
