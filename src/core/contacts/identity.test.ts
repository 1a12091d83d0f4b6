import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { contactFields, identityOf } from "./identity";

describe("identityOf (upsert)", () => {
  it("formats the email and writes the phone in E.164", () => {
    expect(identityOf({ email: " mailto:Ada@Example.COM ", phone: "0034 600 00 00 00" })).toEqual({
      email: "Ada@example.com",
      phone: "+34600000000",
    });
    expect(identityOf({ phone: "+1 (202) 555-0143" })).toEqual({ email: null, phone: "+12025550143" });
  });

  it("refuses a request without either, a bad email and a phone without its country", () => {
    expect(() => identityOf({})).toThrow(/an email or a phone is required/);
    expect(() => identityOf({ email: "  ", phone: null })).toThrow(DomainError);
    expect(() => identityOf({ email: "not-an-email" })).toThrow(/^email: Invalid email/);
    expect(() => identityOf({ phone: "600 000 000" })).toThrow(/^phone: .*\+ and its country code/);
    expect(() => identityOf({ phone: "call me" }, "items[2]")).toThrow(/^items\[2\]\.phone: Not a phone/);
  });
});

describe("contactFields (POST /contact)", () => {
  it("keeps a national number as sent, since its country is unknown", () => {
    expect(contactFields({ phone: " 600 000 000 " })).toEqual({ email: null, phone: "600 000 000" });
  });

  it("refuses text that is no email or no phone number", () => {
    expect(() => contactFields({ email: "ada" })).toThrow(/^email:/);
    expect(() => contactFields({ phone: "ask the front desk" })).toThrow(/^phone:/);
    expect(() => contactFields({ phone: "+34 12" })).toThrow(/^phone: Invalid phone number/);
  });
});
