// What nearly every use case file names: the write path, the event store, Wolverine's endpoints, NodaTime and the
// request attributes. Said once here so that a use case file starts with what it does.
global using System.ComponentModel.DataAnnotations;
global using JasperFx.Events;
global using Marten;
global using MembershipLedger.Api.Http;
global using MembershipLedger.Ledger;
global using Microsoft.AspNetCore.Mvc;
global using NodaTime;
global using Wolverine.Http;
global using Wolverine.Marten;
