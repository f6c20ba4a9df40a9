using Marten;
using MembershipLedger.Access;

namespace MembershipLedger.People;

public static class Configuration
{
    public static void AddPeople(this StoreOptions options)
    {
        // Pinned names: renaming a C# type must never orphan stored events.
        options.Events.MapEventType<ContactDetailsRecorded>("contact-details-recorded");
        options.Events.MapEventType<AccountRenamed>("account-renamed");
        options.Events.MapEventType<PersonalDataErased>("personal-data-erased");
        options.RegisterDocumentType<AccountName>();
        options.Projections.Add(new AccountNameProjection(), JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        options.RegisterDocumentType<ApiKey>();
        options.AddErasure();
    }
}
