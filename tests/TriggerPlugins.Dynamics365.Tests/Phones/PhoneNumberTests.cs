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
    public void The_contact_query_matches_E164_first_then_the_number_as_received_then_the_usual_stored_forms()
    {
        var query = Uri.UnescapeDataString(ContactDirectory.FindQuery(PhoneNumber.Normalize("06 12345678", "IT")));
        Assert.StartsWith("contacts?$select=contactid,fullname,telephone1&$filter=telephone1 eq '+390612345678' or telephone1 eq '06 12345678' or ", query, StringComparison.Ordinal);
        Assert.EndsWith("&$top=5", query, StringComparison.Ordinal);
        foreach (var stored in new[] { "+39 06 1234 5678", "06 1234 5678", "0612345678", "390612345678", "00390612345678", "0039 06 1234 5678", "0039 06 12345678", "+39-06-1234-5678", "06.1234.5678" })
        {
            Assert.Contains($"telephone1 eq '{stored}'", query, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("+12025550143", "US", "(202) 555-0143")]
    [InlineData("+12025550143", "US", "+1-202-555-0143")]
    [InlineData("+12025550143", "US", "202.555.0143")]
    [InlineData("+441632960961", "GB", "01632 960961")]
    [InlineData("+493012345678", "DE", "030/12345678")]
    [InlineData("+33142685300", "FR", "01 42 68 53 00")]
    [InlineData("+33142685300", "FR", "+33 1 42 68 53 00")]
    public void Each_value_is_listed_once_and_covers_the_usual_national_and_international_forms(string e164, string country, string stored)
    {
        var values = PhoneNumber.Normalize(e164, country).MatchValues;
        Assert.Equal(e164, values[0]);
        Assert.Contains(stored, values);
        Assert.Equal(values.Count, values.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("06 1234 5678", true)]
    [InlineData("0039 06 12345678", true)]
    [InlineData("06 1234 5679", false)]
    [InlineData("+44 6 1234 5678", false)]
    public void A_stored_number_is_the_callers_only_when_it_normalises_to_the_same_E164(string stored, bool same)
        => Assert.Equal(same, PhoneNumber.Normalize("+390612345678", "IT").IsSameNumber(stored));

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
