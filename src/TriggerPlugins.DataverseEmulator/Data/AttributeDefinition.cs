namespace TriggerPlugins.DataverseEmulator.Data;

/// <summary>The storage kinds the emulator knows; each maps to one OData (Edm) type.</summary>
internal enum AttributeKind
{
    PrimaryKey,
    Guid,
    String,
    Memo,
    Integer,
    Picklist,
    Boolean,
    DateTime,
    Lookup,
    BigInt,
}

/// <summary>One column of an entity.</summary>
/// <param name="Name">Logical name as used in the Web API.</param>
/// <param name="Kind">Storage kind.</param>
/// <param name="MaxLength">For strings: the maximum number of characters Dataverse accepts.</param>
/// <param name="ValidForCreate">False for columns Dataverse computes (fullname, createdon, lookups' _x_value, ...).</param>
/// <param name="Options">For picklists: the allowed option values.</param>
/// <param name="ValidForUpdate">Whether a PATCH may set it; null means the same as <paramref name="ValidForCreate"/>.</param>
/// <param name="Labels">For picklists: each option's label (English, 1033), served by the metadata endpoints.</param>
/// <param name="IsCustom">Declared by a seed (a custom column), not a standard column.</param>
internal sealed record AttributeDefinition(
    string Name,
    AttributeKind Kind,
    int MaxLength = 0,
    bool ValidForCreate = true,
    IReadOnlySet<int>? Options = null,
    bool? ValidForUpdate = null,
    IReadOnlyDictionary<int, string>? Labels = null,
    bool IsCustom = false)
{
    /// <summary>A picklist whose options are the keys of <paramref name="labels"/>.</summary>
    public static AttributeDefinition Choice(string name, IReadOnlyDictionary<int, string> labels, bool validForCreate = true, bool? validForUpdate = null) =>
        new(name, AttributeKind.Picklist, ValidForCreate: validForCreate, Options: labels.Keys.ToHashSet(), ValidForUpdate: validForUpdate, Labels: labels);

    /// <summary>Whether a PATCH may set the column: by default, the columns valid for create.</summary>
    public bool IsValidForUpdate => ValidForUpdate ?? ValidForCreate;

    public string EdmType => Kind switch
    {
        AttributeKind.PrimaryKey or AttributeKind.Guid or AttributeKind.Lookup => "Edm.Guid",
        AttributeKind.String or AttributeKind.Memo => "Edm.String",
        AttributeKind.Integer or AttributeKind.Picklist => "Edm.Int32",
        AttributeKind.Boolean => "Edm.Boolean",
        AttributeKind.DateTime => "Edm.DateTimeOffset",
        AttributeKind.BigInt => "Edm.Int64",
        _ => throw new InvalidOperationException($"Unknown attribute kind {Kind}."),
    };

    public bool IsGuid => Kind is AttributeKind.PrimaryKey or AttributeKind.Guid or AttributeKind.Lookup;

    public bool IsText => Kind is AttributeKind.String or AttributeKind.Memo;

    public bool IsNumber => Kind is AttributeKind.Integer or AttributeKind.Picklist or AttributeKind.BigInt;
}

/// <summary>
/// A single-valued navigation property that can be set with <c>name@odata.bind</c> or a deep insert,
/// and whose value is read back as the lookup attribute <c>_name_value</c>.
/// </summary>
internal sealed record NavigationProperty(string Name, string TargetEntitySet, string LookupAttribute);

/// <summary>
/// A collection-valued navigation property whose related records can be created with the parent (deep insert of
/// an array), each child pointing back at the parent through <paramref name="ChildLookupAttribute"/>.
/// </summary>
internal sealed record CollectionNavigation(string Name, string TargetEntitySet, string ChildLookupAttribute);
