using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Phones;
using TriggerPlugins.Dynamics365.Tickets;

namespace TriggerPlugins.Dynamics365.Tests.Phones;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("+39 06 1234 5678")]
    [InlineData("0039 06 12345678")]
    [InlineData("06 12345678")]
    [InlineData("  +39 (06) 1234-5678 ")]
    public void The_issues_three_forms_normalise_to_one_E164_number_with_default_country_IT(string received)
    {
        var phone = PhoneNumber.Normalize(received, "IT");
        Assert.Equal("+390612345678", phone.E164);
        Assert.Equal("+390612345678", phone.Canonical);
        Assert.False(phone.IsAnonymous);
    }

    [Fact]
    public void A_national_number_without_a_default_country_is_used_as_received()
    {
        var phone = PhoneNumber.Normalize(" 06 12345678 ", null);
        Assert.Null(phone.E164);
        Assert.Equal("06 12345678", phone.Canonical);
        Assert.Equal(["06 12345678"], phone.MatchValues);
    }

    [Fact]
    public void An_international_number_needs_no_default_country()
        => Assert.Equal("+441632960961", PhoneNumber.Normalize("+44 1632 960961", null).E164);

    [Theory]
    [InlineData("12")]
    [InlineData("ext. 4321 x")]
    public void Unparseable_numbers_are_used_as_received_trimmed(string received)
    {
        var phone = PhoneNumber.Normalize($"  {received}  ", "IT");
        Assert.Null(phone.E164);
        Assert.Equal(received, phone.Canonical);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("anonymous")]
    [InlineData("Private")]
    [InlineData("WITHHELD")]
    public void Empty_or_withheld_numbers_are_anonymous(string? received)
        => Assert.True(PhoneNumber.Normalize(received, "IT").IsAnonymous);

    [Fact]
    public void The_contact_query_matches_E164_and_the_number_as_received()
    {
        var query = Uri.UnescapeDataString(ContactDirectory.FindQuery(PhoneNumber.Normalize("06 12345678", "IT")));
        Assert.Equal("contacts?$select=contactid,fullname,telephone1&$filter=telephone1 eq '+390612345678' or telephone1 eq '06 12345678'&$top=5", query);
    }

    [Fact]
    public void A_number_already_in_E164_is_matched_once()
        => Assert.Equal(["+390612345678"], PhoneNumber.Normalize("+390612345678", "IT").MatchValues);

    [Fact]
    public void Quotes_in_a_received_number_are_doubled_and_the_query_is_url_escaped()
    {
        var phone = PhoneNumber.Normalize("06' or 1 eq 1 or telephone1 eq '", "IT");
        var query = ContactDirectory.FindQuery(phone);

        Assert.DoesNotContain(" ", query, StringComparison.Ordinal);
        Assert.DoesNotContain("'", query.Split("$filter=")[1].Replace("%27", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("telephone1 eq '06'' or 1 eq 1 or telephone1 eq '''", Uri.UnescapeDataString(query), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plus_sign_is_escaped_so_it_is_not_read_as_a_space()
        => Assert.Contains("%2B390612345678", ContactDirectory.FindQuery(PhoneNumber.Normalize("+39 06 12345678", "IT")), StringComparison.Ordinal);

    [Fact]
    public void Anonymous_callers_are_looked_up_as_the_shared_unknown_caller_contact()
        => Assert.Contains("$filter=lastname eq 'Unknown caller'", Uri.UnescapeDataString(ContactDirectory.FindQuery(PhoneNumber.Normalize("anonymous", "IT"))), StringComparison.Ordinal);

    [Theory]
    [InlineData("O'Brien", "'O''Brien'")]
    [InlineData("''", "''''''")]
    [InlineData("plain", "'plain'")]
    public void OData_literals_double_quotes(string value, string expected)
        => Assert.Equal(expected, ODataQuery.Literal(value));
}
