using System.Globalization;

namespace MembershipLedger.Api.Http;

/// <summary>Keyset paging by event sequence: <c>after</c> (exclusive) and <c>limit</c> (1–500, default 100).</summary>
public static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public sealed record Page(long After, int Limit);

    public static Page? Read(string? after, string? limit, int max = MaxLimit)
    {
        long afterValue = 0;
        var limitValue = DefaultLimit;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterValue))) return null;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out limitValue) || limitValue < 1 || limitValue > max)) return null;
        return new Page(afterValue, limitValue);
    }

    public static IResult Problem(string? after, string? limit, int max = MaxLimit)
    {
        var errors = new Dictionary<string, string[]>();
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            errors["after"] = [$"'{after}' is not an event sequence number."];
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l < 1 || l > max))
            errors["limit"] = [$"must be a whole number from 1 to {max}."];
        return Problems.Invalid(errors);
    }
}
