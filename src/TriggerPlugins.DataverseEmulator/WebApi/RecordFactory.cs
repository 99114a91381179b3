using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Data;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>
/// Turns a create body into a stored record the way Dataverse validates it: known columns only, typed values,
/// maximum lengths, option values, <c>@odata.bind</c> to existing records, deep inserts, system-required lookups.
/// </summary>
internal sealed class RecordFactory(EntitySchemaCatalog schemas, Uri webApiRoot, TimeProvider clock, TicketNumberGenerator tickets)
{
    private const string BindSuffix = "@odata.bind";

    /// <summary>Stages the record (and any deep-inserted ones) in <paramref name="transaction"/>; returns its id.</summary>
    public Guid Create(EmulatorStore.StoreTransaction transaction, EntitySchema schema, JsonObject body, Guid? owner)
        => Create(transaction, schema, body, owner, parent: null);

    private Guid Create(EmulatorStore.StoreTransaction transaction, EntitySchema schema, JsonObject body, Guid? owner, (string Attribute, Guid Id)? parent)
    {
        var record = new JsonObject();
        Guid? id = null;
        var children = new List<(CollectionNavigation Navigation, JsonObject Body)>();
        if (parent is { } back)
        {
            record[back.Attribute] = back.Id.ToString("D");
        }

        foreach (var (name, value) in body)
        {
            // Deep insert of related records through a collection-valued navigation property, created after the parent:
            // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api#create-related-table-rows-in-one-operation
            if (schema.FindCollection(name) is { } collection)
            {
                if (value is not JsonArray items || items.Any(i => i is not JsonObject))
                {
                    throw DataverseErrors.BadRequest($"The collection-valued navigation property '{name}' must be a JSON array of objects for a deep insert.");
                }

                children.AddRange(items.Select(i => (collection, (JsonObject)i!)));
                continue;
            }

            if (name.EndsWith(BindSuffix, StringComparison.Ordinal))
            {
                var (lookup, targetId) = Bind(transaction, schema, name, value);
                record[lookup] = targetId.ToString("D");
            }
            else if (name.StartsWith('@') || name.Contains('@', StringComparison.Ordinal))
            {
                CheckAnnotation(schema, name, value);
            }
            else if (schema.FindNavigation(name) is { } navigation)
            {
                if (value is not JsonObject nested)
                {
                    throw DataverseErrors.BadRequest($"The navigation property '{name}' must be a JSON object for a deep insert; use '{name}{BindSuffix}' to link an existing record.");
                }

                var target = schemas.Find(navigation.TargetEntitySet)!;
                record[navigation.LookupAttribute] = Create(transaction, target, nested, owner).ToString("D");
            }
            else
            {
                var attribute = schema.FindAttribute(name) ?? throw DataverseErrors.UndeclaredPropertyInBody(name, schema);
                if (attribute.Kind == AttributeKind.Lookup)
                {
                    throw DataverseErrors.LookupWrittenDirectly();
                }

                if (!attribute.ValidForCreate)
                {
                    throw DataverseErrors.NotValidForCreate(attribute, schema);
                }

                var converted = Convert(schema, attribute, value);
                if (attribute.Kind == AttributeKind.PrimaryKey && converted is not null)
                {
                    id = Guid.Parse(converted.GetValue<string>());
                }

                record[name] = converted;
            }
        }

        var recordId = id ?? Guid.NewGuid();
        record[schema.PrimaryKey] = recordId.ToString("D");
        var now = clock.GetUtcNow();
        record["createdon"] = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        if (owner is { } ownerId && schema.FindNavigation("ownerid") is { } ownerNavigation && record[ownerNavigation.LookupAttribute] is null)
        {
            // Without ownerid@odata.bind the caller owns what it creates.
            record[ownerNavigation.LookupAttribute] = ownerId.ToString("D");
        }

        schema.OnCreate?.Invoke(record, new CreateContext(now, tickets.Next));
        foreach (var requirement in schema.RequiredOnCreate)
        {
            if (record[requirement.Attribute] is null)
            {
                throw DataverseErrors.InvalidArgument(requirement.Message);
            }
        }

        foreach (var attribute in schema.Attributes.Where(a => a.IsText && a.MaxLength > 0))
        {
            // Computed text (fullname, ticketnumber) obeys the same limits as given text.
            if (record[attribute.Name]?.GetValue<string>() is { } text && text.Length > attribute.MaxLength)
            {
                throw DataverseErrors.TooLong(attribute, schema);
            }
        }

        // Round-trip so every stored value is a plain JSON value, whatever CLR type built it.
        transaction.Insert(schema, recordId, JsonNode.Parse(record.ToJsonString())!.AsObject());
        foreach (var (collection, child) in children)
        {
            Create(transaction, schemas.Find(collection.TargetEntitySet)!, child, owner, (collection.ChildLookupAttribute, recordId));
        }
        return recordId;
    }

    /// <summary>
    /// Stages an update of an existing record: only columns valid for update, typed and checked as on create, and
    /// single-valued <c>@odata.bind</c> links. A deep insert is refused (the emulator is stricter than Dataverse here).
    /// Follows https://learn.microsoft.com/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api#basic-update
    /// </summary>
    public void Update(EmulatorStore.StoreTransaction transaction, EntitySchema schema, Guid id, JsonObject body)
    {
        var stored = transaction.Peek(schema, id) ?? throw DataverseErrors.RecordNotFound(schema, id);
        var changes = new JsonObject();
        foreach (var (name, value) in body)
        {
            if (name.EndsWith(BindSuffix, StringComparison.Ordinal))
            {
                var (lookup, targetId) = Bind(transaction, schema, name, value);
                changes[lookup] = targetId.ToString("D");
            }
            else if (name.Contains('@', StringComparison.Ordinal))
            {
                CheckAnnotation(schema, name, value);
            }
            else if (schema.FindNavigation(name) is not null || schema.FindCollection(name) is not null)
            {
                throw DataverseErrors.BadRequest($"The emulator does not create related records in an update: '{name}' must be set with '{name}{BindSuffix}' in a PATCH.");
            }
            else
            {
                var attribute = schema.FindAttribute(name) ?? throw DataverseErrors.UndeclaredPropertyInBody(name, schema);
                if (attribute.Kind is AttributeKind.Lookup or AttributeKind.PrimaryKey || !attribute.IsValidForUpdate)
                {
                    throw DataverseErrors.InvalidArgument($"The attribute '{name}' of '{schema.LogicalName}' cannot be set in an update.");
                }

                changes[name] = Convert(schema, attribute, value);
            }
        }

        var updated = (JsonObject)stored.DeepClone();
        schema.OnUpdate?.Invoke(updated, changes);
        foreach (var (name, value) in changes)
        {
            updated[name] = value?.DeepClone();
        }

        transaction.Replace(schema, id, JsonNode.Parse(updated.ToJsonString())!.AsObject());
    }

    /// <summary>The lookup column and the existing record a <c>name@odata.bind</c> property points at.</summary>
    private (string Lookup, Guid Id) Bind(EmulatorStore.StoreTransaction transaction, EntitySchema schema, string name, JsonNode? value)
    {
        var navigation = schema.FindNavigation(name[..^BindSuffix.Length]) ?? throw DataverseErrors.UndeclaredNavigation(name[..^BindSuffix.Length]);
        var target = schemas.Find(navigation.TargetEntitySet)!;
        var targetId = ParseBind(value, navigation, target);
        var stored = transaction.Peek(target, targetId) ?? throw DataverseErrors.RecordNotFound(target, targetId);

        // A disabled user cannot own records, on create or update (see DataverseErrors.DisabledOwner for the doc pages).
        if (navigation.Name == "ownerid" && stored["isdisabled"]?.GetValue<bool>() == true)
        {
            throw DataverseErrors.DisabledOwner();
        }

        return (navigation.LookupAttribute, targetId);
    }

    private Guid ParseBind(JsonNode? value, NavigationProperty navigation, EntitySchema target)
    {
        var text = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        var reference = text;
        if (reference is not null && reference.StartsWith(webApiRoot.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
        {
            reference = reference[webApiRoot.AbsoluteUri.Length..];
        }

        reference = reference?.TrimStart('/');
        var prefix = target.EntitySetName + "(";
        if (reference is not null && reference.StartsWith(prefix, StringComparison.Ordinal) && reference.EndsWith(')')
            && Guid.TryParseExact(reference[prefix.Length..^1], "D", out var id))
        {
            return id;
        }

        throw DataverseErrors.BadRequest(
            $"The value '{text ?? value?.ToJsonString()}' of '{navigation.Name}{BindSuffix}' is not a reference to a record of '{target.EntitySetName}'; expected '/{target.EntitySetName}(<guid>)'.");
    }

    private static void CheckAnnotation(EntitySchema schema, string name, JsonNode? value)
    {
        if (name == "@odata.type")
        {
            var type = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>().TrimStart('#') : null;
            if (type != schema.TypeName)
            {
                throw DataverseErrors.BadRequest($"A resource with type '{type}' was found, but it is not assignable to the expected type '{schema.TypeName}'.");
            }

            return;
        }

        // Instance annotations such as formatted values are read-only: Dataverse ignores them on write.
        var property = name[..name.IndexOf('@', StringComparison.Ordinal)];
        if (property.Length > 0 && schema.FindAttribute(property) is null && schema.FindNavigation(property) is null)
        {
            throw DataverseErrors.UndeclaredNavigation(property);
        }
    }

    private static JsonValue? Convert(EntitySchema schema, AttributeDefinition attribute, JsonNode? value)
    {
        if (value is null || value.GetValueKind() == JsonValueKind.Null)
        {
            return null;
        }

        var kind = value.GetValueKind();
        var literal = kind == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        switch (attribute.Kind)
        {
            case AttributeKind.String or AttributeKind.Memo when kind == JsonValueKind.String:
                return literal.Length > attribute.MaxLength ? throw DataverseErrors.TooLong(attribute, schema) : JsonValue.Create(literal);
            case AttributeKind.PrimaryKey or AttributeKind.Guid when kind == JsonValueKind.String && Guid.TryParseExact(literal, "D", out var id):
                return JsonValue.Create(id.ToString("D"));
            case AttributeKind.Integer or AttributeKind.Picklist or AttributeKind.BigInt when kind == JsonValueKind.Number && long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number):
                if (attribute.Kind != AttributeKind.BigInt && number is < int.MinValue or > int.MaxValue)
                {
                    break;
                }

                if (attribute.Options is { } options && !options.Contains((int)number))
                {
                    throw DataverseErrors.OptionOutOfRange(attribute, schema, number);
                }

                return JsonValue.Create(number);
            case AttributeKind.Boolean when kind is JsonValueKind.True or JsonValueKind.False:
                return JsonValue.Create(kind == JsonValueKind.True);
            case AttributeKind.DateTime when kind == JsonValueKind.String
                && DateTimeOffset.TryParse(literal, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when):
                return JsonValue.Create(when.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        }

        throw DataverseErrors.CannotConvert(literal, attribute.EdmType);
    }
}
