using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// The OpenAPI document describes every operation in full: an operationId from its named handler, the bearer scheme
/// on every operation that needs a sign-in, and the 400 a malformed body or parameter gets (BadRequestHandler). The
/// rest (success and error bodies) comes from the handlers' typed results and <see cref="ApiConventions"/>. A field
/// that may be null may also be left out, so only the others are listed as required.
/// </summary>
public static class OpenApiConventions
{
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddOpsOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "OpsConsole API";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A token from POST /api/auth/login, sent as `Authorization: Bearer <token>`. The browser's sign-in cookie works too.",
            };
            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, _, _) =>
        {
            if (schema.Required is { Count: > 0 } required && schema.Properties is { } properties)
            {
                foreach (var (name, property) in properties)
                {
                    if (property.Type is { } type && type.HasFlag(JsonSchemaType.Null))
                    {
                        required.Remove(name);
                    }
                }
            }
            return Task.CompletedTask;
        });
        o.AddOperationTransformer(async (operation, context, ct) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (operation.OperationId is null && metadata.OfType<MethodInfo>().FirstOrDefault() is { } handler && !handler.Name.Contains('<'))
            {
                operation.OperationId = handler.Name.EndsWith("Async", StringComparison.Ordinal) ? handler.Name[..^5] : handler.Name;
            }
            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            }
            operation.Responses ??= new OpenApiResponses();
            var takesInput = operation.RequestBody is not null || operation.Parameters?.Count > 0;
            if (takesInput && !operation.Responses.ContainsKey("400"))
            {
                operation.Responses["400"] = new OpenApiResponse
                {
                    Description = "Bad Request",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/problem+json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(HttpValidationProblemDetails), null, ct) },
                    },
                };
            }
        });
    });
}
