using MembershipLedger.Api.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MembershipLedger.Api.Http;

/// <summary>
/// What the OpenAPI document says beyond what the endpoints describe themselves: the API-key scheme, required on the
/// routes that carry an authorization policy, and the request records of the write endpoints, which
/// <see cref="RequestBody{T}"/> binds rather than Wolverine's own deserializer (so Wolverine does not describe them).
/// </summary>
public static class OpenApiDescription
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthentication.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyAuthentication.Header,
                Description = "An API key: `keys create` on the command line issues one, shown once.",
            };
            return Task.CompletedTask;
        });
        // A request record's required fields are those the binder requires: its parameters that are not nullable.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is null && typeof(ILedgerRequest).IsAssignableFrom(context.JsonTypeInfo.Type))
                schema.Required = RequestBody.RequiredFields(context.JsonTypeInfo.Type).ToHashSet();
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any())
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, context.Document)] = [] }];
            if (operation.RequestBody is null && metadata.OfType<IAcceptsMetadata>().FirstOrDefault(a => a.RequestType is not null) is { } accepts)
            {
                var schema = await context.GetOrCreateSchemaAsync(accepts.RequestType!, null, ct);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = !accepts.IsOptional,
                    Content = accepts.ContentTypes.ToDictionary(type => type, _ => new OpenApiMediaType { Schema = schema }),
                };
            }
        });
    }
}
